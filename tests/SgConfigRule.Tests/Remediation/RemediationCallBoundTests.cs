using SgConfigRule.FakeAws.CloudTrail;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// What one remediation may call (issue 19, DESIGN §9): at most 4 EC2 calls, and a CloudTrail lookup that stays bounded
/// however long the group's history is — CloudTrail allows 2 LookupEvents a second per account and Region, shared with
/// everything else in the account.
/// </summary>
public class RemediationCallBoundTests
{
    [Fact]
    public async Task A_group_with_a_long_CloudTrail_history_costs_at_most_ten_lookups_and_four_EC2_calls()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup(RemediationHarness.WebGroup, "web");
        var rule = harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        harness.Server.CloudTrail.Add(CloudTrailRecords.AuthorizeIngress(RemediationHarness.WebGroup, [rule],
            "arn:aws:iam::111122223333:user/alice", "AKIAEXAMPLEUSER00001", "198.51.100.23", DateTime.UtcNow.AddDays(-20)));
        // 1,000 newer events about the same group that are not rule changes: the authorization is on page 21.
        for (var i = 0; i < 1_000; i++)
        {
            harness.Server.CloudTrail.Add(new TrailEvent(Guid.NewGuid().ToString(), "CreateTags", DateTime.UtcNow.AddDays(-10).AddMinutes(i),
                "ops", "AKIAEXAMPLEUSER00002", [("AWS::EC2::SecurityGroup", RemediationHarness.WebGroup)], """{"eventName":"CreateTags"}"""));
        }
        harness.Server.ClearCalls();

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal(4, harness.Ec2Calls());
        Assert.Equal(10, harness.Server.CountCalls("cloudtrail", "LookupEvents"));
        Assert.NotEqual(AttributionStatus.Found, outcome.Attribution);     // beyond the bound: not found, said so, not searched for
    }
}
