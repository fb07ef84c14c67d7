using System.Text.Json.Nodes;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Rule.Hook;
using SgConfigRule.Tests.Deployment;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// template.yaml's optional deploy-time hook (issue 18): off by default; on, an AWS::CloudFormation::LambdaHook on
/// security group creates and updates, its FailureMode a parameter, its function given the Config rule's own
/// parameters, and roles of least privilege (logs only; invoke this function only).
/// </summary>
public sealed class HookTemplateTests
{
    private static readonly CfnTemplate Template = CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, "template.yaml"));
    private static readonly string[] HookResources = ["HookFunctionLogGroup", "HookFunctionRole", "HookFunction", "HookInvocationRole", "DeployHook"];

    [Fact]
    public void The_hook_is_off_by_default()
    {
        var stack = Template.Render();
        Assert.All(HookResources, id => Assert.False(stack.Resources.ContainsKey(id), $"{id} is created by default"));
        Assert.Equal("false", Template.Parameters["EnableDeployHook"]!["Default"]!.GetValue<string>());
        Assert.Equal("WARN", Template.Parameters["DeployHookFailureMode"]!["Default"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("WARN")]
    [InlineData("FAIL")]
    public void On_it_targets_group_creates_and_updates_with_the_failure_mode_chosen(string mode)
    {
        var stack = Template.Render(new Dictionary<string, string> { ["EnableDeployHook"] = "true", ["DeployHookFailureMode"] = mode });
        Assert.All(HookResources, id => Assert.True(stack.Resources.ContainsKey(id), $"{id} is missing"));
        var hook = stack.Properties("DeployHook");
        Assert.Equal(mode, hook["FailureMode"]!.GetValue<string>());
        Assert.Equal("ENABLED", hook["HookStatus"]!.GetValue<string>());
        Assert.Equal(["RESOURCE"], hook["TargetOperations"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["CREATE", "UPDATE"], hook["TargetFilters"]!["Actions"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"], hook["TargetFilters"]!["TargetNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Matches("^(?!(?i)aws)[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$", hook["Alias"]!.GetValue<string>());
        Assert.Equal(SgConfigRule.LambdaRuntime.LambdaHandlers.Hook, stack.Properties("HookFunction")["Handler"]!.GetValue<string>());
        Assert.True(int.Parse(stack.Properties("HookFunction")["Timeout"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) < 30, "Hooks wait at most 30 seconds");
    }

    [Fact]
    public void Its_roles_may_write_their_logs_and_invoke_the_hook_function_nothing_more()
    {
        var stack = Template.Render(new Dictionary<string, string> { ["EnableDeployHook"] = "true" });
        // Besides the trust statement, one: its logs.
        var logs = Assert.Single(stack.Statements("HookFunctionRole"), s => s["Action"]!.ToJsonString() != "\"sts:AssumeRole\"");
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], logs["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("lambda.amazonaws.com", stack.Properties("HookFunctionRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());

        var invocation = Assert.Single(stack.Statements("HookInvocationRole"), s => s["Action"]!.ToJsonString() != "\"sts:AssumeRole\"");
        Assert.Equal("lambda:InvokeFunction", invocation["Action"]!.GetValue<string>());
        Assert.Equal("ref:HookFunction.Alias", invocation["Resource"]!.GetValue<string>());
        var trust = stack.Properties("HookInvocationRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!;
        Assert.Equal("hooks.cloudformation.amazonaws.com", trust["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal(CfnTemplate.AccountId, trust["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());
        Assert.Equal("ref:HookFunction.Alias", stack.Properties("DeployHook")["LambdaFunction"]!.GetValue<string>());
    }

    public static TheoryData<string> Policies() =>
    [
        "{}",
        """{"BlockedPorts":"","AuthorizedTcpPorts":"80,443","SourceScope":"world"}""",
        """{"BlockedPorts":"22,3389,5432","AuthorizedUdpPorts":"53,123","SourceScope":"all","TrustedSources":"10.0.0.0/8,pl-0123456789abcdef0,sg-0123456789abcdef0","ExemptionTagKey":"security:exempt-until","MaxExemptionDays":"90","ScopeTagKey":"tier","ScopeTagValue":"web"}""",
        """{"ScopeTagKey":"aws:cloudformation:stack-name","ExemptionTagKey":""}""",
    ];

    [Theory]
    [MemberData(nameof(Policies))]
    public void The_hook_function_gets_the_policy_the_Config_rule_gets(string values)
    {
        var given = JsonNode.Parse(values)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        given["EnableDeployHook"] = "true";
        var stack = Template.Render(given);
        var rule = ParameterParser.Parse(stack.Properties("ConfigRule")["InputParameters"]!.ToJsonString());
        var hookJson = stack.Properties("HookFunction")["Environment"]!["Variables"]![HookFunction.ParametersVariable]!.GetValue<string>();
        Assert.Equal(rule.ToInputParameters(), ParameterParser.Parse(hookJson).ToInputParameters());
    }

    [Fact]
    public void The_linter_knows_the_hook_resource_type_and_its_properties()
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "template.yaml"));
        var dir = Directory.CreateTempSubdirectory("sgcr-hook-lint-").FullName;
        var good = Path.Combine(dir, "good.yaml");
        File.WriteAllText(good, text);
        Assert.Equal(0, LintTests.Lint(good).ExitCode);
        var broken = Path.Combine(dir, "broken.yaml");
        File.WriteAllText(broken, text.Replace("      FailureMode: !Ref DeployHookFailureMode\n", "      FailureMod: !Ref DeployHookFailureMode\n", StringComparison.Ordinal));
        var result = LintTests.Lint(broken);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FailureMod", result.All, StringComparison.Ordinal);
    }
}
