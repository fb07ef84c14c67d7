using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.FakeAws.Ssm;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Ledger;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// Organization mode: only the central revoke function publishes to the central topic (issue 15, finding 2). The
/// member's document — run here step by step as Automation runs it, with the loopback SSM reporting the step in
/// progress — is given no topic and publishes nothing; the function publishes what needs a person, only for a request
/// an execution step vouches for; a notice SNS does not take is kept in the ledger and the execution fails, so the next
/// run announces the removal.
/// </summary>
public sealed class OrganizationNoticeTests
{
    private const string Member = OrganizationModeTests.Member;
    private const string Document = OrganizationModeTests.Document;
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:sg-config-rule-notifications";
    private const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:sg-config-rule-revoke";

    /// <summary>What the member's conformance pack passes (org/conformance-pack.yaml): no TopicArn.</summary>
    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["AutomationAssumeRole"] = $"arn:aws:iam::{Member}:role/SgConfigRuleAutomation-us-east-1",
        ["SecurityGroupId"] = RemediationHarness.WebGroup,
        ["FunctionName"] = FunctionArn,
        ["FunctionQualifier"] = "live",
        ["Mode"] = "Revoke",
        ["ConfigRuleName"] = "sg-config-rule",
        ["RuleParameters"] = OrganizationModeTests.RoleParameters,
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static LedgerKey Key => new(Member, "us-east-1", RemediationHarness.WebGroup);

    /// <summary>
    /// The member's document, invoking the central function; the loopback SSM follows the execution (its step in progress
    /// and the outputs of the steps before it), as GetAutomationExecution would report it to the function.
    /// </summary>
    private static AutomationRunner Runner(RemediationHarness harness, string executionId, Func<string, Task<string>>? function = null)
    {
        var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath) { AccountId = Member, NewExecutionId = () => executionId };
        runner.Functions[FunctionArn] = function ?? (async payload =>
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
            using var output = await harness.Function.HandleAsync(input);
            return await new StreamReader(output).ReadToEndAsync();
        });
        runner.OnStep = (step, outputs) =>
        {
            var finished = outputs.ContainsKey("ReadOutcome.Status")
                ? new[] { ("ReadOutcome", (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
                {
                    ["RevokedRules"] = (string)outputs["ReadOutcome.RevokedRules"]!,
                    ["NoticeRuns"] = (string)outputs["ReadOutcome.NoticeRuns"]!,
                }) }
                : [];
            harness.Server.Ssm.AddExecution(new FakeAutomationExecution(executionId, Member, Document, "InProgress", Parameters)
            {
                CurrentStep = step,
                FinishedSteps = finished,
            });
        };
        return runner;
    }

    private static string Email(string message) => JsonNode.Parse(message)!["email"]!.GetValue<string>();

    [Fact]
    public async Task The_central_function_publishes_the_notice_and_the_member_document_publishes_nothing()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic);
        var execution = await Runner(harness, Guid.NewGuid().ToString()).RunAsync(Parameters);

        Assert.Equal("Success", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Route", "Done"], execution.Steps.Select(s => s.Name));
        Assert.Empty(execution.Published);
        var notice = Assert.Single(harness.Server.Sns.Published);
        Assert.Equal((Topic, "json", "Revoked"), (notice.TopicArn, notice.MessageStructure, notice.Attributes["status"]));
        Assert.Equal("SgConfigRule removed tcp/22 from 203.0.113.7/32 on sg-0f3c6a1e2b4d58a90 (Web Server Security Group)", notice.Subject);
        Assert.Contains("aws ec2 authorize-security-group-ingress", Email(notice.Message));
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        // Published with the central function's own credentials, never with a member account's role.
        var publish = Assert.Single(harness.Server.Calls, c => c.Service == "sns");
        Assert.Equal(SgConfigRule.FakeAws.Ec2.FakeEc2.DefaultAccount, harness.Server.Credentials.AccountOf(publish.AccessKey!));
    }

    [Fact]
    public async Task The_follow_up_on_who_added_the_rules_is_published_by_the_function_too()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic, before: h => h.Server.CloudTrailDelay = TimeSpan.FromMinutes(8));
        var runner = Runner(harness, Guid.NewGuid().ToString());
        runner.OnSleep = wait => { var late = DateTime.UtcNow + wait; harness.Server.CloudTrail.Now = () => late; };

        var execution = await runner.RunAsync(Parameters);

        Assert.Equal("Success", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Route", "WaitForCloudTrail", "Attribute", "ReadAttribution", "AnnounceAttribution", "Done"],
            execution.Steps.Select(s => s.Name));
        Assert.Empty(execution.Published);
        Assert.Equal(["Revoked", "Attributed"], harness.Server.Sns.Published.Select(m => m.Attributes["status"]));
        Assert.StartsWith("SgConfigRule: who added the rules removed on", harness.Server.Sns.Published[1].Subject);
    }

    public static TheoryData<string> Forgeries => new()
    {
        "no execution",
        "an execution sleeping in WaitForCloudTrail",
        "an execution of another account",
        "an execution that asked for DryRun",
        "input that is not JSON",
    };

    /// <summary>Whoever can invoke the function (any principal of the organization) cannot make it write to the topic.</summary>
    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_request_no_execution_step_vouches_for_is_never_published(string forgery)
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic);
        var id = Guid.NewGuid().ToString();
        var execution = new FakeAutomationExecution(id, Member, Document, "InProgress", Parameters);
        switch (forgery)
        {
            case "an execution sleeping in WaitForCloudTrail": harness.Server.Ssm.AddExecution(execution with { CurrentStep = "WaitForCloudTrail" }); break;
            case "an execution of another account": harness.Server.Ssm.AddExecution(execution with { AccountId = "777788889999" }); break;
            case "an execution that asked for DryRun":
                harness.Server.Ssm.AddExecution(execution with { Parameters = new Dictionary<string, string>(Parameters) { ["Mode"] = "DryRun" } });
                break;
        }
        var input = forgery == "input that is not JSON"
            ? "{\"SecurityGroupId\": \"sg-0f3c6a1e2b4d58a90\", \"Mode\": \"Revoke\", \"Subject\": \"URGENT: run this"
            : RemediationHarness.Input(ruleParameters: OrganizationModeTests.RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: id);

        var outcome = await harness.Function.InvokeAsync(Encoding.UTF8.GetBytes(input), Cancel);

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.False(outcome.Published);
        Assert.Empty(harness.Server.Sns.Published);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service == "sns");
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    public static TheoryData<FaultKind> SnsFaults => new()
    {
        FaultKind.ServerError, FaultKind.Throttle, FaultKind.Unavailable, FaultKind.Drop, FaultKind.LostReply, FaultKind.Slow,
    };

    /// <summary>
    /// However SNS fails, the removal reaches the topic — by this execution, or by the next run of the group, which
    /// finds it handed back in the ledger. An execution whose notice did not go out fails, so AWS Config retries.
    /// </summary>
    [Theory]
    [MemberData(nameof(SnsFaults))]
    public async Task A_notice_SNS_does_not_take_is_kept_and_the_next_run_announces_the_removal(FaultKind fault)
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic, noticeBudget: TimeSpan.FromSeconds(2));
        harness.Server.Faults.Add(new FaultRule("sns", "Publish", fault) { Delay = TimeSpan.FromSeconds(5) });
        var first = await Runner(harness, Guid.NewGuid().ToString()).RunAsync(Parameters);
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        Assert.Empty(first.Published);
        var delivered = harness.Server.Sns.Published.Any(m => Email(m.Message).Contains("tcp/22 from 203.0.113.7/32", StringComparison.Ordinal));
        if (!delivered)
        {
            Assert.Equal("Failed", first.Status);
            Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Route", "KeepUnannounced", "FailRemediation"], first.Steps.Select(s => s.Name));
            Assert.Equal("Failed", first.Outputs["ReadOutcome.Status"]);
            var kept = await harness.Ledger.ReadAsync(Key, DateTime.UtcNow, Cancel);
            Assert.Contains(kept.Runs, r => r.State == RunState.Undelivered && r.Revoked.Any(x => x.Display == "tcp/22 from 203.0.113.7/32"));
        }

        harness.Server.Faults.Clear();
        var second = await Runner(harness, Guid.NewGuid().ToString()).RunAsync(Parameters);
        Assert.Equal("Success", second.Status);
        var announcements = harness.Server.Sns.Published.Count(m => Email(m.Message).Contains("tcp/22 from 203.0.113.7/32", StringComparison.Ordinal));
        Assert.True(announcements >= 1, $"the removal reached the topic {announcements} times");
        if (!delivered) Assert.Equal(RevokeEvidence.EarlierRun.ToString(), LastNoticeEvidence(harness));
    }

    /// <summary>How the last notice knows of its first removal (the JSON machine subscribers get).</summary>
    private static string LastNoticeEvidence(RemediationHarness harness)
    {
        var machine = JsonNode.Parse(JsonNode.Parse(harness.Server.Sns.Published[^1].Message)!["sqs"]!.GetValue<string>())!;
        return machine["Revoked"]![0]!["Evidence"]!.GetValue<string>();
    }

    /// <summary>
    /// The member role may publish nowhere, so the document sends no failure notice of its own: the central account hears
    /// of the failed execution through the member-failures rules (org/member.yaml, org/central.yaml; see
    /// Deployment/MemberFailureNoticeTests).
    /// </summary>
    [Theory]
    [InlineData("not invocable", "Remediate,FailureNotice,KeepNotice,FailRemediation")]
    [InlineData("timed out", "Remediate,ReadOutcome,Announce,Route,KeepUnannounced,FailRemediation")]
    public async Task A_function_that_cannot_be_reached_is_reported_by_the_failed_execution_not_by_the_document(string how, string steps)
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic);
        var runner = Runner(harness, Guid.NewGuid().ToString(), _ => throw new TimeoutException("Task timed out after 60.00 seconds"));
        // Lambda refused the invoke (no permission, throttled, deleted): the step itself fails.
        if (how == "not invocable") runner.Functions.Clear();
        var execution = await runner.RunAsync(Parameters);

        Assert.Equal("Failed", execution.Status);
        Assert.Equal(steps.Split(','), execution.Steps.Select(s => s.Name));
        Assert.Empty(execution.Published);
        Assert.Empty(harness.Server.Sns.Published);
    }

    /// <summary>
    /// A deployment that gives the document no topic but whose function does not publish (a misconfiguration): the notice
    /// is not lost — the execution fails and the removal waits in the ledger for a run that can announce it.
    /// </summary>
    [Fact]
    public async Task A_notice_nobody_publishes_fails_the_execution_and_keeps_the_removal()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(topicArn: null);
        var execution = await Runner(harness, Guid.NewGuid().ToString()).RunAsync(Parameters);

        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Route", "KeepUnannounced", "FailRemediation"], execution.Steps.Select(s => s.Name));
        Assert.Equal("Failed", execution.Outputs["ReadOutcome.Status"]);
        Assert.Empty(execution.Published);
        var kept = await harness.Ledger.ReadAsync(Key, DateTime.UtcNow, Cancel);
        Assert.Contains(kept.Runs, r => r.State == RunState.Undelivered && r.Revoked.Any(x => x.Display == "tcp/22 from 203.0.113.7/32"));
    }

    [Fact]
    public async Task A_topic_setting_that_is_not_an_SNS_ARN_fails_loudly_and_keeps_the_removal()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync("sg-config-rule-notifications");
        var execution = await Runner(harness, Guid.NewGuid().ToString()).RunAsync(Parameters);
        Assert.Equal("Failed", execution.Status);
        var kept = await harness.Ledger.ReadAsync(Key, DateTime.UtcNow, Cancel);
        Assert.Contains(kept.Runs, r => r.State == RunState.Undelivered);
        Assert.Contains("SGCR_NOTIFICATION_TOPIC_ARN is not an SNS topic ARN", harness.LogOutput.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:sg-config-rule-notifications", "eu-west-1")]
    [InlineData("arn:aws-cn:sns:cn-north-1:123456789012:t", "cn-north-1")]
    [InlineData("arn:aws:sns:eu-west-1:12345678901:t", null)]       // 11-digit account
    [InlineData("arn:aws:sns:eu-west-1:12345678901x:t", null)]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:t", null)]
    [InlineData("arn:aws:sns:Not_A_Region:123456789012:t", null)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:", null)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:t:extra", null)]
    [InlineData("arn::sns:eu-west-1:123456789012:t", null)]
    [InlineData("sg-config-rule-notifications", null)]
    public void The_topic_Region_is_read_from_the_ARN_and_nothing_else_passes(string arn, string? region) =>
        Assert.Equal(region, SgConfigRule.Remediation.Notification.NoticePublisher.TopicRegion(arn));

    /// <summary>The request the document's Remediate step sends, with the execution in that step (no document around it).</summary>
    private static async Task<RemediationOutcome> RemediateAsync(RemediationHarness harness, string mode = "Revoke")
    {
        var id = Guid.NewGuid().ToString();
        harness.Server.Ssm.AddExecution(new FakeAutomationExecution(id, Member, Document, "InProgress", new Dictionary<string, string>(Parameters) { ["Mode"] = mode }));
        var input = RemediationHarness.Input(mode: mode, ruleParameters: OrganizationModeTests.RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: id);
        return await harness.Function.InvokeAsync(Encoding.UTF8.GetBytes(input), Cancel);
    }

    /// <summary>
    /// The function does not leave the hand-back to the document (whose next step may never run): the removal is in the
    /// ledger when the invocation answers, and the answer says so.
    /// </summary>
    [Fact]
    public async Task The_function_itself_hands_the_removal_back_when_SNS_refuses_it()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic, before: h => h.Server.CloudTrailDelay = TimeSpan.FromMinutes(8));
        harness.Server.Faults.Add(FaultRule.Always("sns", "Publish", FaultKind.ServerError));
        var outcome = await RemediateAsync(harness);

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.False(outcome.Published);
        Assert.Empty(outcome.NoticeRuns);
        Assert.False(outcome.AttributionPending); // no follow-up for a notice that never went out
        Assert.Contains($"the notice could not be published to {Topic}: SNS Publish failed with InternalFailure (HTTP 500)", outcome.Error);
        Assert.EndsWith("The removals are kept in the ledger: the next run of this group announces them.", outcome.Error);
        Assert.Equal("tcp/22 from 203.0.113.7/32", Assert.Single(outcome.Revoked).Display);
        var kept = await harness.Ledger.ReadAsync(Key, DateTime.UtcNow, Cancel);
        Assert.Contains(kept.Runs, r => r.State == RunState.Undelivered && r.Revoked.Any(x => x.Display == "tcp/22 from 203.0.113.7/32"));
    }

    [Fact]
    public async Task SNS_that_does_not_answer_leaves_time_to_hand_the_removal_back()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic, noticeBudget: TimeSpan.FromSeconds(2));
        harness.Server.Faults.Add(new FaultRule("sns", "Publish", FaultKind.Slow) { Delay = TimeSpan.FromSeconds(30) });
        var outcome = await RemediateAsync(harness);

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("SNS did not answer within 1.2 s.", outcome.Error);
        Assert.EndsWith("The removals are kept in the ledger: the next run of this group announces them.", outcome.Error);
        var kept = await harness.Ledger.ReadAsync(Key, DateTime.UtcNow, Cancel);
        Assert.Contains(kept.Runs, r => r.State == RunState.Undelivered);
    }

    [Fact]
    public async Task A_dry_run_whose_notice_fails_claims_no_removal()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic);
        harness.Server.Faults.Add(FaultRule.Always("sns", "Publish", FaultKind.ServerError));
        var outcome = await RemediateAsync(harness, mode: "DryRun");

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Single(outcome.WouldRevoke);
        // Nothing was removed, so nothing is said to be kept.
        Assert.EndsWith("SNS Publish failed with InternalFailure (HTTP 500): The request processing has failed because of an unknown error after 4 attempts.", outcome.Error);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    /// <summary>A ledger that refuses exactly the hand-back (a write marking a run undelivered), as DynamoDB under a throttling storm would.</summary>
    private sealed class RefusingHandBack(IRemediationLedger inner) : IRemediationLedger
    {
        public bool IsDurable => inner.IsDurable;
        public Task<GroupLedger> ReadAsync(LedgerKey key, DateTimeOffset now, CancellationToken cancellationToken) => inner.ReadAsync(key, now, cancellationToken);
        public Task<bool> TryClaimAsync(string claim, DateTimeOffset now, CancellationToken cancellationToken) => inner.TryClaimAsync(claim, now, cancellationToken);
        public Task<bool> TryWriteAsync(LedgerKey key, GroupLedger read, GroupLedger replacement, DateTimeOffset now, CancellationToken cancellationToken) =>
            replacement.Runs.Any(r => r.State == RunState.Undelivered)
                ? throw new LedgerUnavailableException("ProvisionedThroughputExceededException (injected)")
                : inner.TryWriteAsync(key, read, replacement, now, cancellationToken);
    }

    [Fact]
    public async Task When_the_ledger_refuses_the_hand_back_too_the_answer_says_the_document_must_keep_it()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic, noticeBudget: TimeSpan.FromSeconds(2),
            configure: r => r with { Ledger = new RefusingHandBack(new DynamoDbLedger(SgConfigRule.Aws.AwsClients.DynamoDb(r.Aws), r.LedgerTable!)) });
        harness.Server.Faults.Add(FaultRule.Always("sns", "Publish", FaultKind.ServerError));
        var outcome = await RemediateAsync(harness);

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("They could not be handed back to the ledger (", outcome.Error);
        Assert.EndsWith("): the document's next step does.", outcome.Error);
        Assert.Empty(outcome.NoticeRuns); // so the document's KeepUnannounced hands back every run of the execution
    }

    /// <summary>A follow-up carries no removal of its own: when its notice fails, nothing is handed back.</summary>
    [Fact]
    public async Task A_follow_up_whose_notice_fails_hands_nothing_back()
    {
        await using var harness = await OrganizationModeTests.ArrangeAsync(Topic, before: h => h.Server.CloudTrailDelay = TimeSpan.FromMinutes(8));
        harness.Server.Faults.Add(new FaultRule("sns", "Publish", FaultKind.ServerError) { Skip = 1 });
        var runner = Runner(harness, Guid.NewGuid().ToString());
        runner.OnSleep = wait => { var late = DateTime.UtcNow + wait; harness.Server.CloudTrail.Now = () => late; };
        var execution = await runner.RunAsync(Parameters);

        Assert.Equal("Success", execution.Status); // the follow-up is not critical
        Assert.Contains(execution.Steps, s => s.Name == "ReadAttribution" && !s.Succeeded);
        Assert.Equal(["Revoked"], harness.Server.Sns.Published.Select(m => m.Attributes["status"]));
        var log = harness.LogOutput.ToString();
        Assert.Contains($"the notice could not be published to {Topic}: SNS Publish failed with InternalFailure (HTTP 500)", log);
        Assert.Contains("The request processing has failed because of an unknown error after 4 attempts.\"", log, StringComparison.Ordinal);
        Assert.DoesNotContain("kept in the ledger", log);
        Assert.DoesNotContain("handed back", log);
        var ledger = await harness.Ledger.ReadAsync(Key, DateTime.UtcNow, Cancel);
        Assert.DoesNotContain(ledger.Runs, r => r.State == RunState.Undelivered);
    }
}
