using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace SgConfigRule.Rule.Handling;

/// <summary>An evaluation as it was sent to PutEvaluations.</summary>
public sealed record PostedEvaluation(string ResourceType, string ResourceId, string ComplianceType, string? Annotation, DateTime OrderingTimestamp);

/// <summary>A resource that got no verdict, and why.</summary>
public sealed record EvaluationFailure(string? ResourceId, string Cause)
{
    public override string ToString() => ResourceId is null ? Cause : $"{ResourceId}: {Cause}";
}

/// <summary>What one invocation did: every evaluation it posted, and every resource it could not evaluate.</summary>
public sealed record RuleInvocationResult(
    string MessageType,
    string? ConfigRuleName,
    string? AccountId,
    bool TestMode,
    IReadOnlyList<PostedEvaluation> Posted,
    IReadOnlyList<EvaluationFailure> Failures)
{
    /// <summary>
    /// The result as JSON: what the function returns and what <c>sg-config-rule invoke rule</c> prints. With
    /// <paramref name="maxEvaluations"/>, only that many evaluations are listed and <c>evaluationsOmitted</c> counts the rest.
    /// </summary>
    public byte[] ToJson(bool indented = false, int? maxEvaluations = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteString("messageType", MessageType);
            json.WriteString("configRuleName", ConfigRuleName);
            json.WriteString("accountId", AccountId);
            json.WriteBoolean("testMode", TestMode);
            var listed = Math.Min(Posted.Count, maxEvaluations ?? int.MaxValue);
            json.WriteStartArray("evaluations");
            foreach (var e in Posted.Take(listed))
            {
                json.WriteStartObject();
                json.WriteString("complianceResourceType", e.ResourceType);
                json.WriteString("complianceResourceId", e.ResourceId);
                json.WriteString("complianceType", e.ComplianceType);
                json.WriteString("annotation", e.Annotation);
                json.WriteString("orderingTimestamp", e.OrderingTimestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (listed < Posted.Count) json.WriteNumber("evaluationsOmitted", Posted.Count - listed);
            json.WriteStartArray("failures");
            foreach (var f in Failures)
            {
                json.WriteStartObject();
                json.WriteString("resourceId", f.ResourceId);
                json.WriteString("cause", f.Cause);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The invocation failed, so AWS Config retries it. <see cref="Result"/> says what was posted before the failure
/// and which resources got no verdict.
/// </summary>
public sealed class RuleInvocationException : Exception
{
    public RuleInvocationException(RuleInvocationResult result, Exception? inner = null)
        : base(Describe(result, inner), inner)
    {
        Result = result;
    }

    public RuleInvocationException() : this(new RuleInvocationResult("", null, null, false, [], [])) { }

    public RuleInvocationException(string message) : base(message) => Result = new RuleInvocationResult("", null, null, false, [], [new EvaluationFailure(null, message)]);

    public RuleInvocationException(string message, Exception innerException) : base(message, innerException) =>
        Result = new RuleInvocationResult("", null, null, false, [], [new EvaluationFailure(null, message)]);

    public RuleInvocationResult Result { get; }

    private static string Describe(RuleInvocationResult result, Exception? inner)
    {
        var shown = result.Failures.Take(10).Select(f => f.ToString());
        var more = result.Failures.Count > 10 ? $" (+{result.Failures.Count - 10} more)" : "";
        return $"{result.Failures.Count} resource(s) not evaluated, {result.Posted.Count} evaluation(s) posted: " +
               string.Join("; ", shown) + more + (inner is null ? "" : $" [{inner.GetType().Name}]");
    }
}
