using System.Text.Json;
using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// The JSON report of DESIGN §7, exactly: <c>evaluatedAt</c>, <c>parameters</c> (the effective parameters, reusable
/// as <c>--params</c>), <c>results</c> (one per resource, with findings) and <c>summary</c> (counts by verdict).
/// Written incrementally; other tools parse it, so its fields change only with DESIGN.
/// </summary>
public sealed class JsonReportWriter : IReportWriter, IDisposable
{
    private readonly JsonTextOutput text;
    private readonly Utf8JsonWriter json;

    public JsonReportWriter(TextWriter output)
    {
        text = new JsonTextOutput(output, indented: false);
        json = text.Json;
    }

    /// <summary>At most this many input errors are listed; <c>inputErrorCount</c> (the summary's count) has them all.</summary>
    public const int MaxListedErrors = 1000;

    private readonly List<(string Input, string Path, string Problem)> errors = [];

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample)
    {
        json.WriteStartObject();
        json.WriteString("evaluatedAt", Timestamps.Format(evaluatedAt));
        json.WriteBoolean("bundledSample", bundledSample);
        json.WriteStartObject("parameters");
        foreach (var (key, value) in parameters.ToInputParameters()) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteStartArray("results");
    }

    /// <summary>The names written for every resource and finding, encoded once (not escaped and transcoded each time).</summary>
    private static class Names
    {
        public static readonly JsonEncodedText ResourceId = JsonEncodedText.Encode("resourceId");
        public static readonly JsonEncodedText ResourceName = JsonEncodedText.Encode("resourceName");
        public static readonly JsonEncodedText AccountId = JsonEncodedText.Encode("accountId");
        public static readonly JsonEncodedText Region = JsonEncodedText.Encode("region");
        public static readonly JsonEncodedText Compliance = JsonEncodedText.Encode("compliance");
        public static readonly JsonEncodedText Annotation = JsonEncodedText.Encode("annotation");
        public static readonly JsonEncodedText Findings = JsonEncodedText.Encode("findings");
        public static readonly JsonEncodedText RuleId = JsonEncodedText.Encode("ruleId");
        public static readonly JsonEncodedText Protocol = JsonEncodedText.Encode("protocol");
        public static readonly JsonEncodedText FromPort = JsonEncodedText.Encode("fromPort");
        public static readonly JsonEncodedText ToPort = JsonEncodedText.Encode("toPort");
        public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
        public static readonly JsonEncodedText SourceType = JsonEncodedText.Encode("sourceType");
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
        public static readonly JsonEncodedText Assumed = JsonEncodedText.Encode("assumed");
        public static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    }

    private readonly ConstantValues constants = new();

    /// <summary>
    /// Values that are one of a few constant strings (a verdict, a protocol's name, a source type, a reason): each encoded
    /// once and then copied, found by reference (the same literal every time), not transcoded and checked for escapes
    /// on every line. Any other string is written as it is.
    /// </summary>
    private sealed class ConstantValues
    {
        private readonly string?[] values = new string?[24];
        private readonly JsonEncodedText[] encoded = new JsonEncodedText[24];

        public void Write(Utf8JsonWriter json, JsonEncodedText name, string value)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (ReferenceEquals(values[i], value))
                {
                    json.WriteString(name, encoded[i]);
                    return;
                }
                if (values[i] is null)
                {
                    // The first strings seen take the slots: the constants come first and most often. A string made
                    // anew each time (a protocol's number) may take one too; once all are taken, the rest go as they are.
                    encoded[i] = JsonEncodedText.Encode(value);
                    values[i] = value;
                    json.WriteString(name, encoded[i]);
                    return;
                }
            }
            json.WriteString(name, value);
        }
    }

    public void Write(ResourceItem item, Evaluation evaluation, string source)
    {
        json.WriteStartObject();
        json.WriteString(Names.ResourceId, item.ResourceId);
        WriteLocation(item.Location);
        json.WriteString(Names.ResourceName, item.ResourceName);
        json.WriteString(Names.AccountId, item.Context.AccountId);
        json.WriteString(Names.Region, item.Context.Region);
        constants.Write(json, Names.Compliance, evaluation.Compliance.ToWire());
        json.WriteString(Names.Annotation, evaluation.Annotation);
        WriteExemption(evaluation.Exemption);
        json.WriteStartArray(Names.Findings);
        foreach (var finding in evaluation.Findings)
        {
            var rule = finding.Rule;
            json.WriteStartObject();
            json.WriteString(Names.RuleId, rule.RuleId);
            constants.Write(json, Names.Protocol, rule.Protocol.Name);
            json.WriteNumber(Names.FromPort, rule.WireFromPort);
            json.WriteNumber(Names.ToPort, rule.WireToPort);
            json.WriteString(Names.Source, rule.Source.Display);
            constants.Write(json, Names.SourceType, rule.Source.SourceType);
            constants.Write(json, Names.Reason, finding.ReasonCode);
            WriteLocation(rule.Location);
            if (rule.Assumed is { } unknown) json.WriteString(Names.Assumed, unknown);
            json.WriteString(Names.Description, rule.Description);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        text.FlushIfFull();
    }

    /// <summary>Where infrastructure code defines the resource or rule; nothing for what was read from AWS.</summary>
    private void WriteLocation(SourceLocation? location)
    {
        if (location is null) return;
        json.WriteStartObject("location");
        json.WriteString("file", location.File);
        json.WriteNumber("line", location.Line);
        json.WriteString("name", location.Name);
        json.WriteEndObject();
    }

    /// <summary>The exemption tag as the policy read it: null without a tag; else its status, date and reason.</summary>
    private void WriteExemption(ExemptionStatus exemption)
    {
        var (status, until, reason) = exemption switch
        {
            ActiveExemption active => ("active", (DateOnly?)active.Until, active.Reason),
            ExpiredExemption expired => ("expired", expired.Until, expired.Reason),
            RefusedExemption refused => ("refused", refused.Until, refused.Reason),
            _ when exemption.Note is not null => ("malformed", (DateOnly?)null, (string?)null),
            _ => (null, null, null),
        };
        if (status is null)
        {
            json.WriteNull("exemption");
            return;
        }
        json.WriteStartObject("exemption");
        json.WriteString("status", status);
        if (until is { } date) json.WriteString("until", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        else json.WriteNull("until");
        json.WriteString("reason", reason);
        json.WriteString("note", exemption.Note);
        json.WriteEndObject();
    }

    public void InputError(string input, string jsonPath, string problem)
    {
        if (errors.Count < MaxListedErrors) errors.Add((input, jsonPath, problem));
    }

    public void Finish(ScanSummary summary)
    {
        json.WriteEndArray();
        // A consumer tells a complete scan from a partial one here: every resource that could not be read.
        json.WriteNumber("inputErrorCount", summary.Errors);
        json.WriteStartArray("inputErrors");
        foreach (var (input, path, problem) in errors)
        {
            json.WriteStartObject();
            json.WriteString("input", input);
            json.WriteString("path", path);
            json.WriteString("message", problem);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("COMPLIANT", summary.Compliant);
        json.WriteNumber("NON_COMPLIANT", summary.NonCompliant);
        json.WriteNumber("NOT_APPLICABLE", summary.NotApplicable);
        json.WriteEndObject();
        json.WriteEndObject();
        text.Finish();
    }

    public void Dispose() => text.Dispose();
}

internal static class Timestamps
{
    /// <summary>ISO-8601 in UTC with a Z, fractions only when there are any.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
