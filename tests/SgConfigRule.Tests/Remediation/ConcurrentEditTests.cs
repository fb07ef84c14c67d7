using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// A person edits the group between the remediation's read and its revoke — the window every real remediation has.
/// <c>ModifySecurityGroupRules</c> changes a rule in place and keeps its <c>sgr-</c> id, so a revoke by id would remove
/// whatever the rule had become; the revoke names the content it read, and what EC2 says it removed is what the notice
/// describes and the restore command puts back.
/// </summary>
public sealed class ConcurrentEditTests
{
    private const string Group = RemediationHarness.WebGroup;

    /// <summary>Runs <paramref name="edit"/> once, just before EC2 handles the remediation's first revoke.</summary>
    private static void BeforeTheRevoke(RemediationHarness harness, Action<FakeEc2> edit)
    {
        var done = 0;
        harness.Server.BeforeDispatch = (service, operation) =>
        {
            if (operation == "RevokeSecurityGroupIngress" && Interlocked.Exchange(ref done, 1) == 0) edit(harness.Server.Ec2);
            return Task.CompletedTask;
        };
    }

    private static async Task<(RemediationHarness Harness, string Ssh)> WebServerWithWorldSshAsync(bool defaultVpc)
    {
        var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup(Group, "Web Server Security Group", "Allow HTTPS from anywhere", inDefaultVpc: defaultVpc);
        harness.Server.Ec2.AddIngress(Group, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS from anywhere");
        var ssh = harness.Server.Ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH for the migration").RuleId;
        return (harness, ssh);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rule_changed_in_place_to_an_allowed_one_before_the_revoke_is_kept(bool defaultVpc)
    {
        var (harness, ssh) = await WebServerWithWorldSshAsync(defaultVpc);
        await using var _ = harness;
        // The person moves the service to 8443 by editing the SSH rule: same id, allowed content.
        BeforeTheRevoke(harness, ec2 => ec2.ModifyRule(Group, ssh, "tcp", 8443, 8443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS alt"));

        var outcome = await harness.RunAsync();

        var kept = Assert.Single(harness.Server.Ec2.Rules(Group), r => r.RuleId == ssh);
        Assert.Equal((8443, 8443, "HTTPS alt"), (kept.FromPort, kept.ToPort, kept.Description));
        Assert.Empty(harness.Server.Ec2.Revocations);
        Assert.Empty(outcome.Revoked);
        Assert.Null(outcome.RestoreCommand);
        Assert.NotEqual(RemediationStatus.Revoked, outcome.Status);
        Assert.NotEqual(RemediationStatus.Failed, outcome.Status);
        Assert.False(outcome.Publish);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_the_old_rule_changed_and_the_same_content_came_back_the_new_rule_is_the_one_reported(bool defaultVpc)
    {
        var (harness, ssh) = await WebServerWithWorldSshAsync(defaultVpc);
        await using var _ = harness;
        string? readded = null;
        BeforeTheRevoke(harness, ec2 =>
        {
            ec2.ModifyRule(Group, ssh, "tcp", 8443, 8443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS alt");
            readded = ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH, again").RuleId;
        });

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var revoked = Assert.Single(outcome.Revoked);
        Assert.Equal((readded, "SSH, again", RevokeEvidence.Confirmed), (revoked.RuleId, revoked.Description, revoked.Evidence));
        Assert.Contains(harness.Server.Ec2.Rules(Group), r => r.RuleId == ssh && r.FromPort == 8443);
        Assert.DoesNotContain(harness.Server.Ec2.Rules(Group), r => r.FromPort == 22);
        Assert.Contains("\"Description\":\"SSH, again\"", outcome.RestoreCommand);
        Assert.Equal(readded, Assert.Single(Assert.Single(harness.Server.Ec2.Revocations).Removed).RuleId);
    }

    [Fact]
    public async Task A_description_edited_before_the_revoke_is_the_one_the_restore_command_puts_back()
    {
        var (harness, ssh) = await WebServerWithWorldSshAsync(defaultVpc: false);
        await using var _ = harness;
        BeforeTheRevoke(harness, ec2 => ec2.UpdateDescription(Group, ssh, "SSH - ticket OPS-1234"));

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal("SSH - ticket OPS-1234", Assert.Single(outcome.Revoked).Description);
        Assert.Contains("\"Description\":\"SSH - ticket OPS-1234\"", outcome.RestoreCommand);
        Assert.Contains("description \"SSH - ticket OPS-1234\"", outcome.Text);
    }

    [Fact]
    public async Task A_rule_changed_in_place_to_another_disallowed_one_is_revoked_as_it_now_is()
    {
        var (harness, ssh) = await WebServerWithWorldSshAsync(defaultVpc: false);
        await using var _ = harness;
        BeforeTheRevoke(harness, ec2 => ec2.ModifyRule(Group, ssh, "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"), "RDP now"));

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var revoked = Assert.Single(outcome.Revoked);
        Assert.Equal((ssh, 3389, "RDP now"), (revoked.RuleId, revoked.FromPort, revoked.Description));
        Assert.Contains("\"FromPort\":3389", outcome.RestoreCommand);
        Assert.DoesNotContain("\"FromPort\":22", outcome.RestoreCommand);
        Assert.Equal(2, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task A_revoke_whose_check_afterwards_fails_is_still_reported_with_its_restore_command()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        // The read before the revoke works; every read after it fails (503s until the SDK gives up).
        harness.Server.Faults.Add(new FaultRule("ec2", "DescribeSecurityGroupRules", FaultKind.Unavailable) { Skip = 1 });

        var outcome = await harness.RunAsync();

        Assert.DoesNotContain(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.True(outcome.Publish);
        Assert.Equal(ssh, Assert.Single(outcome.Revoked).RuleId);
        Assert.Contains("--ip-permissions", outcome.RestoreCommand);
        Assert.Contains("could not be read again after the revoke", outcome.Note);
        Assert.Contains("To restore exactly what was removed", outcome.Text);
    }

    [Fact]
    public async Task A_revoke_whose_answer_is_lost_is_reported_once_and_not_sent_again()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.Faults.Add(FaultRule.Count("ec2", "RevokeSecurityGroupIngress", FaultKind.LostReply, 1));

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var revoked = Assert.Single(outcome.Revoked);
        Assert.Equal((ssh, RevokeEvidence.AnswerLost), (revoked.RuleId, revoked.Evidence));
        Assert.Contains("EC2's answer to the revoke was lost", outcome.Text);
        Assert.Equal(1, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    /// <summary>
    /// The case the remediation model found at its 49,647th interleaving: the person deletes the rule and adds the same
    /// content back in the instant before the revoke, and EC2's answer is lost. EC2 removed the new rule; without its
    /// answer the run knows only that the content it asked to remove is gone, so the notice names the rule it read. The
    /// content and the restore command are right; the id and description are the ones read, and the evidence says so.
    /// </summary>
    [Fact]
    public async Task Without_EC2s_answer_a_rule_deleted_and_readded_with_the_same_content_is_reported_by_the_content_asked_for()
    {
        var (harness, ssh) = await WebServerWithWorldSshAsync(defaultVpc: false);
        await using var _ = harness;
        harness.Server.Faults.Add(FaultRule.Count("ec2", "RevokeSecurityGroupIngress", FaultKind.LostReply, 1));
        string? readded = null;
        // The edit lands as the run records its intent, just before the revoke (a faulted call skips BeforeDispatch).
        var done = 0;
        harness.Server.BeforeDispatch = (service, operation) =>
        {
            if (service == "dynamodb" && operation == "PutItem" && Interlocked.Exchange(ref done, 1) == 0)
            {
                Assert.True(harness.Server.Ec2.RemoveRule(Group, ssh));
                readded = harness.Server.Ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH, again").RuleId;
            }
            return Task.CompletedTask;
        };

        var outcome = await harness.RunAsync();

        // EC2's own record: the re-added rule went.
        Assert.NotNull(readded);
        Assert.Equal(readded, Assert.Single(Assert.Single(harness.Server.Ec2.Revocations).Removed).RuleId);
        Assert.DoesNotContain(harness.Server.Ec2.Rules(Group), r => r.FromPort == 22);
        // The notice: the content asked for, never claimed as confirmed by EC2.
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var reported = Assert.Single(outcome.Revoked);
        Assert.Equal((ssh, "tcp", 22, 22, "0.0.0.0/0", RevokeEvidence.AnswerLost),
            (reported.RuleId, reported.Protocol, reported.FromPort, reported.ToPort, reported.Source, reported.Evidence));
        Assert.Contains("\"FromPort\":22", outcome.RestoreCommand);
        Assert.Contains("0.0.0.0/0", outcome.RestoreCommand);
        Assert.True(outcome.Publish);
    }

    [Fact]
    public async Task An_exemption_tagged_between_the_read_and_the_revoke_is_honoured_where_IAM_denies_tagged_groups()
    {
        // The deployment's IAM deny on the exemption tag is evaluated by EC2 at the moment of the call: the race is closed there.
        await using var harness = await RemediationHarness.StartAsync(configure: r => r with { ExemptionTagProtectedByIam = true });
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.Ec2.DenyRevokeWhenTagged.Add("sg-config-rule:exempt");
        var until = DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        BeforeTheRevoke(harness, ec2 => ec2.SetTag(RemediationHarness.WebGroup, "sg-config-rule:exempt", $"{until} load test"));

        var outcome = await harness.RunAsync();

        Assert.Contains(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.Equal(RemediationStatus.Exempt, outcome.Status);
        Assert.Empty(outcome.Revoked);
    }

    [Fact]
    public async Task A_retried_step_announces_the_earlier_runs_removal_even_when_the_ledger_cannot_record_either_end()
    {
        // The first run revokes, cannot record its end, and its answer never reaches the document; the step is retried
        // (same execution), and the ledger still refuses every write: the retry announces the removal all the same,
        // from the first run's intent — perhaps a second time, never not at all.
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.Faults.Add(new FaultRule("dynamodb", "PutItem", FaultKind.Unavailable) { Skip = 1 });
        var execution = Guid.NewGuid().ToString();

        var first = await harness.RunAsync(executionId: execution);
        Assert.Equal(ssh, Assert.Single(first.Revoked).RuleId);
        var retried = await harness.RunAsync(executionId: execution);

        Assert.Equal(RemediationStatus.Revoked, retried.Status);
        var carried = Assert.Single(retried.Revoked);
        Assert.Equal((ssh, RevokeEvidence.EarlierRun), (carried.RuleId, carried.Evidence));
        Assert.Contains("Could not record the end of this run in the ledger", retried.Note);
        Assert.True(retried.Publish);
        Assert.NotNull(retried.RestoreCommand);
    }
}
