using Amazon.EC2.Model;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Execution;
using SgConfigRule.Remediation.Ledger;
using SgConfigRule.Remediation.Notification;
using SgConfigRule.Remediation.Plan;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>The pure core refuses a missing argument by name, before it does anything with it.</summary>
public sealed class NullArgumentTests
{
    private static void Refuses(string parameter, Action call) => Assert.Equal(parameter, Assert.Throws<ArgumentNullException>(call).ParamName);

    [Fact]
    public void The_plan_and_the_rule_content()
    {
        Refuses("input", () => RevocationPlan.Decide(null!));
        Refuses("finding", () => RevocationPlan.Describe(null!));
        Refuses("rule", () => RuleContent.Key((RevokedRule)null!));
        Refuses("rule", () => RuleContent.Key((RevokedSecurityGroupRule)null!));
        Refuses("rule", () => RuleContent.ToIpPermission(null!));
        Refuses("rule", () => LoopGuardState.Fingerprint(null!));
    }

    [Fact]
    public void EC2s_answer()
    {
        Refuses("intended", () => Ec2Revoker.Interpret(null!, new RevokeSecurityGroupIngressResponse()));
        Refuses("response", () => Ec2Revoker.Interpret([], null!));
    }

    [Fact]
    public async Task The_revoke_call()
    {
        var (client, stub) = Ec2RevokerCallTests.Ec2Stub.Create(_ => Task.FromResult(new RevokeSecurityGroupIngressResponse()));
        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => new Ec2Revoker(client).RevokeAsync(GroupId, null!, TestContext.Current.CancellationToken));
        Assert.Equal("rules", e.ParamName);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public void Plain_text()
    {
        Refuses("text", () => PlainText.Shorten(null!, 3));
        Refuses("text", () => PlainText.Line(null!));
        Refuses("text", () => PlainText.Lines(null!));
        Refuses("text", () => PlainText.OneLine(null!));
    }

    [Fact]
    public async Task The_ledger()
    {
        var key = new LedgerKey(null, "us-east-1", GroupId);
        var cancel = TestContext.Current.CancellationToken;
        Refuses("completion", () => GroupLedger.Empty.WithCompletion(null!));
        Assert.Equal("ledger", (await Assert.ThrowsAsync<ArgumentNullException>(() => LedgerUpdates.UpdateAsync(null!, key, GroupLedger.Empty, l => l, Now, cancel))).ParamName);
        Assert.Equal("transition", (await Assert.ThrowsAsync<ArgumentNullException>(() => LedgerUpdates.UpdateAsync(new InMemoryLedger(), key, GroupLedger.Empty, null!, Now, cancel))).ParamName);
        var ledger = new InMemoryLedger();
        Refuses("key", () => ledger.ReadAsync(null!, Now, cancel));
        Refuses("key", () => ledger.TryWriteAsync(null!, GroupLedger.Empty, GroupLedger.Empty, Now, cancel));
        Refuses("read", () => ledger.TryWriteAsync(key, null!, GroupLedger.Empty, Now, cancel));
    }
}
