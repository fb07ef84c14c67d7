using System.Buffers;
using System.Text;
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
    private const int FlushThreshold = 64 * 1024;
    private readonly TextWriter output;
    private readonly ArrayBufferWriter<byte> buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter json;

    public JsonReportWriter(TextWriter output)
    {
        this.output = output;
        json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false });
    }

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt)
    {
        json.WriteStartObject();
        json.WriteString("evaluatedAt", Timestamps.Format(evaluatedAt));
        json.WriteStartObject("parameters");
        foreach (var (key, value) in parameters.ToInputParameters()) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteStartArray("results");
    }

    public void Write(ResourceItem item, Evaluation evaluation)
    {
        json.WriteStartObject();
        json.WriteString("resourceId", item.ResourceId);
        json.WriteString("resourceName", item.ResourceName);
        json.WriteString("compliance", evaluation.Compliance.ToWire());
        json.WriteString("annotation", evaluation.Annotation);
        json.WriteStartArray("findings");
        foreach (var finding in evaluation.Findings)
        {
            var rule = finding.Rule;
            json.WriteStartObject();
            json.WriteString("ruleId", rule.RuleId);
            json.WriteString("protocol", rule.Protocol.Name);
            json.WriteNumber("fromPort", rule.WireFromPort);
            json.WriteNumber("toPort", rule.WireToPort);
            json.WriteString("source", rule.Source.Display);
            json.WriteString("sourceType", rule.Source.SourceType);
            json.WriteString("reason", finding.ReasonCode);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        if (json.BytesPending + buffer.WrittenCount >= FlushThreshold) Flush();
    }

    public void Finish(ScanSummary summary)
    {
        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("COMPLIANT", summary.Compliant);
        json.WriteNumber("NON_COMPLIANT", summary.NonCompliant);
        json.WriteNumber("NOT_APPLICABLE", summary.NotApplicable);
        json.WriteEndObject();
        json.WriteEndObject();
        Flush();
        output.WriteLine();
        output.Flush();
    }

    public void Dispose() => json.Dispose();

    private void Flush()
    {
        json.Flush();
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        buffer.ResetWrittenCount();
    }
}

internal static class Timestamps
{
    /// <summary>ISO-8601 in UTC with a Z, fractions only when there are any.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
