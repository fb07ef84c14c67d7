using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SgConfigRule.Rule.Logging;

/// <summary>
/// Structured logs, one JSON object per line (CloudWatch Logs Insights reads them as fields): one line per evaluation,
/// one per failure, one per invocation. Nothing secret is logged: no credentials, no result token.
/// </summary>
public sealed class RuleLog(TextWriter output, TimeProvider time)
{
    private readonly Lock gate = new();

    public void Evaluation(string resourceId, string compliance, int findings, string? annotation, TimeSpan duration) =>
        Write("info", "evaluation", w =>
        {
            w.WriteString("resourceId", resourceId);
            w.WriteString("compliance", compliance);
            w.WriteNumber("findings", findings);
            if (annotation is not null) w.WriteString("annotation", annotation);
            w.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
        });

    public void Failure(string? resourceId, string cause) =>
        Write("error", "evaluation_failed", w =>
        {
            if (resourceId is not null) w.WriteString("resourceId", resourceId);
            w.WriteString("cause", cause);
        });

    public void Warning(string message) => Write("warn", "warning", w => w.WriteString("message", message));

    public void Invocation(string messageType, string? configRuleName, string? accountId, int evaluations, int nonCompliant,
                           int failures, bool testMode, TimeSpan duration) =>
        Write(failures == 0 ? "info" : "error", "invocation", w =>
        {
            w.WriteString("messageType", messageType);
            if (configRuleName is not null) w.WriteString("configRuleName", configRuleName);
            if (accountId is not null) w.WriteString("accountId", accountId);
            w.WriteNumber("evaluations", evaluations);
            w.WriteNumber("nonCompliant", nonCompliant);
            w.WriteNumber("failures", failures);
            w.WriteBoolean("testMode", testMode);
            w.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
        });

    /// <summary>One line: the time, level and event name, then the event's fields (also the custom runtime's log lines).</summary>
    public void Write(string level, string name, Action<Utf8JsonWriter> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", level);
            json.WriteString("event", name);
            fields(json);
            json.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (gate) output.WriteLine(line);
    }
}
