using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Policy.Evaluation;

namespace SgConfigRule.Rule.Handling;

/// <summary>What AWS Config has recorded for one resource under this rule (one GetComplianceDetailsByConfigRule result).</summary>
internal sealed record RecordedVerdict(string ComplianceType, string? Annotation, DateTime? RecordedAt)
{
    /// <summary>The result as the API returns it; null when it names no resource or no compliance type.</summary>
    public static (string ResourceType, string ResourceId, RecordedVerdict Verdict)? From(EvaluationResult result)
    {
        var qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (qualifier?.ResourceType is not { Length: > 0 } type || qualifier.ResourceId is not { Length: > 0 } id) return null;
        if (result.ComplianceType is not { Length: > 0 } compliance) return null;
        // When Config recorded it; the evaluation's own time when that is missing.
        var at = result.ResultRecordedTime ?? result.EvaluationResultIdentifier?.OrderingTimestamp;
        return (type, id, new RecordedVerdict(compliance, result.Annotation, at));
    }
}

/// <summary>Why the sweep posts a verdict. Every posted evaluation is billed, so there is always a reason.</summary>
internal enum PostReason
{
    /// <summary>Config has no result for the resource under this rule.</summary>
    New,

    /// <summary>The compliance type or the annotation differs from the recorded one.</summary>
    Changed,

    /// <summary>Unchanged, but recorded <c>fullRepostDays</c> days ago or earlier.</summary>
    Refresh,
}

/// <summary>
/// The sweep's decision, per resource, whether to post its verdict: only what Config does not already hold. AWS Config
/// bills every evaluation it records; a verdict equal to the recorded one (same compliance type, same annotation as
/// Config stores it) tells it nothing. Pure: the caller reads the recorded results and the clock.
/// </summary>
internal static class SweepDiff
{
    /// <summary>The reason to post, or null when Config already holds this verdict and it is fresh enough.</summary>
    public static PostReason? ReasonToPost(string complianceType, string? annotation, RecordedVerdict? recorded, DateTime now, int? fullRepostDays)
    {
        if (recorded is null) return PostReason.New;
        if (!string.Equals(recorded.ComplianceType, complianceType, StringComparison.Ordinal)
            || !string.Equals(AsStored(recorded.Annotation), AsStored(annotation), StringComparison.Ordinal))
        {
            return PostReason.Changed;
        }
        if (fullRepostDays is { } days && (recorded.RecordedAt is not { } at || now - at >= TimeSpan.FromDays(days))) return PostReason.Refresh;
        return null;
    }

    /// <summary>
    /// An annotation as Config keeps it: at most 256 characters (PutEvaluations refuses longer ones; ours are built to
    /// fit, and a longer one would be cut the same way before the comparison), and no annotation the same as an empty one.
    /// </summary>
    public static string? AsStored(string? annotation) => annotation switch
    {
        null or "" => null,
        { Length: > Annotation.MaxLength } => annotation[..Annotation.MaxLength],
        _ => annotation,
    };
}
