using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.Ssm;
using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The central revoke function of org/central.yaml: any automation role of the organization may invoke it, so it
/// acts in an account only for a running remediation execution of that account (AutomationExecutionCheck).
/// </summary>
public sealed class OrganizationModeTests
{
    internal const string Member = "444455556666";
    private const string Other = "777788889999";
    internal const string Document = "sg-config-rule-remediation";
    internal const string RoleParameters = """{"executionRoleName":"SgConfigRuleMember-us-east-1"}""";

    /// <summary>Configured as org/central.yaml configures it (the notices' topic only when the test gives one).</summary>
    private static Task<RemediationHarness> CentralAsync(string? topicArn = null, TimeSpan? noticeBudget = null,
                                                         Func<RemediationRuntime, RemediationRuntime>? configure = null) =>
        RemediationHarness.StartAsync(configure: r => (configure ?? (x => x))(r with
        {
            RequireAutomationExecution = true,
            RemediationDocumentName = Document,
            ConfigRuleName = "sg-config-rule",
            RequireConformancePackRule = true,
            NotificationTopicArn = topicArn,
            NoticeBudget = noticeBudget ?? r.NoticeBudget,
        }));

    private static FakeAutomationExecution Execution(string account, string status = "InProgress", string group = RemediationHarness.WebGroup,
                                                     string mode = "Revoke", string document = Document) =>
        new(RemediationHarness.ExecutionId, account, document, status, new Dictionary<string, string>
        {
            ["SecurityGroupId"] = group,
            ["Mode"] = mode,
            ["ConfigRuleName"] = "sg-config-rule",
            ["RuleParameters"] = RoleParameters,
            ["AutomationAssumeRole"] = $"arn:aws:iam::{account}:role/SgConfigRuleAutomation-us-east-1",
        });

    /// <summary>The central function, the member's web server group with SSH, and the member's pack rule.</summary>
    internal static async Task<RemediationHarness> ArrangeAsync(string? topicArn = null, TimeSpan? noticeBudget = null, Action<RemediationHarness>? before = null,
                                                                Func<RemediationRuntime, RemediationRuntime>? configure = null)
    {
        var harness = await CentralAsync(topicArn, noticeBudget, configure);
        if (topicArn is not null) harness.Server.Sns.AddTopic(topicArn);
        before?.Invoke(harness);
        await harness.WebServerWithSshAsync(ownerId: Member);
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule-conformance-pack-x1y2z3", """{"blockedPorts":"22","executionRoleName":"SgConfigRuleMember-us-east-1"}""",
            "arn:aws:lambda:us-east-1:123456789012:function:sg-config-rule-rule:live", "config-conforms.amazonaws.com"));
        harness.Server.ClearCalls();
        return harness;
    }

    [Fact]
    public async Task A_running_execution_of_the_member_account_is_served_with_its_own_rule()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(Member));
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var lookup = Assert.Single(harness.Server.Calls, c => c.Operation == "GetAutomationExecution");
        Assert.Equal(Member, harness.Server.Credentials.AccountOf(lookup.AccessKey!));
    }

    [Fact]
    public async Task Another_account_cannot_make_it_act_in_the_member_account()
    {
        await using var harness = await ArrangeAsync();
        // The execution exists, but in the caller's own account, not in the account it names.
        harness.Server.Ssm.AddExecution(Execution(Other));
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains($"refused: there is no automation execution {RemediationHarness.ExecutionId} in account {Member}", outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation is "DescribeSecurityGroups" or "RevokeSecurityGroupIngress" or "LookupEvents");
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Theory]
    [InlineData("Success", null, null, null, "is Success, not running")]
    [InlineData(null, "sg-0123456789abcdef0", null, null, "was started with SecurityGroupId 'sg-0123456789abcdef0'")]
    [InlineData(null, null, "DryRun", null, "was started with Mode 'DryRun', not 'Revoke'")]
    [InlineData(null, null, null, "AWS-DisablePublicAccessForSecurityGroup", "runs document AWS-DisablePublicAccessForSecurityGroup")]
    public async Task An_execution_that_did_not_ask_for_this_is_refused(string? status, string? group, string? mode, string? document, string problem)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(Member, status ?? "InProgress", group ?? RemediationHarness.WebGroup, mode ?? "Revoke", document ?? Document));
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains(problem, outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }

    [Fact]
    public async Task A_document_shared_by_ARN_matches_by_name()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(Member, document: $"arn:aws:ssm:us-east-1:123456789012:document/{Document}"));
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
    }

    [Fact]
    public async Task Without_an_execution_id_nothing_happens()
    {
        await using var harness = await ArrangeAsync();
        var input = System.Text.Json.Nodes.JsonNode.Parse(RemediationHarness.Input(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId))!.AsObject();
        input.Remove("AutomationExecutionId");
        var outcome = await harness.Function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()), TestContext.Current.CancellationToken);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("has no AutomationExecutionId", outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service == "ec2");
    }

    [Fact]
    public async Task An_execution_started_with_other_rule_parameters_is_refused()
    {
        await using var harness = await ArrangeAsync();
        var execution = Execution(Member);
        harness.Server.Ssm.AddExecution(execution with
        {
            Parameters = new Dictionary<string, string>(execution.Parameters) { ["RuleParameters"] = """{"executionRoleName":"SgConfigRuleMember-us-east-1","blockedPorts":"443"}""" },
        });
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("was started with RuleParameters", outcome.Error);
    }

    [Theory]
    [InlineData(null, "the input names no rule")]
    [InlineData("my-lax-rule", "the input names the rule my-lax-rule")]
    public async Task The_policy_comes_only_from_the_pinned_rule(string? ruleName, string problem)
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(Member) with
        {
            Parameters = new Dictionary<string, string> { ["SecurityGroupId"] = RemediationHarness.WebGroup, ["Mode"] = "Revoke", ["ConfigRuleName"] = ruleName ?? "", ["RuleParameters"] = RoleParameters },
        });
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: ruleName, executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("refused: this deployment takes the policy only from the AWS Config rule sg-config-rule", outcome.Error);
        Assert.Contains(problem, outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }

    [Fact]
    public async Task A_rule_the_member_created_with_the_packs_name_does_not_replace_the_packs_policy()
    {
        await using var harness = await ArrangeAsync();
        harness.Server.Ssm.AddExecution(Execution(Member));
        // A member administrator's own rule, named exactly like the pack's, that blocks nothing.
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule", """{"blockedPorts":""}""", "arn:aws:lambda:us-east-1:444455556666:function:mine"));
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal(22, Assert.Single(outcome.Revoked).FromPort);
    }

    [Fact]
    public async Task Without_a_conformance_pack_rule_nothing_is_revoked()
    {
        await using var harness = await CentralAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule-conformance-pack-forged", "{}", "arn:aws:lambda:us-east-1:444455556666:function:mine"));
        harness.Server.Ssm.AddExecution(Execution(Member));
        var outcome = await harness.RunAsync(ruleParameters: RoleParameters, accountId: Member, configRuleName: "sg-config-rule", executionId: RemediationHarness.ExecutionId);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("deployed by a conformance pack", outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }
}
