using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Rule.Handling;

namespace SgConfigRule.Tests.Rule;

/// <summary>Organization mode (assume a role in the event's account) and prefix lists resolved through EC2.</summary>
public class OrganizationAndPrefixListTests
{
    private static readonly DateTime Capture = new(2026, 11, 26, 11, 58, 0, DateTimeKind.Utc);

    [Fact]
    public async Task With_executionRoleName_every_call_is_made_as_the_role_in_the_events_account()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        harness.Server.Config.RecordAll(harness.Server.Ec2, Capture);
        await harness.InvokeAsync(RuleHarness.ScheduledEvent(ruleParameters: """{"executionRoleName":"SgConfigRuleMember"}""", accountId: "444455556666"));

        var (roleArn, session, _) = Assert.Single(harness.Server.Sts.AssumeRoleCalls);
        Assert.Equal("arn:aws:iam::444455556666:role/SgConfigRuleMember", roleArn);
        Assert.Equal("sg-config-rule-444455556666", session);
        var configCalls = harness.Server.Calls.Where(c => c.Service == "config").ToList();
        Assert.NotEmpty(configCalls);
        Assert.All(configCalls, c => Assert.Equal("444455556666", harness.Server.Credentials.AccountOf(c.AccessKey!)));
        Assert.Single(harness.Server.Config.Evaluations);
    }

    [Fact]
    public async Task A_role_that_cannot_be_assumed_fails_the_invocation_before_any_other_call()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        harness.Server.Sts.Deny("arn:aws:iam::444455556666:role/SgConfigRuleMember");
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() =>
            harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture), ruleParameters: """{"executionRoleName":"SgConfigRuleMember"}""", accountId: "444455556666")));
        Assert.Contains("cannot assume arn:aws:iam::444455556666:role/SgConfigRuleMember", e.Message);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service != "sts");
    }

    private static async Task<(string Compliance, string? Annotation)> VerdictWithListAsync(params (string Cidr, string? Description)[] entries)
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-vpn", "app-from-corp-vpn");
        harness.Server.Ec2.AddIngress("sg-vpn", "tcp", 22, 22, Ec2Source.PrefixList("pl-0a1b2c3d4e5f67890"));
        if (entries.Length > 0) harness.Server.Ec2.AddPrefixList("pl-0a1b2c3d4e5f67890", "corp-vpn", FakeEc2.DefaultAccount, entries);
        await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-vpn", Capture), ruleParameters: """{"sourceScope":"public"}"""));
        var posted = harness.Server.Config.Evaluations.Single();
        if (entries.Length > 0) Assert.Equal(1, harness.Server.CountCalls("ec2", "GetManagedPrefixListEntries"));
        return (posted.ComplianceType, posted.Annotation);
    }

    [Fact]
    public async Task A_prefix_list_of_private_ranges_is_resolved_and_allowed() =>
        Assert.Equal(("COMPLIANT", (string?)null), await VerdictWithListAsync(("10.8.0.0/16", "vpn"), ("192.168.50.0/24", null)));

    [Fact]
    public async Task A_prefix_list_with_a_public_range_is_resolved_and_flagged() =>
        Assert.Equal(("NON_COMPLIANT", "1 disallowed rule: tcp/22 from pl-0a1b2c3d4e5f67890 (blocked port 22)"), await VerdictWithListAsync(("10.8.0.0/16", null), ("198.51.100.0/24", null)));

    [Fact]
    public async Task A_prefix_list_EC2_does_not_know_fails_closed_with_a_note() =>
        Assert.Equal(("NON_COMPLIANT", "1 disallowed rule: tcp/22 from pl-0a1b2c3d4e5f67890 (blocked port 22, prefix list unresolved)"), await VerdictWithListAsync());

    [Fact]
    public async Task Prefix_lists_are_not_resolved_when_the_scope_does_not_need_them()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-vpn", "app-from-corp-vpn");
        harness.Server.Ec2.AddIngress("sg-vpn", "tcp", 22, 22, Ec2Source.PrefixList("pl-0a1b2c3d4e5f67890"));
        await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-vpn", Capture)));
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service == "ec2");
        Assert.Equal("NON_COMPLIANT", harness.Server.Config.Evaluations.Single().ComplianceType);
    }
}
