using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// EventBridge's event matching and input transformation, as documented ("Event patterns", "Content filtering",
/// "Transforming target input"), for the subset the templates use: literal values (a field matches when any of its
/// values equals one of the pattern's), <c>exists</c>, <c>prefix</c> and <c>anything-but</c>; input paths with
/// member and array-index steps; input templates with <c>&lt;name&gt;</c> placeholders.
/// </summary>
internal static partial class EventBridgeRules
{
    /// <summary>Whether <paramref name="pattern"/> matches <paramref name="evt"/> (every pattern field must match).</summary>
    public static bool Matches(JsonObject pattern, JsonNode? evt)
    {
        foreach (var (key, expected) in pattern)
        {
            var actual = evt is JsonObject o && o.TryGetPropertyValue(key, out var value) ? value : null;
            var present = evt is JsonObject p && p.ContainsKey(key);
            switch (expected)
            {
                case JsonObject nested:
                    if (!present || !Matches(nested, actual)) return false;
                    break;
                case JsonArray matchers:
                    if (!matchers.Any(m => MatchesOne(m, actual, present))) return false;
                    break;
                default:
                    throw new InvalidOperationException($"pattern field {key}: values must be objects or arrays, not {expected?.ToJsonString()}");
            }
        }
        return true;
    }

    private static bool MatchesOne(JsonNode? matcher, JsonNode? actual, bool present)
    {
        var values = actual is JsonArray list ? list.ToList() : [actual];
        if (matcher is JsonObject rule)
        {
            var (name, argument) = rule.Single();
            return name switch
            {
                // exists applies to leaves: a field holding an object does not "exist" for it.
                "exists" => Flag(argument!) ? present && actual is not JsonObject : !present,
                "prefix" => present && values.Any(v => v is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().StartsWith(argument!.GetValue<string>(), StringComparison.Ordinal)),
                "anything-but" => present && values.All(v => !(argument is JsonArray excluded ? excluded : [argument]).Any(e => Same(e, v))),
                _ => throw new NotSupportedException($"the test's matcher does not implement {name}"),
            };
        }
        return present && values.Any(v => Same(matcher, v));
    }

    /// <summary>A boolean argument (templates read from YAML carry it as the text "true" or "false").</summary>
    private static bool Flag(JsonNode argument) => argument.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => bool.Parse(argument.GetValue<string>()),
    };

    private static bool Same(JsonNode? a, JsonNode? b) => a is null || b is null ? a is null && b is null : JsonNode.DeepEquals(a, b);

    /// <summary>The target input: each input path read from the event, placed into the template.</summary>
    public static string Transform(JsonObject inputPathsMap, string inputTemplate, JsonNode evt)
    {
        var values = inputPathsMap.ToDictionary(p => p.Key, p => Read(evt, p.Value!.GetValue<string>()));
        return Placeholder().Replace(inputTemplate, m =>
        {
            var value = values.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"no input path named {m.Groups[1].Value}");
            // A string lands with its quotes, other JSON as is; a missing path becomes null.
            return value?.ToJsonString() ?? "null";
        });
    }

    /// <summary>A JSONPath of the form $.a.b[0].c (the form input paths use).</summary>
    public static JsonNode? Read(JsonNode evt, string path)
    {
        if (!path.StartsWith("$.", StringComparison.Ordinal)) throw new InvalidOperationException($"input path {path} must start with $.");
        JsonNode? node = evt;
        foreach (Match step in Step().Matches(path[2..]))
        {
            node = step.Groups["index"].Success
                ? node is JsonArray list && int.Parse(step.Groups["index"].Value, CultureInfo.InvariantCulture) is var i && i < list.Count ? list[i] : null
                : node is JsonObject o && o.TryGetPropertyValue(step.Groups["name"].Value, out var child) ? child : null;
            if (node is null) return null;
        }
        return node;
    }

    [GeneratedRegex(@"<([A-Za-z0-9_.-]+)>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?<name>[^.\[\]]+)|\[(?<index>[0-9]+)\]")]
    private static partial Regex Step();
}
