using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// Executes an SSM Automation document (schema 0.3) the way Automation does, for the tests: parameters with defaults,
/// <c>allowedPattern</c> and <c>allowedValues</c>; <c>{{ Parameter }}</c>, <c>{{ Step.Output }}</c>, <c>{{ global:… }}</c>
/// and <c>{{ automation:EXECUTION_ID }}</c> interpolation; step outputs with <c>$.…</c> selectors; <c>aws:branch</c>
/// choices; <c>onFailure</c>, <c>nextStep</c>, <c>isEnd</c>, <c>maxAttempts</c>, <c>isCritical</c>. Actions:
/// <c>aws:invokeLambdaFunction</c> (registered in-process handlers — the real functions), <c>aws:executeScript</c>
/// (the document's own Python, run by /usr/bin/python3 — a long-lived worker, see <see cref="PythonWorkerPool"/>;
/// a runner may be used by several threads at once), <c>aws:executeAwsApi</c> for SNS Publish (recorded, with
/// SNS's limits checked), and <c>aws:sleep</c> (recorded, not waited).
/// </summary>
public sealed partial class AutomationRunner(string documentPath, IPythonScripts? scripts = null)
{
    private readonly YamlMappingNode document = Load(documentPath);

    /// <summary>Where the script steps run: by default the process-wide pool of Python workers.</summary>
    public IPythonScripts Scripts { get; } = scripts ?? PythonWorkerPool.Shared;

    public Dictionary<string, Func<string, Task<string>>> Functions { get; } = new(StringComparer.Ordinal);
    public string AccountId { get; init; } = "111122223333";
    public string Region { get; init; } = "us-east-1";

    /// <summary>Names each execution (<c>{{ automation:EXECUTION_ID }}</c>); a new GUID by default.</summary>
    public Func<string> NewExecutionId { get; set; } = () => Guid.NewGuid().ToString();

    /// <summary>
    /// Called as each step starts, with its name and the outputs of the steps before it: what SSM's
    /// <c>GetAutomationExecution</c> reports at that moment (tests mirror it into the loopback SSM).
    /// </summary>
    public Action<string, IReadOnlyDictionary<string, object?>>? OnStep { get; set; }

    /// <summary>Called for each <c>aws:sleep</c> with its duration, instead of waiting (tests move their clocks here).</summary>
    public Action<TimeSpan>? OnSleep { get; set; }

    public sealed record Publish(string TopicArn, string Subject, string Message, string? MessageStructure, IReadOnlyDictionary<string, string> Attributes);

    /// <summary>What SNS does with one publish: take it, refuse it (nothing sent), or take it and lose the answer.</summary>
    public enum SnsAnswer
    {
        Published,
        Refused,
        AnswerLost,
    }

    /// <summary>Decides each publish (tests inject SNS failures here); every publish is taken when null.</summary>
    public Func<Publish, SnsAnswer>? Sns { get; set; }

    public sealed record StepRun(string Name, string Action, bool Succeeded, string? Error);

    public sealed record Execution(string Status, IReadOnlyList<StepRun> Steps, IReadOnlyList<Publish> Published, IReadOnlyList<string> Sleeps,
                                   IReadOnlyDictionary<string, object?> Outputs, IReadOnlyList<string> LambdaPayloads);

    public async Task<Execution> RunAsync(IReadOnlyDictionary<string, string> parameters)
    {
        var executionId = NewExecutionId();
        var values = ResolveParameters(parameters);
        var outputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        var steps = (YamlSequenceNode)document.Children[new YamlScalarNode("mainSteps")];
        var byName = steps.Children.Cast<YamlMappingNode>().Select((s, i) => (Name: Scalar(s, "name")!, Index: i)).ToDictionary(x => x.Name, x => x.Index);
        var runs = new List<StepRun>();
        var published = new List<Publish>();
        var sleeps = new List<string>();
        var payloads = new List<string>();
        var failed = false;

        string Interpolate(string text) => Placeholder().Replace(text, m => Format(Lookup(m.Groups[1].Value)));
        object? Resolve(string text)
        {
            var whole = Placeholder().Match(text);
            return whole.Success && whole.Length == text.Length ? Lookup(whole.Groups[1].Value) : Interpolate(text);
        }
        object? Lookup(string name) => name switch
        {
            "global:ACCOUNT_ID" => AccountId,
            "global:REGION" => Region,
            "global:AWS_PARTITION" => "aws",
            "automation:EXECUTION_ID" => executionId,
            _ when values.TryGetValue(name, out var v) => v,
            _ when outputs.TryGetValue(name, out var o) => o,
            _ => throw new InvalidOperationException($"unresolved reference {{{{ {name} }}}}"),
        };

        var index = 0;
        for (var guard = 0; index < steps.Children.Count && guard < 100; guard++)
        {
            var step = (YamlMappingNode)steps.Children[index];
            var name = Scalar(step, "name")!;
            var action = Scalar(step, "action")!;
            var attempts = int.Parse(Scalar(step, "maxAttempts") ?? "1", CultureInfo.InvariantCulture);
            string? error = null;
            string? branchTarget = null;
            OnStep?.Invoke(name, outputs);
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                try
                {
                    var inputs = step.Children.TryGetValue(new YamlScalarNode("inputs"), out var node) ? (YamlMappingNode)node : new YamlMappingNode();
                    object? result = action switch
                    {
                        "aws:invokeLambdaFunction" => await InvokeAsync(inputs, Resolve, payloads),
                        "aws:executeScript" => await RunScriptAsync(inputs, Resolve),
                        "aws:executeAwsApi" => CallApi(inputs, Resolve, published, Sns),
                        "aws:sleep" => Sleep(inputs, Interpolate, sleeps, OnSleep),
                        "aws:branch" => branchTarget = Branch(inputs, Resolve),
                        _ => throw new NotSupportedException($"action {action} is not supported by the test runner"),
                    };
                    CollectOutputs(name, action, step, result, outputs);
                    error = null;
                    break;
                }
                catch (Exception e) when (e is not (NotSupportedException or ScriptHostException))
                {
                    error = e.Message;
                }
            }
            runs.Add(new StepRun(name, action, error is null, error));
            if (error is not null)
            {
                var critical = Scalar(step, "isCritical") != "false";
                failed |= critical;
                var onFailure = Scalar(step, "onFailure") ?? "Abort";
                if (onFailure == "Abort") break;
                if (onFailure == "Continue") { index++; continue; }
                index = byName[onFailure["step:".Length..]];
                continue;
            }
            if (Scalar(step, "isEnd") == "true") break;
            var next = branchTarget ?? Scalar(step, "nextStep");
            index = next is null ? index + 1 : byName[next];
        }

        var documentOutputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (document.Children.TryGetValue(new YamlScalarNode("outputs"), out var declared))
        {
            foreach (var entry in ((YamlSequenceNode)declared).Children.Select(n => ((YamlScalarNode)n).Value!))
            {
                documentOutputs[entry] = outputs.GetValueOrDefault(entry);
            }
        }
        return new Execution(failed ? "Failed" : "Success", runs, published, sleeps, documentOutputs, payloads);
    }

    private Dictionary<string, object?> ResolveParameters(IReadOnlyDictionary<string, string> given)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var declared = (YamlMappingNode)document.Children[new YamlScalarNode("parameters")];
        foreach (var unknown in given.Keys.Where(k => !declared.Children.ContainsKey(new YamlScalarNode(k))))
        {
            throw new ArgumentException($"parameter {unknown} is not declared by the document");
        }
        foreach (var (key, node) in declared.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var spec = (YamlMappingNode)node;
            var value = given.TryGetValue(name, out var v) ? v : Scalar(spec, "default") ?? throw new ArgumentException($"parameter {name} is required");
            if (Scalar(spec, "allowedPattern") is { } pattern && !Regex.IsMatch(value, pattern))
            {
                throw new ArgumentException($"parameter {name} = '{value}' does not match {pattern}");
            }
            if (spec.Children.TryGetValue(new YamlScalarNode("allowedValues"), out var allowed)
                && !((YamlSequenceNode)allowed).Children.Select(n => ((YamlScalarNode)n).Value).Contains(value))
            {
                throw new ArgumentException($"parameter {name} = '{value}' is not an allowed value");
            }
            result[name] = value;
        }
        return result;
    }

    private async Task<object?> InvokeAsync(YamlMappingNode inputs, Func<string, object?> resolve, List<string> payloads)
    {
        var functionName = Format(resolve(Scalar(inputs, "FunctionName")!));
        if (!Functions.TryGetValue(functionName, out var function)) throw new InvalidOperationException($"Function not found: {functionName}");
        var payload = new JsonObject();
        foreach (var (key, value) in ((YamlMappingNode)inputs.Children[new YamlScalarNode("InputPayload")]).Children)
        {
            payload[((YamlScalarNode)key).Value!] = JsonValue.Create(Format(resolve(((YamlScalarNode)value).Value!)));
        }
        payloads.Add(payload.ToJsonString());
        try
        {
            var result = await function(payload.ToJsonString());
            return new Dictionary<string, object?> { ["Payload"] = result, ["StatusCode"] = 200 };
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            // Lambda reports an unhandled error as FunctionError with the error document as payload.
            var errorPayload = new JsonObject { ["errorMessage"] = e.Message, ["errorType"] = e.GetType().Name }.ToJsonString();
            return new Dictionary<string, object?> { ["Payload"] = errorPayload, ["StatusCode"] = 200, ["FunctionError"] = "Unhandled" };
        }
    }

    private async Task<object?> RunScriptAsync(YamlMappingNode inputs, Func<string, object?> resolve)
    {
        var events = new JsonObject();
        if (inputs.Children.TryGetValue(new YamlScalarNode("InputPayload"), out var payload))
        {
            foreach (var (key, value) in ((YamlMappingNode)payload).Children)
            {
                events[((YamlScalarNode)key).Value!] = ToJson(resolve(((YamlScalarNode)value).Value!));
            }
        }
        var runtime = Format(resolve(Scalar(inputs, "Runtime")!));
        if (!runtime.StartsWith("python3", StringComparison.Ordinal)) throw new InvalidOperationException($"runtime {runtime} is not Python 3");
        var result = await Scripts.RunAsync(Scalar(inputs, "Script")!, Scalar(inputs, "Handler")!, events);
        return new Dictionary<string, object?> { ["Payload"] = result };
    }

    private static object? CallApi(YamlMappingNode inputs, Func<string, object?> resolve, List<Publish> published, Func<Publish, SnsAnswer>? sns)
    {
        var service = Scalar(inputs, "Service");
        var api = Scalar(inputs, "Api");
        if (service != "sns" || api != "Publish") throw new NotSupportedException($"{service}:{api} is not supported by the test runner");
        var subject = Format(resolve(Scalar(inputs, "Subject") ?? ""));
        var message = Format(resolve(Scalar(inputs, "Message")!));
        var structure = Scalar(inputs, "MessageStructure");
        if (subject.Length >= 100 || subject.Any(char.IsControl)) throw new InvalidOperationException($"InvalidParameter: Subject '{subject}' must be under 100 characters without control characters");
        if (Encoding.UTF8.GetByteCount(message) > 262_144) throw new InvalidOperationException("InvalidParameter: Message too long");
        if (structure == "json")
        {
            var parsed = JsonNode.Parse(message) as JsonObject ?? throw new InvalidOperationException("InvalidParameter: Message must be a JSON object");
            if (parsed["default"] is null) throw new InvalidOperationException("InvalidParameter: Message Structure - No default entry in JSON message body");
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (inputs.Children.TryGetValue(new YamlScalarNode("MessageAttributes"), out var declared))
        {
            foreach (var (key, value) in ((YamlMappingNode)declared).Children)
            {
                attributes[((YamlScalarNode)key).Value!] = Format(resolve(Scalar((YamlMappingNode)value, "StringValue")!));
            }
        }
        var publish = new Publish(Format(resolve(Scalar(inputs, "TopicArn")!)), subject, message, structure, attributes);
        var answer = sns?.Invoke(publish) ?? SnsAnswer.Published;
        if (answer == SnsAnswer.Refused) throw new InvalidOperationException("KMSDisabledException: the topic's key is disabled (injected)");
        lock (published) published.Add(publish);
        if (answer == SnsAnswer.AnswerLost) throw new InvalidOperationException("the connection closed before SNS answered (injected)");
        return JsonNode.Parse(new JsonObject { ["MessageId"] = Guid.NewGuid().ToString() }.ToJsonString());
    }

    private static object? Sleep(YamlMappingNode inputs, Func<string, string> interpolate, List<string> sleeps, Action<TimeSpan>? onSleep)
    {
        var duration = interpolate(Scalar(inputs, "Duration")!);
        var match = Regex.Match(duration, "^PT(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?$");
        if (!match.Success) throw new InvalidOperationException($"Duration '{duration}' is not ISO 8601");
        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        sleeps.Add(duration);
        onSleep?.Invoke(new TimeSpan(Part(1), Part(2), Part(3)));
        return null;
    }

    private static string Branch(YamlMappingNode inputs, Func<string, object?> resolve)
    {
        foreach (var choice in ((YamlSequenceNode)inputs.Children[new YamlScalarNode("Choices")]).Children.Cast<YamlMappingNode>())
        {
            var variable = resolve(Scalar(choice, "Variable")!);
            var text = Format(variable);
            bool matches = choice switch
            {
                _ when Scalar(choice, "StringEquals") is { } v => text == v,
                _ when Scalar(choice, "BooleanEquals") is { } v => string.Equals(text, v, StringComparison.OrdinalIgnoreCase),
                _ when Scalar(choice, "Contains") is { } v => text.Contains(v, StringComparison.Ordinal),
                _ when Scalar(choice, "StartsWith") is { } v => text.StartsWith(v, StringComparison.Ordinal),
                _ => throw new NotSupportedException("branch operator not supported by the test runner"),
            };
            if (matches) return Scalar(choice, "NextStep")!;
        }
        return Scalar(inputs, "Default") ?? throw new InvalidOperationException("no choice matched and no Default");
    }

    private static void CollectOutputs(string step, string action, YamlMappingNode node, object? result, Dictionary<string, object?> outputs)
    {
        if (result is Dictionary<string, object?> builtIn)
        {
            foreach (var (key, value) in builtIn) outputs[$"{step}.{key}"] = value;
        }
        if (!node.Children.TryGetValue(new YamlScalarNode("outputs"), out var declared)) return;
        var root = result switch
        {
            Dictionary<string, object?> d => ToJson(d),
            JsonNode n => n,
            _ => null,
        };
        foreach (var output in ((YamlSequenceNode)declared).Children.Cast<YamlMappingNode>())
        {
            var selector = Scalar(output, "Selector")!;
            var value = Select(root, selector) ?? throw new InvalidOperationException($"{step}: selector {selector} matched nothing");
            outputs[$"{step}.{Scalar(output, "Name")}"] = Scalar(output, "Type") switch
            {
                "Boolean" => value.GetValue<bool>(),
                "Integer" => value.GetValue<int>(),
                _ => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString(),
            };
        }
    }

    private static JsonNode? Select(JsonNode? root, string selector)
    {
        var node = root;
        foreach (var part in selector.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries)) node = node?[part];
        return node;
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        Dictionary<string, object?> d => new JsonObject(d.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        _ => JsonValue.Create(value.ToString()),
    };

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonNode n => n.ToJsonString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.:]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
