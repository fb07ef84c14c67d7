using System.Collections.Immutable;

namespace SgConfigRule.Policy.Evaluation;

/// <summary>
/// The verdict on one resource: compliance, the annotation AWS Config shows (≤ 256 characters, null when there is
/// nothing to say), the disallowed rules (for an exempt group: what it would flag without the exemption), and the
/// exemption state.
/// </summary>
public sealed record Evaluation(
    Compliance Compliance,
    string? Annotation,
    ImmutableArray<Finding> Findings,
    ExemptionStatus Exemption);
