using System.Text;
using System.Text.Json;
using SgConfigRule.Input;
using SgConfigRule.Input.CloudFormation;

namespace SgConfigRule.Cli.Scan;

/// <summary>
/// Tells a CloudFormation template (YAML or JSON) from an export by its content, and reads it. A template is at most
/// 1 MB (CloudFormation's own limit), so the first 1 MiB of an input decides: anything longer, or any JSON whose
/// top-level keys are not template sections, goes to the export reader untouched (the bytes read are replayed).
/// </summary>
public static class TemplateInput
{
    public const int MaxTemplateBytes = 1 << 20;

    private static readonly HashSet<string> Sections = new(StringComparer.Ordinal)
    {
        "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions",
        "Transform", "Resources", "Outputs", "Hooks",
    };

    /// <summary>
    /// The input's resources: a template's groups when it is one (null otherwise, with <paramref name="replay"/> the
    /// whole input to read as an export).
    /// </summary>
    public static IEnumerable<ReadResult>? TryRead(Stream input, string name, IReadOnlyDictionary<string, string> parameters, out Stream replay)
    {
        ArgumentNullException.ThrowIfNull(input);
        // A first look at 4 KB turns an export away without reading more of it (most inputs are exports, some huge).
        var head = new byte[4096];
        var length = Fill(input, head, 0);
        replay = new ConcatenatedStream([head.AsMemory(0, length)], input);
        var first = head.AsSpan(0, length);
        if (first.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) first = first[3..];
        var start = first.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0 || first[start] == (byte)'[' || (first[start] == (byte)'{' && !FirstKeyIsSection(first[start..]))) return null;
        if (length == head.Length)
        {
            Array.Resize(ref head, MaxTemplateBytes + 1);
            length = Fill(input, head, length);
            replay = new ConcatenatedStream([head.AsMemory(0, length)], input);
            if (length > MaxTemplateBytes) return null;
        }
        var text = head.AsSpan(0, length);
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];
        TemplateNode root;
        try
        {
            if (first[start] == (byte)'{')
            {
                // JSON that breaks is said by the export reader, with its JSON path: the file may be either.
                try
                {
                    root = TemplateJson.Parse(text);
                }
                catch (TemplateException)
                {
                    return null;
                }
            }
            else
            {
                var yaml = Encoding.UTF8.GetString(text);
                try
                {
                    root = YamlTemplate.Parse(new StringReader(yaml));
                }
                catch (TemplateException) when (!LooksLikeYamlTemplate(yaml))
                {
                    return null;
                }
            }
        }
        catch (TemplateException e)
        {
            return [ReadResult.Failed(new InputException("$", e.Message))];
        }
        if (!TemplateReader.IsTemplate(root)) return null;
        return TemplateReader.Read(root, name, parameters);
    }

    private static int Fill(Stream input, byte[] buffer, int length)
    {
        while (length < buffer.Length && input.Read(buffer, length, buffer.Length - length) is var n && n > 0) length += n;
        return length;
    }

    /// <summary>Whether the first key of a JSON object is a template section (an export's never is).</summary>
    private static bool FirstKeyIsSection(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName
                && Sections.Contains(reader.GetString()!);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A YAML file that fails to parse is a template's error (said as one) when it reads like a template.</summary>
    private static bool LooksLikeYamlTemplate(string text) =>
        text.Contains("AWSTemplateFormatVersion", StringComparison.Ordinal)
        || text.StartsWith("Resources:", StringComparison.Ordinal) || text.Contains("\nResources:", StringComparison.Ordinal);

    /// <summary>
    /// <c>--template-parameters</c>: <c>KEY=VALUE,KEY=VALUE</c>, or <c>@FILE</c> holding CloudFormation's parameters
    /// JSON (<c>[{"ParameterKey": …, "ParameterValue": …}]</c>, as <c>create-stack --parameters file://…</c> takes) or
    /// <c>{"Parameters": {"KEY": "VALUE"}}</c> (a CodePipeline template configuration file).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseParameters(string? text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is null) return values;
        if (CommandLineChecks.ReadFileArgument("--template-parameters", text, "KEY=VALUE pairs") is { } json)
        {
            var path = text[1..];
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in root.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("ParameterKey", out var key) || key.ValueKind != JsonValueKind.String
                            || !item.TryGetProperty("ParameterValue", out var value) || value.ValueKind != JsonValueKind.String)
                        {
                            throw new CliUsageException($"--template-parameters: {path}: each item needs ParameterKey and ParameterValue strings");
                        }
                        Add(values, key.GetString()!, value.GetString()!);
                    }
                    return values;
                }
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in parameters.EnumerateObject())
                    {
                        if (property.Value.ValueKind != JsonValueKind.String) throw new CliUsageException($"--template-parameters: {path}: Parameters.{property.Name} must be a string");
                        Add(values, property.Name, property.Value.GetString()!);
                    }
                    return values;
                }
                throw new CliUsageException($"--template-parameters: {path}: expected [{{\"ParameterKey\", \"ParameterValue\"}}] or {{\"Parameters\": {{…}}}}");
            }
            catch (JsonException e)
            {
                throw new CliUsageException($"--template-parameters: {path}: not valid JSON: {e.Message}");
            }
        }
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new CliUsageException($"--template-parameters: '{pair}' is not KEY=VALUE");
            Add(values, pair[..equals], pair[(equals + 1)..]);
        }
        return values;
    }

    private static void Add(Dictionary<string, string> values, string key, string value)
    {
        if (!values.TryAdd(key, value)) throw new CliUsageException($"--template-parameters: {key} is given twice");
    }
}
