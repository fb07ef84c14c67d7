namespace SgConfigRule.Policy.Evaluation;

/// <summary>The verdicts the rule reports. <c>INSUFFICIENT_DATA</c> is deliberately absent: PutEvaluations refuses it,
/// and a group that cannot be evaluated gets no verdict at all.</summary>
public enum Compliance
{
    Compliant,
    NonCompliant,
    NotApplicable,
}

public static class ComplianceNames
{
    /// <summary>The AWS Config <c>ComplianceType</c> value.</summary>
    public static string ToWire(this Compliance compliance) => compliance switch
    {
        Compliance.Compliant => "COMPLIANT",
        Compliance.NonCompliant => "NON_COMPLIANT",
        Compliance.NotApplicable => "NOT_APPLICABLE",
        _ => throw new ArgumentOutOfRangeException(nameof(compliance), compliance, null),
    };
}
