using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The loop guard: when something (infrastructure as code) keeps re-adding a rule, the remediation stops revoking it
/// after LoopGuardMaxRevokes revokes within the window, keeps the group non-compliant, and tells people once — its
/// memory is in the remediation ledger, where people who can tag the group cannot write.
/// </summary>
public sealed class LoopGuardTests
{
    // Close to the real time: the loopback CloudTrail stamps its records with it, and attribution looks back from "now".
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static RevokedRule Rule(string protocol, int port, string source) => new()
    {
        RuleId = "sgr-0123456789abcdef0", Protocol = protocol, FromPort = port, ToPort = port, Source = source,
        SourceType = "ipv4", Reason = "blocked port", Display = $"{protocol}/{port} from {source}",
    };

    [Fact]
    public void State_reads_back_what_it_writes_and_forgets_what_left_the_window()
    {
        var ssh = LoopGuardState.Fingerprint(Rule("tcp", 22, "0.0.0.0/0"));
        var rdp = LoopGuardState.Fingerprint(Rule("tcp", 3389, "0.0.0.0/0"));
        Assert.NotEqual(ssh, rdp);
        Assert.Equal(ssh, LoopGuardState.Fingerprint(Rule("tcp", 22, "0.0.0.0/0") with { RuleId = "sgr-0fffffffffffffff0", Description = "again" }));

        var state = LoopGuardState.Empty.WithRevoke(ssh, Start, 24).WithRevoke(ssh, Start.AddHours(1), 24).WithRevoke(rdp, Start, 24)
            .WithEscalation(rdp, Start, 24);
        var text = state.Pruned(Start.AddHours(2), 24).Format();
        var read = LoopGuardState.Parse(text, Start.AddHours(2), out var problem);
        Assert.Null(problem);
        Assert.Equal(2, read.RevokesWithin(ssh, Start.AddHours(2), 24));
        Assert.True(read.IsEscalated(rdp, Start.AddHours(2), 24));
        Assert.False(read.IsEscalated(ssh, Start.AddHours(2), 24));
        // A day later the window has passed: it counts from zero again, and pruning sheds the old entries.
        Assert.Equal(0, read.RevokesWithin(ssh, Start.AddHours(25), 24));
        Assert.Equal("", read.Pruned(Start.AddHours(25), 24).Format());
    }

    [Fact]
    public void Every_rule_is_remembered_however_many_there_are()
    {
        // In the ledger there is no 256-character tag limit: no rule's count is dropped to make room.
        var state = LoopGuardState.Empty;
        for (var port = 1; port <= 200; port++) state = state.WithRevoke(LoopGuardState.Fingerprint(Rule("tcp", port, "0.0.0.0/0")), Start, 24);
        var read = LoopGuardState.Parse(state.Format(), Start, out var problem);
        Assert.Null(problem);
        Assert.All(Enumerable.Range(1, 200), port => Assert.Equal(1, read.RevokesWithin(LoopGuardState.Fingerprint(Rule("tcp", port, "0.0.0.0/0")), Start, 24)));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("3fa2b9c1:2:491234:x")]
    [InlineData("3fa2b9c1:-2:491234:n")]
    [InlineData("zzzzzzzz:2:491234:n")]
    [InlineData("3fa2b9c1:2:99999999:e")]
    [InlineData("3fa2b9c1:5000:491234:e")]
    public void A_corrupt_state_is_ignored_and_reported_which_means_revoking_again(string value)
    {
        // The last two are well-formed but claim a window in the future, or more revokes than can happen.
        var state = LoopGuardState.Parse(value, Start, out var problem);
        Assert.Empty(state.Entries);
        Assert.Contains("is not valid; it was ignored", problem);
    }

    private static async Task<LoopGuardState> GuardAsync(RemediationHarness harness, DateTimeOffset? now = null) =>
        (await harness.Ledger.ReadAsync(RemediationHarness.WebGroupKey, now ?? DateTimeOffset.UtcNow, TestContext.Current.CancellationToken)).Guard;

    private static async Task<string> ReAddSshAsync(RemediationHarness harness)
    {
        using var ec2 = Aws.Ec2WireTests.Client(harness.Server);
        var added = await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = RemediationHarness.WebGroup,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "203.0.113.7/32", Description = "SSH from my laptop" }] }],
        }, TestContext.Current.CancellationToken);
        return added.SecurityGroupRules.Single().SecurityGroupRuleId;
    }

    [Fact]
    public async Task Infrastructure_as_code_fighting_the_remediation_is_stopped_after_three_revokes_and_reported_once()
    {
        var clock = new Clock(Start);
        await using var harness = await RemediationHarness.StartAsync(clock);
        await harness.WebServerWithSshAsync();
        for (var round = 1; round <= 3; round++)
        {
            if (round > 1) await ReAddSshAsync(harness);
            clock.Now = Start.AddMinutes(20 * round);
            var outcome = await harness.RunAsync();
            Assert.Equal(RemediationStatus.Revoked, outcome.Status);
            Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        }
        Assert.Matches("^[0-9a-f]{8}:3:[0-9]+:n$", (await GuardAsync(harness, clock.Now)).Format());

        // The fourth time: the rule stays, the group stays non-compliant, people are told who keeps adding it.
        var ssh = await ReAddSshAsync(harness);
        clock.Now = Start.AddMinutes(80);
        var tripped = await harness.RunAsync();
        Assert.Equal(RemediationStatus.LoopGuardTripped, tripped.Status);
        Assert.Empty(tripped.Revoked);
        Assert.Equal(ssh, Assert.Single(tripped.Guarded).RuleId);
        Assert.Equal("arn:aws:iam::111122223333:user/alice", tripped.Guarded[0].AddedBy!.Principal);
        Assert.Contains(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.Equal("SgConfigRule: tcp/22 from 203.0.113.7/32 keeps coming back on sg-0f3c6a1e2b4d58a90 - stopped", tripped.Subject.Split(" (")[0]);
        Assert.Contains("STOPPED revoking 1 inbound rule on security group sg-0f3c6a1e2b4d58a90 (Web Server Security Group): each was revoked 3 times within 24 hours", tripped.Text);
        Assert.Contains("to reset the loop guard sooner, delete this group's item from the remediation ledger table", tripped.Text);
        Assert.DoesNotContain("To restore exactly what was removed", tripped.Text);
        var machine = JsonNode.Parse(JsonNode.Parse(tripped.Message)!["sqs"]!.GetValue<string>())!;
        Assert.Equal(ssh, machine["Guarded"]![0]!["RuleId"]!.GetValue<string>());
        Assert.EndsWith(":e", (await GuardAsync(harness, clock.Now)).Format(), StringComparison.Ordinal);

        // Every later run (each evaluation of the still non-compliant group) holds, quietly, and writes nothing.
        harness.Server.ClearCalls();
        clock.Now = Start.AddMinutes(100);
        var holding = await harness.RunAsync();
        Assert.Equal(RemediationStatus.LoopGuardHolding, holding.Status);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation is "RevokeSecurityGroupIngress" or "CreateTags");
        Assert.EndsWith(":e", (await GuardAsync(harness, clock.Now)).Format(), StringComparison.Ordinal);

        // When the window has passed it revokes again.
        clock.Now = Start.AddHours(26);
        Assert.Equal(RemediationStatus.Revoked, (await harness.RunAsync()).Status);
        Assert.DoesNotContain(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
    }

    [Fact]
    public async Task Other_rules_are_still_revoked_while_one_is_guarded()
    {
        var clock = new Clock(Start);
        await using var harness = await RemediationHarness.StartAsync(clock);
        await harness.WebServerWithSshAsync();
        const string guard = "{\"LoopGuardMaxRevokes\":\"1\"}";
        Assert.Equal(RemediationStatus.Revoked, (await harness.Function.InvokeAsync(Input(guard), TestContext.Current.CancellationToken)).Status);
        var ssh = await ReAddSshAsync(harness);
        harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"), "RDP");

        var outcome = await harness.Function.InvokeAsync(Input(guard), TestContext.Current.CancellationToken);
        Assert.Equal(RemediationStatus.LoopGuardTripped, outcome.Status);
        Assert.Equal(3389, Assert.Single(outcome.Revoked).FromPort);
        Assert.Equal(ssh, Assert.Single(outcome.Guarded).RuleId);
        Assert.Empty(outcome.Remaining);
        Assert.Contains("It did remove 1 inbound rule this time.", outcome.Text);
        Assert.Contains("To restore exactly what was removed", outcome.Text);
    }

    private static byte[] Input(string extra)
    {
        var input = JsonNode.Parse(RemediationHarness.Input())!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(extra)!.AsObject()) input[key] = value?.DeepClone();
        return System.Text.Encoding.UTF8.GetBytes(input.ToJsonString());
    }

    [Fact]
    public async Task Zero_turns_the_guard_off_and_counts_nothing()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        for (var round = 0; round < 5; round++)
        {
            if (round > 0) await ReAddSshAsync(harness);
            Assert.Equal(RemediationStatus.Revoked, (await harness.Function.InvokeAsync(Input("{\"LoopGuardMaxRevokes\":\"0\"}"), TestContext.Current.CancellationToken)).Status);
        }
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "CreateTags");
        Assert.Empty((await GuardAsync(harness)).Entries);
    }

    [Fact]
    public async Task The_old_loop_guard_tag_cannot_switch_remediation_off()
    {
        // Before the ledger, the guard's state was a tag on the group: anyone who could tag the group could write a
        // well-formed "revoked 3 times, people told" and the remediation then held, quietly, renewable every window.
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        var hour = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600;
        var forged = string.Join(' ', new[] { ("tcp", 22, "203.0.113.7/32") }.Select(r =>
            $"{LoopGuardState.Fingerprint(Rule(r.Item1, r.Item2, r.Item3))}:3:{hour}:e"));
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "sg-config-rule:revocations", forged);

        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.True(outcome.Publish);
        Assert.DoesNotContain(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "CreateTags");
    }

    [Fact]
    public async Task A_corrupt_ledger_state_does_not_spare_a_rule_and_the_notice_says_so()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        // Only the function (and the security team) can write the table; should the item be damaged anyway, the guard
        // starts over - which revokes, never spares - and the notice says so.
        harness.Server.DynamoDb.Put(RemediationHarness.LedgerTable, new System.Text.Json.Nodes.JsonObject
        {
            ["pk"] = new System.Text.Json.Nodes.JsonObject { ["S"] = RemediationHarness.WebGroupKey.ToString() },
            ["version"] = new System.Text.Json.Nodes.JsonObject { ["N"] = "7" },
            ["guard"] = new System.Text.Json.Nodes.JsonObject { ["S"] = "leave-me-alone" },
            ["runs"] = new System.Text.Json.Nodes.JsonObject { ["S"] = "[]" },
        });
        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Contains("the loop guard's stored state 'leave-me-alone' is not valid; it was ignored", outcome.Note);
        Assert.Matches("^[0-9a-f]{8}:1:[0-9]+:n$", (await GuardAsync(harness)).Format());
    }

    [Theory]
    [InlineData("{\"LoopGuardMaxRevokes\":\"-1\"}", "LoopGuardMaxRevokes: must be a whole number from 0 to 100")]
    [InlineData("{\"LoopGuardWindowHours\":\"0\"}", "LoopGuardWindowHours: must be a whole number from 1 to 2160")]
    [InlineData("{\"LoopGuardWindowHours\":true}", "LoopGuardWindowHours: must be a whole number")]
    public async Task Bad_loop_guard_settings_fail_naming_the_field(string extra, string problem)
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var outcome = await harness.Function.InvokeAsync(Input(extra), TestContext.Current.CancellationToken);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains(problem, outcome.Error);
    }

    [Fact]
    public async Task Through_the_document_the_escalation_is_emailed_once_and_holding_is_silent()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath);
        runner.Functions["sg-config-rule-revoke"] = async payload =>
        {
            using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(payload));
            using var output = await harness.Function.HandleAsync(input);
            return await new StreamReader(output).ReadToEndAsync();
        };
        var parameters = new Dictionary<string, string>
        {
            ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
            ["SecurityGroupId"] = RemediationHarness.WebGroup,
            ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
            ["LoopGuardMaxRevokes"] = "1",
            ["Mode"] = "Revoke",
        };
        Assert.StartsWith("SgConfigRule removed tcp/22", Assert.Single((await runner.RunAsync(parameters)).Published).Subject);
        await ReAddSshAsync(harness);
        var tripped = await runner.RunAsync(parameters);
        Assert.Equal(nameof(RemediationStatus.LoopGuardTripped), tripped.Outputs["ReadOutcome.Status"]);
        Assert.Contains("keeps coming back", Assert.Single(tripped.Published).Subject);
        var holding = await runner.RunAsync(parameters);
        Assert.Equal(nameof(RemediationStatus.LoopGuardHolding), holding.Outputs["ReadOutcome.Status"]);
        Assert.Equal("Success", holding.Status);
        Assert.Empty(holding.Published);
    }
}
