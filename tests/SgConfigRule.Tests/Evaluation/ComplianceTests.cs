using SgConfigRule.Policy.Evaluation;

namespace SgConfigRule.Tests.Evaluation;

public class ComplianceTests
{
    [Theory]
    [InlineData(Compliance.Compliant, "COMPLIANT")]
    [InlineData(Compliance.NonCompliant, "NON_COMPLIANT")]
    [InlineData(Compliance.NotApplicable, "NOT_APPLICABLE")]
    public void Each_verdict_has_the_AWS_Config_compliance_type(Compliance compliance, string wire) =>
        Assert.Equal(wire, compliance.ToWire());

    [Fact]
    public void There_is_no_wire_name_for_a_verdict_that_does_not_exist() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((Compliance)99).ToWire());
}
