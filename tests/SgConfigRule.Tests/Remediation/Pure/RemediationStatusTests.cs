using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>Which outcomes must reach a person.</summary>
public sealed class RemediationStatusTests
{
    [Theory]
    [InlineData(RemediationStatus.Revoked, true)]
    [InlineData(RemediationStatus.DryRun, true)]
    [InlineData(RemediationStatus.BlockedByExemptionTag, true)]
    [InlineData(RemediationStatus.LoopGuardTripped, true)]
    [InlineData(RemediationStatus.Attributed, true)]
    [InlineData(RemediationStatus.Failed, true)]
    [InlineData(RemediationStatus.NothingToRevoke, false)]
    [InlineData(RemediationStatus.AlreadyRevoked, false)]
    [InlineData(RemediationStatus.GroupNotFound, false)]
    [InlineData(RemediationStatus.Exempt, false)]
    [InlineData(RemediationStatus.OutOfScope, false)]
    [InlineData(RemediationStatus.LoopGuardHolding, false)]
    [InlineData(RemediationStatus.NoticeKept, false)]
    public void Only_news_and_failures_are_published(RemediationStatus status, bool publish) => Assert.Equal(publish, status.Publish);

    [Fact]
    public void Every_status_is_decided()
    {
        Assert.Equal(13, Enum.GetValues<RemediationStatus>().Length);
    }
}
