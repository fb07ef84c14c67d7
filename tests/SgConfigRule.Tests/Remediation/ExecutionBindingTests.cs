using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Ssm;
using SgConfigRule.Remediation;
using YamlDotNet.RepresentationModel;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The central revoke function serves a request only while the member account's execution is in the step that sends
/// it, with that execution's own parameters and outputs, and each step at most as often as the document tries it —
/// so an execution id learnt from an email lends nothing (issue 15, finding 1).
/// </summary>
public sealed class ExecutionBindingTests
{
    private const string Member = OrganizationModeTests.Member;
    private const string Document = OrganizationModeTests.Document;
    private const string RoleParameters = OrganizationModeTests.RoleParameters;
    private const string Id = RemediationHarness.ExecutionId;

    private static Task<RemediationHarness> ArrangeAsync() => OrganizationModeTests.ArrangeAsync();

    private static FakeAutomationExecution Execution(string step = "Remediate", string mode = "Revoke", IReadOnlyDictionary<string, string>? extra = null,
                                                     params (string Name, IReadOnlyDictionary<string, string> Outputs)[] finished)
    {
        var parameters = new Dictionary<string, string>
        {
            ["SecurityGroupId"] = RemediationHarness.WebGroup,
            ["Mode"] = mode,
            ["ConfigRuleName"] = "sg-config-rule",
            ["RuleParameters"] = RoleParameters,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) parameters[key] = value;
        return new FakeAutomationExecution(Id, Member, Document, "InProgress", parameters) { CurrentStep = step, FinishedSteps = finished };
    }

    /// <summary>The request a step of the document sends (the InputPayload of <c>automation/sg-config-rule-remediation.yaml</c>).</summary>
    private static JsonObject Request(string mode = "Revoke", Action<JsonObject>? change = null)
    {
        var input = JsonNode.Parse(RemediationHarness.Input(mode: mode, ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: Id))!.AsObject();
        change?.Invoke(input);
        return input;
    }

    private static Task<RemediationOutcome> SendAsync(RemediationHarness harness, JsonObject request) =>
        harness.Function.InvokeAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), TestContext.Current.CancellationToken);

    private static void AssertRefused(RemediationOutcome outcome, string problem)
    {
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("refused", outcome.Error);
        Assert.Contains(problem, outcome.Error);
    }

    [Theory]
    [InlineData("WaitForCloudTrail")]   // sleeping up to 59 minutes before its follow-up
    [InlineData("Attribute")]
    [InlineData("Notify")]
    [InlineData("KeepNotice")]
    public async Task A_revoke_is_served_only_while_the_execution_is_in_its_Remediate_step(string currentStep)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(step: currentStep));
        var outcome = await SendAsync(harness, Request());
        AssertRefused(outcome, $"is in step {currentStep}; Mode Revoke is served only while its step Remediate runs");
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service == "ec2");
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Theory]
    [InlineData("Success")]
    [InlineData("Failed")]
    [InlineData("TimedOut")]
    public async Task A_step_that_has_ended_lends_nothing(string stepStatus)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution() with { CurrentStepStatus = stepStatus });
        AssertRefused(await SendAsync(harness, Request()), $"its step Remediate is {stepStatus}, not in progress");
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }

    [Theory]
    [InlineData("LoopGuardMaxRevokes", "0", null, "was started with LoopGuardMaxRevokes '3', not '0'")]      // the guard off, by a copy of the request
    [InlineData("LoopGuardMaxRevokes", "99", "5", "was started with LoopGuardMaxRevokes '5', not '99'")]
    [InlineData("LoopGuardWindowHours", "1", null, "was started with LoopGuardWindowHours '24', not '1'")]
    public async Task Every_parameter_that_changes_what_the_function_does_is_the_executions_own(string parameter, string sent, string? started, string problem)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(extra: started is null ? null : new Dictionary<string, string> { [parameter] = started }));
        AssertRefused(await SendAsync(harness, Request(change: r => r[parameter] = sent)), problem);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }

    [Fact]
    public async Task Loop_guard_settings_the_execution_was_started_with_are_served_as_the_function_reads_them()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(extra: new Dictionary<string, string> { ["LoopGuardMaxRevokes"] = "05", ["LoopGuardWindowHours"] = "48" }));
        var outcome = await SendAsync(harness, Request(change: r => { r["LoopGuardMaxRevokes"] = "05"; r["LoopGuardWindowHours"] = "48"; }));
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
    }

    [Fact]
    public async Task Each_step_is_served_as_often_as_the_document_tries_it_and_no_more()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution());
        var first = await SendAsync(harness, Request());
        Assert.Equal(RemediationStatus.Revoked, first.Status);
        // The document's retry after a lost answer is served (and reports the first run's removal from the ledger) ...
        var retry = await SendAsync(harness, Request());
        Assert.Equal(RemediationStatus.Revoked, retry.Status);
        Assert.Equal(Assert.Single(first.Revoked).RuleId, Assert.Single(retry.Revoked).RuleId);
        Assert.Contains(first.RunId, retry.NoticeRuns);
        // ... a third copy of the request, from someone who learnt the execution id, is not.
        var copy = await SendAsync(harness, Request());
        AssertRefused(copy, $"step Remediate of automation execution {Id} was already served 2 time(s)");
        Assert.Equal(1, harness.Server.Calls.Count(c => c.Operation == "RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task Claims_are_per_execution_account_and_step()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(mode: "DryRun"));
        for (var i = 0; i < 2; i++) Assert.Equal(RemediationStatus.DryRun, (await SendAsync(harness, Request(mode: "DryRun"))).Status);
        AssertRefused(await SendAsync(harness, Request(mode: "DryRun")), "already served 2 time(s)");
        // Another execution of the same group starts afresh.
        const string other = "b1b2c3d4-5678-90ab-cdef-EXAMPLE22222";
        harness.Server.Ssm.AddExecution(Execution(mode: "DryRun") with { ExecutionId = other });
        Assert.Equal(RemediationStatus.DryRun, (await SendAsync(harness, Request(mode: "DryRun", change: r => r["AutomationExecutionId"] = other))).Status);
    }

    private static string RevokedRulesJson(params (string RuleId, int Port, string Source)[] rules) =>
        JsonSerializer.Serialize(rules.Select(r => new RevokedRule
        {
            RuleId = r.RuleId, Protocol = "tcp", FromPort = r.Port, ToPort = r.Port, Source = r.Source, SourceType = "ipv4", Reason = $"blocked port {r.Port}", Display = $"tcp/{r.Port} from {r.Source}",
        }).ToList(), RemediationJsonContext.Default.ListRevokedRule);

    private static (string, IReadOnlyDictionary<string, string>) ReadOutcome(string revokedRules = "[]", string noticeRuns = "[]") =>
        ("ReadOutcome", new Dictionary<string, string> { ["Status"] = "Revoked", ["RevokedRules"] = revokedRules, ["NoticeRuns"] = noticeRuns });

    [Fact]
    public async Task A_follow_up_names_only_the_rules_the_executions_own_revoke_reported()
    {
        await using var harness = await ArrangeAsync();
        var own = RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32"));
        harness.Server.Ssm.AddExecution(Execution(step: "Attribute", finished: ReadOutcome(own)));

        var served = await SendAsync(harness, Request(mode: "Attribute", change: r => r["RevokedRules"] = own));
        Assert.Equal(RemediationStatus.Attributed, served.Status);

        // The same execution asked about another group's rule, or about the same id with other content: refused.
        foreach (var foreign in new[] { RevokedRulesJson(("sgr-0fedcba9876543210", 3389, "0.0.0.0/0")), RevokedRulesJson(("sgr-0123456789abcdef0", 22, "0.0.0.0/0")) })
        {
            await using var fresh = await ArrangeAsync();
            fresh.Server.Ssm.AddExecution(Execution(step: "Attribute", finished: ReadOutcome(own)));
            AssertRefused(await SendAsync(fresh, Request(mode: "Attribute", change: r => r["RevokedRules"] = foreign)), "the follow-up may name only the rules its own revoke reported");
            Assert.DoesNotContain(fresh.Server.Calls, c => c.Service == "cloudtrail");
        }
    }

    [Theory]
    [InlineData("DryRun", true, "was started with Mode 'DryRun', not 'Revoke'")]   // a dry run has no follow-up
    [InlineData("Revoke", false, "has no output ReadOutcome.RevokedRules")]
    public async Task A_follow_up_needs_a_revoking_execution_with_a_reported_revoke(string startedMode, bool withOutcome, string problem)
    {
        await using var harness = await ArrangeAsync();
        var own = RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32"));
        harness.Server.Ssm.AddExecution(withOutcome ? Execution(step: "Attribute", mode: startedMode, finished: ReadOutcome(own)) : Execution(step: "Attribute", mode: startedMode));
        AssertRefused(await SendAsync(harness, Request(mode: "Attribute", change: r => r["RevokedRules"] = own)), problem);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service == "cloudtrail");
    }

    [Fact]
    public async Task Runs_marked_as_announced_must_be_the_ones_the_execution_published()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(step: "KeepUnannounced", finished: ReadOutcome(noticeRuns: """["run-a"]""")));
        // Marking another run as announced would silence its notice: refused.
        AssertRefused(await SendAsync(harness, Request(mode: "NoticeUndelivered", change: r => r["PublishedRuns"] = """["run-a","run-b"]""")),
            $"automation execution {Id} in account {Member} did not publish runs run-b");
        var served = await SendAsync(harness, Request(mode: "NoticeUndelivered", change: r => r["PublishedRuns"] = """["run-a"]"""));
        Assert.Equal(RemediationStatus.NoticeKept, served.Status);
    }

    [Fact]
    public async Task Handing_back_removals_is_served_only_in_the_steps_that_do_it()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(step: "Remediate"));
        AssertRefused(await SendAsync(harness, Request(mode: "NoticeUndelivered")), "Mode NoticeUndelivered is served only while its step KeepNotice runs");
        await using var keep = await ArrangeAsync();
        keep.Server.Ssm.AddExecution(Execution(step: "KeepNotice"));
        Assert.Equal(RemediationStatus.NoticeKept, (await SendAsync(keep, Request(mode: "NoticeUndelivered"))).Status);
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("InProgress")]
    [InlineData("Waiting")]
    [InlineData("Scheduled")]
    [InlineData("RunbookInProgress")]
    public async Task Every_running_state_of_the_execution_is_served(string status)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution() with { Status = status });
        Assert.Equal(RemediationStatus.Revoked, (await SendAsync(harness, Request())).Status);
    }

    [Fact]
    public async Task Parameters_the_execution_left_at_the_documents_defaults_are_compared_as_those_defaults()
    {
        // Started without Mode (DryRun), RuleParameters ({}) or ConfigRuleName (""): a request must say exactly that.
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(new FakeAutomationExecution(Id, Member, Document, "InProgress",
            new Dictionary<string, string> { ["SecurityGroupId"] = RemediationHarness.WebGroup, ["ConfigRuleName"] = "sg-config-rule", ["RuleParameters"] = RoleParameters }));
        AssertRefused(await SendAsync(harness, Request()), "was started with Mode 'DryRun', not 'Revoke'");

        await using var noRule = await ArrangeAsync();
        noRule.Server.Ssm.AddExecution(new FakeAutomationExecution(Id, Member, Document, "InProgress",
            new Dictionary<string, string> { ["SecurityGroupId"] = RemediationHarness.WebGroup, ["Mode"] = "Revoke" }));
        AssertRefused(await SendAsync(noRule, Request()), "was started with ConfigRuleName '', not 'sg-config-rule'");

        await using var noParameters = await ArrangeAsync();
        noParameters.Server.Ssm.AddExecution(new FakeAutomationExecution(Id, Member, Document, "InProgress",
            new Dictionary<string, string> { ["SecurityGroupId"] = RemediationHarness.WebGroup, ["Mode"] = "Revoke", ["ConfigRuleName"] = "sg-config-rule" }));
        AssertRefused(await SendAsync(noParameters, Request()), "was started with RuleParameters '{}'");
    }

    [Fact]
    public async Task A_document_whose_name_only_ends_like_the_remediation_document_is_refused()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution() with { DocumentName = "my-" + Document });
        AssertRefused(await SendAsync(harness, Request()), $"runs document my-{Document}, not {Document}");
    }

    [Fact]
    public async Task Claims_of_one_execution_id_in_two_accounts_are_apart()
    {
        // Execution ids are unique per account and Region only as far as anyone promises: a claim names the account.
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(mode: "DryRun"));
        for (var i = 0; i < 2; i++) Assert.Equal(RemediationStatus.DryRun, (await SendAsync(harness, Request(mode: "DryRun"))).Status);
        const string other = "777788889999", otherGroup = "sg-0aaaaaaaaaaaaaaa1";
        harness.Server.Ec2.AddGroup(otherGroup, "Other account's group", "no inbound rules", ownerId: other);
        var execution = Execution(mode: "DryRun");
        harness.Server.Ssm.AddExecution(execution with
        {
            AccountId = other,
            Parameters = new Dictionary<string, string>(execution.Parameters) { ["SecurityGroupId"] = otherGroup },
        });
        var elsewhere = await SendAsync(harness, Request(mode: "DryRun", change: r => { r["AccountId"] = other; r["SecurityGroupId"] = otherGroup; }));
        Assert.True(elsewhere.Status == RemediationStatus.NothingToRevoke, $"{elsewhere.Status}: {elsewhere.Error}");
    }

    public static TheoryData<string, string> ForeignFollowUps() => new()
    {
        { "another port", RevokedRulesJson(("sgr-0123456789abcdef0", 23, "203.0.113.7/32")) },
        { "another source", RevokedRulesJson(("sgr-0123456789abcdef0", 22, "0.0.0.0/0")) },
        { "another rule", RevokedRulesJson(("sgr-0fedcba9876543210", 22, "203.0.113.7/32")) },
        { "one own rule and one other", RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32"), ("sgr-0fedcba9876543210", 3389, "0.0.0.0/0")) },
    };

    [Theory]
    [MemberData(nameof(ForeignFollowUps))]
    public async Task A_follow_up_naming_anything_its_revoke_did_not_report_is_refused(string what, string requested)
    {
        await using var harness = await ArrangeAsync();
        var own = RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32"), ("sgr-0aaaaaaaaaaaaaaa0", 3389, "198.51.100.0/24"));
        harness.Server.Ssm.AddExecution(Execution(step: "Attribute", finished: ReadOutcome(own)));
        AssertRefused(await SendAsync(harness, Request(mode: "Attribute", change: r => r["RevokedRules"] = requested)), "did not revoke");
        Assert.True(what.Length > 0);
    }

    [Fact]
    public async Task A_follow_up_for_one_of_several_rules_its_revoke_reported_is_served()
    {
        await using var harness = await ArrangeAsync();
        var own = RevokedRulesJson(("sgr-0aaaaaaaaaaaaaaa0", 3389, "198.51.100.0/24"), ("sgr-0123456789abcdef0", 22, "203.0.113.7/32"));
        harness.Server.Ssm.AddExecution(Execution(step: "Attribute", finished: ReadOutcome(own)));
        var served = await SendAsync(harness, Request(mode: "Attribute", change: r => r["RevokedRules"] = RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32"))));
        Assert.Equal(RemediationStatus.Attributed, served.Status);
    }

    [Theory]
    [InlineData("null", "did not revoke")]
    [InlineData("not json", "its output ReadOutcome.RevokedRules is not a list of rules")]
    public async Task An_unreadable_revoke_output_lends_nothing_to_a_follow_up(string output, string problem)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(step: "Attribute", finished: ReadOutcome(output)));
        AssertRefused(await SendAsync(harness, Request(mode: "Attribute", change: r => r["RevokedRules"] = RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32")))), problem);
    }

    [Theory]
    [InlineData("null", "did not publish runs run-a")]
    [InlineData("[1,", "its output ReadOutcome.NoticeRuns is not a list of run ids")]
    public async Task An_unreadable_list_of_published_runs_marks_nothing_as_announced(string output, string problem)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(step: "KeepUnannounced", finished: ReadOutcome(noticeRuns: output)));
        AssertRefused(await SendAsync(harness, Request(mode: "NoticeUndelivered", change: r => r["PublishedRuns"] = """["run-a"]""")), problem);
    }

    /// <summary>The function's table of steps agrees with the document: the step that sends each mode, and its tries.</summary>
    [Fact]
    public void The_steps_and_their_tries_are_the_documents()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(AutomationDocumentTests.DocumentPath)) yaml.Load(reader);
        var steps = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["mainSteps"]).Cast<YamlMappingNode>()
            .Where(s => ((YamlScalarNode)s["action"]).Value == "aws:invokeLambdaFunction")
            .ToList();
        Assert.Equal(4, steps.Count);
        foreach (var step in steps)
        {
            var payload = (YamlMappingNode)((YamlMappingNode)step["inputs"])["InputPayload"];
            var keys = payload.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
            var modeText = ((YamlScalarNode)payload["Mode"]).Value!;
            var mode = modeText == "{{ Mode }}" ? RemediationMode.Revoke : Enum.Parse<RemediationMode>(modeText);
            using var input = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string?>
            {
                ["SecurityGroupId"] = RemediationHarness.WebGroup,
                ["Mode"] = mode.ToString(),
                ["AutomationExecutionId"] = Id,
                ["RevokedRules"] = mode == RemediationMode.Attribute ? RevokedRulesJson(("sgr-0123456789abcdef0", 22, "203.0.113.7/32")) : null,
                ["PublishedRuns"] = keys.Contains("PublishedRuns") ? "[]" : null,
            }.Where(p => p.Value is not null).ToDictionary()));
            var request = RevokeRequest.Parse(input.RootElement);
            var expected = AutomationExecutionCheck.StepFor(request);
            var tries = step.Children.TryGetValue(new YamlScalarNode("maxAttempts"), out var max) ? int.Parse(((YamlScalarNode)max).Value!, System.Globalization.CultureInfo.InvariantCulture) : 1;
            Assert.Equal((((YamlScalarNode)step["name"]).Value, tries), (expected.Name, expected.MaxAttempts));
        }
    }
}
