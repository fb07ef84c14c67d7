using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// A CloudFormation template read the way CloudFormation reads it, for tests: YAML short-form tags become their long
/// form (<c>!Ref x</c> → <c>{"Ref": x}</c>), and <see cref="Render"/> evaluates the template for a set of parameter
/// values — conditions, Ref, Fn::If, Fn::Sub, Fn::Join, AWS::NoValue — so tests can check what a stack would really
/// get. Resources that do not exist yet read as placeholders: <c>ref:LogicalId</c> and <c>getatt:LogicalId.Attribute</c>.
/// </summary>
internal sealed partial class CfnTemplate
{
    public const string AccountId = "111122223333";
    public const string Region = "eu-west-1";
    private const string NoValue = "\0AWS::NoValue";

    public string Path { get; }
    public JsonObject Root { get; }

    private CfnTemplate(string path, JsonObject root)
    {
        Path = path;
        Root = root;
    }

    public static CfnTemplate Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>A template given as text (a conformance pack's TemplateBody, say); <paramref name="name"/> names it in messages.</summary>
    public static CfnTemplate Parse(string text, string name)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(text)) stream.Load(reader);
        return new CfnTemplate(name, (JsonObject)ToJson(stream.Documents.Single().RootNode));
    }

    /// <summary>YAML to JSON, with CloudFormation's short-form tags in long form; every scalar stays a string.</summary>
    public static JsonNode ToJson(YamlNode node)
    {
        JsonNode plain = node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, (JsonNode?)ToJson(kv.Value)))),
            YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType} at {node.Start}"),
        };
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        if (tag is null || !tag.StartsWith('!') || tag == "!") return plain;
        var function = tag[1..];
        return function switch
        {
            "Ref" => new JsonObject { ["Ref"] = plain },
            "Condition" => new JsonObject { ["Condition"] = plain },
            "GetAtt" when plain is JsonValue dotted => new JsonObject
            {
                ["Fn::GetAtt"] = new JsonArray([.. dotted.GetValue<string>().Split('.', 2).Select(p => (JsonNode)JsonValue.Create(p))]),
            },
            _ => new JsonObject { ["Fn::" + function] = plain },
        };
    }

    public JsonObject Parameters => Root["Parameters"]?.AsObject() ?? [];

    public JsonObject Resources => Root["Resources"]!.AsObject();

    /// <summary>The template evaluated for these parameter values (others take their defaults); values are checked against the parameters' constraints.</summary>
    /// <param name="physical">
    /// Values for references to resources, keyed <c>Ref Id</c> or <c>GetAtt Id.Attribute</c> (what the stack would have
    /// created); others read as placeholders.
    /// </param>
    public Rendered Render(IReadOnlyDictionary<string, string>? values = null, IReadOnlyDictionary<string, string>? physical = null)
    {
        values ??= new Dictionary<string, string>();
        foreach (var name in values.Keys)
        {
            if (!Parameters.ContainsKey(name)) throw new ArgumentException($"{System.IO.Path.GetFileName(Path)} has no parameter {name}");
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, definition) in Parameters)
        {
            var value = values.TryGetValue(name, out var given) ? given
                : definition!["Default"] is { } fallback ? fallback.GetValue<string>()
                : throw new ArgumentException($"parameter {name} has no default and no value");
            CheckConstraints(name, definition!.AsObject(), value);
            parameters[name] = value;
        }
        var context = new Evaluation(this, parameters, physical ?? new Dictionary<string, string>());
        var resources = new JsonObject();
        foreach (var (id, resource) in Resources)
        {
            if (resource!["Condition"] is { } condition && !context.Condition(condition.GetValue<string>())) continue;
            resources[id] = context.Resolve(resource.DeepClone());
        }
        var outputs = new JsonObject();
        foreach (var (id, output) in Root["Outputs"]?.AsObject() ?? [])
        {
            if (output!["Condition"] is { } condition && !context.Condition(condition.GetValue<string>())) continue;
            outputs[id] = context.Resolve(output.DeepClone());
        }
        return new Rendered(parameters, resources, outputs, context.Conditions);
    }

    private static void CheckConstraints(string name, JsonObject definition, string value)
    {
        if (definition["AllowedValues"] is JsonArray allowed && !allowed.Any(a => a!.GetValue<string>() == value))
        {
            throw new ArgumentException($"{name}={value} is not one of its AllowedValues");
        }
        if (definition["AllowedPattern"] is { } pattern && !Regex.IsMatch(value, "^(?:" + pattern.GetValue<string>() + ")$"))
        {
            throw new ArgumentException($"{name}={value} does not match its AllowedPattern");
        }
        if (definition["Type"]?.GetValue<string>() == "Number")
        {
            var number = double.Parse(value, CultureInfo.InvariantCulture);
            if (definition["MinValue"] is { } min && number < double.Parse(min.GetValue<string>(), CultureInfo.InvariantCulture)) throw new ArgumentException($"{name}={value} is below MinValue");
            if (definition["MaxValue"] is { } max && number > double.Parse(max.GetValue<string>(), CultureInfo.InvariantCulture)) throw new ArgumentException($"{name}={value} is above MaxValue");
        }
    }

    public sealed record Rendered(IReadOnlyDictionary<string, string> Parameters, JsonObject Resources, JsonObject Outputs,
                                  IReadOnlyDictionary<string, bool> Conditions)
    {
        public JsonObject Resource(string id) => Resources[id]?.AsObject() ?? throw new KeyNotFoundException($"no resource {id} in the rendered template");

        public JsonObject Properties(string id) => Resource(id)["Properties"]!.AsObject();

        /// <summary>The policy statements of one resource (a role's trust and inline policies, a topic or key policy).</summary>
        public IReadOnlyList<JsonObject> Statements(string id) =>
            [.. IamPolicyTests.Statements(this).Where(s => s.Where == id || s.Where.StartsWith(id + " ", StringComparison.Ordinal)).Select(s => s.Statement)];

        public IEnumerable<(string Id, JsonObject Resource)> OfType(string type) =>
            Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!.AsObject()));
    }

    private sealed partial class Evaluation(CfnTemplate template, IReadOnlyDictionary<string, string> parameters,
                                            IReadOnlyDictionary<string, string> physical)
    {
        public Dictionary<string, bool> Conditions { get; } = [];

        public bool Condition(string name)
        {
            if (Conditions.TryGetValue(name, out var known)) return known;
            var definition = template.Root["Conditions"]?[name] ?? throw new KeyNotFoundException($"no condition {name}");
            return Conditions[name] = Truth(definition);
        }

        private bool Truth(JsonNode node)
        {
            var (function, argument) = Single(node.AsObject());
            return function switch
            {
                "Fn::Equals" => Text(argument!.AsArray()[0]!) == Text(argument.AsArray()[1]!),
                "Fn::Not" => !Truth(argument!.AsArray()[0]!),
                "Fn::Or" => argument!.AsArray().Any(a => Truth(a!)),
                "Fn::And" => argument!.AsArray().All(a => Truth(a!)),
                "Condition" => Condition(argument!.GetValue<string>()),
                _ => throw new InvalidOperationException($"{function} is not a condition function"),
            };
        }

        private string Text(JsonNode node) => Resolve(node.DeepClone()) is JsonValue value ? value.GetValue<string>()
            : throw new InvalidOperationException($"expected a string, got {node.ToJsonString()}");

        public JsonNode? Resolve(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject map when map.Count == 1 && (map.First().Key.StartsWith("Fn::", StringComparison.Ordinal) || map.First().Key is "Ref" or "Condition"):
                    return Function(map.First().Key, map.First().Value);
                case JsonObject map:
                    var resolved = new JsonObject();
                    foreach (var (key, value) in map.ToList())
                    {
                        var result = Resolve(value?.DeepClone());
                        if (!IsNoValue(result)) resolved[key] = result;
                    }
                    return resolved;
                case JsonArray list:
                    return new JsonArray([.. list.Select(item => Resolve(item?.DeepClone())).Where(item => !IsNoValue(item))]);
                default:
                    return node;
            }
        }

        private static bool IsNoValue(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) && text == NoValue;

        private JsonNode? Function(string function, JsonNode? argument) => function switch
        {
            "Ref" => JsonValue.Create(Reference(argument!.GetValue<string>())),
            "Fn::GetAtt" => JsonValue.Create(GetAtt(argument!.AsArray()[0]!.GetValue<string>(), argument.AsArray()[1]!.GetValue<string>())),
            "Fn::If" => Condition(argument!.AsArray()[0]!.GetValue<string>()) ? Resolve(argument.AsArray()[1]!.DeepClone()) : Resolve(argument.AsArray()[2]!.DeepClone()),
            "Fn::Sub" => JsonValue.Create(Substitute(argument!)),
            "Fn::Join" => JsonValue.Create(string.Join(argument!.AsArray()[0]!.GetValue<string>(),
                ((JsonArray)Resolve(argument.AsArray()[1]!.DeepClone())!).Select(part => part!.GetValue<string>()))),
            "Fn::Equals" or "Fn::Not" or "Fn::Or" or "Fn::And" or "Condition" => JsonValue.Create(Truth(new JsonObject { [function] = argument!.DeepClone() }) ? "true" : "false"),
            _ => throw new NotSupportedException($"{function} is not evaluated by the test's template renderer"),
        };

        private string Reference(string name)
        {
            if (name == "AWS::NoValue") return NoValue;
            if (parameters.TryGetValue(name, out var value)) return value;
            if (physical.TryGetValue("Ref " + name, out var created)) return created;
            return Pseudo(name) ?? (template.Resources.ContainsKey(name.Split('.')[0]) ? "ref:" + name
                : throw new KeyNotFoundException($"Ref {name}: no such parameter or resource"));
        }

        private string GetAtt(string resource, string attribute) =>
            !template.Resources.ContainsKey(resource) ? throw new KeyNotFoundException($"GetAtt {resource}.{attribute}: no such resource")
            : physical.TryGetValue($"GetAtt {resource}.{attribute}", out var created) ? created
            : $"getatt:{resource}.{attribute}";

        private static string? Pseudo(string name) => name switch
        {
            "AWS::AccountId" => AccountId,
            "AWS::Region" => Region,
            "AWS::Partition" => "aws",
            "AWS::StackName" => "sg-config-rule",
            "AWS::URLSuffix" => "amazonaws.com",
            _ => null,
        };

        private string Substitute(JsonNode argument)
        {
            var (text, variables) = argument is JsonArray pair
                ? (pair[0]!.GetValue<string>(), pair[1]!.AsObject())
                : (argument.GetValue<string>(), new JsonObject());
            return Placeholder().Replace(text, match =>
            {
                var name = match.Groups[1].Value;
                if (name.StartsWith('!')) return "${" + name[1..] + "}";
                if (variables[name] is { } local) return Text(local);
                if (name.Contains('.', StringComparison.Ordinal) && !name.StartsWith("AWS::", StringComparison.Ordinal))
                {
                    var parts = name.Split('.', 2);
                    return parts[1] == "Alias" ? Reference(name) : GetAtt(parts[0], parts[1]);
                }
                return Reference(name);
            });
        }

        [GeneratedRegex(@"\$\{([^}]+)\}")]
        private static partial Regex Placeholder();

        private static (string, JsonNode?) Single(JsonObject map) => map.Count == 1
            ? (map.First().Key, map.First().Value)
            : throw new InvalidOperationException($"expected a function, got {map.ToJsonString()}");
    }
}
