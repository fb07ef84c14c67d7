using System.Text.Json.Nodes;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Rule.Hook;
using SgConfigRule.Tests.Deployment;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// The deploy-time hook in an organization (issue 18): org/central.yaml optionally creates one hook function, which
/// any organization account may invoke; org/member.yaml optionally creates, in each member account, the
/// AWS::CloudFormation::LambdaHook that calls it through an invocation role allowed that one function and trusted by
/// the Hooks service of that account only. Off by default in both; the function judges with the policy the
/// conformance pack's rule is given.
/// </summary>
public sealed class OrgHookTemplateTests
{
    private const string OrganizationId = "o-a1b2c3d4e5";
    private const string CentralAccount = "999988887777";
    private static readonly CfnTemplate CentralTemplate = CfnTemplate.Load(Repo("org/central.yaml"));
    private static readonly CfnTemplate MemberTemplate = CfnTemplate.Load(Repo("org/member.yaml"));
    private static readonly string[] CentralHookResources = ["HookFunctionLogGroup", "HookFunctionRole", "HookFunction", "HookInvokeFromOrganization"];
    private static readonly string[] MemberHookResources = ["HookInvocationRole", "DeployHook"];

    /// <summary>The alias central.yaml's hook function gets (FunctionName, AutoPublishAlias live), as an ARN in the test's Region.</summary>
    private static readonly string HookFunctionArn = $"arn:aws:lambda:{CfnTemplate.Region}:{CentralAccount}:function:sg-config-rule-hook:live";

    private static string Repo(string file) => Path.Combine(TestData.RepositoryRoot, file);

    private static CfnTemplate.Rendered Central(IReadOnlyDictionary<string, string>? values = null) =>
        CentralTemplate.Render(With(values, "OrganizationId", OrganizationId));

    private static CfnTemplate.Rendered Member(IReadOnlyDictionary<string, string>? values = null) =>
        MemberTemplate.Render(With(values, "CentralAccountId", CentralAccount));

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string>? values, string key, string value)
    {
        var all = new Dictionary<string, string>(values ?? new Dictionary<string, string>()) { [key] = value };
        return all;
    }

    private static List<string> Strings(JsonNode? node) => node is JsonArray list ? [.. list.Select(n => n!.GetValue<string>())] : [node!.GetValue<string>()];

    [Fact]
    public void The_hook_is_off_by_default_in_both_templates()
    {
        var central = Central();
        var member = Member();
        Assert.All(CentralHookResources, id => Assert.False(central.Resources.ContainsKey(id), $"central.yaml creates {id} by default"));
        Assert.All(MemberHookResources, id => Assert.False(member.Resources.ContainsKey(id), $"member.yaml creates {id} by default"));
        Assert.Empty(member.OfType("AWS::CloudFormation::LambdaHook"));
        Assert.False(central.Outputs.ContainsKey("HookFunctionAlias"));
        Assert.Equal("false", CentralTemplate.Parameters["EnableDeployHookFunction"]!["Default"]!.GetValue<string>());
        Assert.Equal("false", MemberTemplate.Parameters["EnableDeployHook"]!["Default"]!.GetValue<string>());
        Assert.Equal("WARN", MemberTemplate.Parameters["DeployHookFailureMode"]!["Default"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("WARN")]
    [InlineData("FAIL")]
    public void On_the_member_hook_targets_group_creates_and_updates_and_calls_the_central_function(string mode)
    {
        var member = Member(new Dictionary<string, string> { ["EnableDeployHook"] = "true", ["DeployHookFailureMode"] = mode });
        Assert.All(MemberHookResources, id => Assert.True(member.Resources.ContainsKey(id), $"{id} is missing"));
        var hook = member.Properties("DeployHook");
        Assert.Equal(mode, hook["FailureMode"]!.GetValue<string>());
        Assert.Equal("ENABLED", hook["HookStatus"]!.GetValue<string>());
        Assert.Equal(["RESOURCE"], Strings(hook["TargetOperations"]));
        Assert.Equal(["CREATE", "UPDATE"], Strings(hook["TargetFilters"]!["Actions"]));
        Assert.Equal(["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"], Strings(hook["TargetFilters"]!["TargetNames"]));
        Assert.Equal(HookFunctionArn, hook["LambdaFunction"]!.GetValue<string>());
        Assert.Equal("getatt:HookInvocationRole.Arn", hook["ExecutionRole"]!.GetValue<string>());

        // The same hook as template.yaml's: the same targets and alias (one per account and Region, so never both).
        var single = CfnTemplate.Load(Repo("template.yaml")).Render(new Dictionary<string, string> { ["EnableDeployHook"] = "true", ["DeployHookFailureMode"] = mode })
            .Properties("DeployHook");
        foreach (var property in new[] { "Alias", "TargetOperations", "TargetFilters", "HookStatus", "FailureMode" })
        {
            Assert.Equal(single[property]!.ToJsonString(), hook[property]!.ToJsonString());
        }
    }

    [Fact]
    public void The_member_ARN_names_the_alias_central_yaml_creates()
    {
        var central = Central(new Dictionary<string, string> { ["EnableDeployHookFunction"] = "true", ["ConfigRuleName"] = "guard" });
        var member = Member(new Dictionary<string, string> { ["EnableDeployHook"] = "true", ["ConfigRuleName"] = "guard" });
        var function = central.Properties("HookFunction");
        var arn = $"arn:aws:lambda:{CfnTemplate.Region}:{CentralAccount}:function:{function["FunctionName"]!.GetValue<string>()}:{function["AutoPublishAlias"]!.GetValue<string>()}";
        Assert.Equal(arn, member.Properties("DeployHook")["LambdaFunction"]!.GetValue<string>());
        Assert.Equal("ref:HookFunction.Alias", central.Outputs["HookFunctionAlias"]!["Value"]!.GetValue<string>());
    }

    [Fact]
    public void The_member_invocation_role_may_invoke_that_one_function_and_only_the_Hooks_service_of_this_account_assumes_it()
    {
        var member = Member(new Dictionary<string, string> { ["EnableDeployHook"] = "true" });
        var role = member.Properties("HookInvocationRole");
        var trust = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("Allow", trust["Effect"]!.GetValue<string>());
        Assert.Equal("sts:AssumeRole", trust["Action"]!.GetValue<string>());
        Assert.Equal("hooks.cloudformation.amazonaws.com", trust["Principal"]!["Service"]!.GetValue<string>());
        Assert.Null(trust["Principal"]!["AWS"]);
        Assert.Equal(CfnTemplate.AccountId, trust["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());

        var granted = Assert.Single(role["Policies"]!.AsArray().SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()))!;
        Assert.Equal("Allow", granted["Effect"]!.GetValue<string>());
        Assert.Equal(["lambda:InvokeFunction"], Strings(granted["Action"]));
        Assert.Equal([HookFunctionArn], Strings(granted["Resource"]));
        Assert.Null(role["ManagedPolicyArns"]);
        // A fixed name under the member roles' SCP pattern (org/scp/protect-sg-config-rule.json; ScpTests checks it).
        Assert.Equal($"SgConfigRuleMember-hook-{CfnTemplate.Region}", role["RoleName"]!.GetValue<string>());
    }

    [Fact]
    public void On_central_yaml_lets_organization_accounts_invoke_the_hook_function_which_may_only_write_its_logs()
    {
        var central = Central(new Dictionary<string, string> { ["EnableDeployHookFunction"] = "true" });
        Assert.All(CentralHookResources, id => Assert.True(central.Resources.ContainsKey(id), $"{id} is missing"));

        var permission = central.Properties("HookInvokeFromOrganization");
        Assert.Equal("ref:HookFunction.Alias", permission["FunctionName"]!.GetValue<string>());
        Assert.Equal("lambda:InvokeFunction", permission["Action"]!.GetValue<string>());
        Assert.Equal("*", permission["Principal"]!.GetValue<string>());
        Assert.Equal(OrganizationId, permission["PrincipalOrgID"]!.GetValue<string>());
        // Every permission on the hook function is this one.
        Assert.Single(central.OfType("AWS::Lambda::Permission"), p => p.Resource["Properties"]!["FunctionName"]!.GetValue<string>().StartsWith("ref:HookFunction", StringComparison.Ordinal));

        var logs = Assert.Single(central.Statements("HookFunctionRole"), s => s["Action"]!.ToJsonString() != "\"sts:AssumeRole\"");
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], Strings(logs["Action"]));
        Assert.Equal("getatt:HookFunctionLogGroup.Arn", logs["Resource"]!.GetValue<string>());
        Assert.Equal("lambda.amazonaws.com", central.Properties("HookFunctionRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());

        var function = central.Properties("HookFunction");
        Assert.Equal(SgConfigRule.LambdaRuntime.LambdaHandlers.Hook, function["Handler"]!.GetValue<string>());
        Assert.Equal("getatt:HookFunctionRole.Arn", function["Role"]!.GetValue<string>());
        Assert.True(int.Parse(function["Timeout"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) < 30, "Hooks wait at most 30 seconds");
        Assert.Equal("/aws/lambda/sg-config-rule-hook", central.Properties("HookFunctionLogGroup")["LogGroupName"]!.GetValue<string>());
    }

    /// <summary>The whole organization may invoke it (as FloodingTests asks of the other central functions): a flood is seen.</summary>
    [Fact]
    public void Errors_and_throttles_of_the_hook_function_alarm_to_the_topic()
    {
        var central = Central(new Dictionary<string, string> { ["EnableDeployHookFunction"] = "true" });
        var alarms = central.OfType("AWS::CloudWatch::Alarm").Select(a => a.Resource["Properties"]!.AsObject())
            .Where(a => a["Dimensions"]![0]!["Value"]!.GetValue<string>() == "ref:HookFunction").ToList();
        Assert.Equal(["Errors", "Throttles"], alarms.Select(a => a["MetricName"]!.GetValue<string>()).Order());
        Assert.All(alarms, a => Assert.Equal(["ref:NotificationTopic"], Strings(a["AlarmActions"])));
        Assert.DoesNotContain(Central().OfType("AWS::CloudWatch::Alarm"), a => a.Id.StartsWith("HookFunction", StringComparison.Ordinal));
    }

    [Fact]
    public void The_hook_function_ships_in_the_rule_bundle_as_package_sh_expects()
    {
        var text = File.ReadAllText(Repo("org/central.yaml"));
        var hook = text[text.IndexOf("  HookFunction:\n", StringComparison.Ordinal)..];
        hook = hook[..hook.IndexOf("\n\n", StringComparison.Ordinal)];
        Assert.Contains("    Type: AWS::Serverless::Function\n", hook, StringComparison.Ordinal);
        Assert.Contains("      CodeUri: ..  # artifact: rule\n", hook, StringComparison.Ordinal);
        Assert.Contains("      Runtime: dotnet10\n", hook, StringComparison.Ordinal);
    }

    /// <summary>Central's policy parameters accept exactly what member.yaml's do, with the same defaults.</summary>
    [Fact]
    public void Central_takes_the_policy_parameters_as_member_yaml_does()
    {
        foreach (var name in TemplateTests.RuleParameterOf.Keys.Where(n => n != "FullRepostDays"))
        {
            var central = CentralTemplate.Parameters[name]!.AsObject();
            var member = MemberTemplate.Parameters[name]!.AsObject();
            foreach (var key in new[] { "Type", "Default", "AllowedPattern", "AllowedValues" })
            {
                Assert.Equal((name, key, member[key]?.ToJsonString()), (name, key, central[key]?.ToJsonString()));
            }
        }
    }

    public static TheoryData<string> Policies() =>
    [
        "{}",
        """{"BlockedPorts":"","AuthorizedTcpPorts":"80,443","SourceScope":"world"}""",
        """{"BlockedPorts":"22,3389,5432","AuthorizedUdpPorts":"53,123","SourceScope":"all","TrustedSources":"10.0.0.0/8,pl-0123456789abcdef0,sg-0123456789abcdef0","ExemptionTagKey":"security:exempt-until","MaxExemptionDays":"90","ScopeTagKey":"tier","ScopeTagValue":"web"}""",
        """{"ScopeTagKey":"aws:cloudformation:stack-name","ExemptionTagKey":"","MaxExemptionDays":""}""",
    ];

    /// <summary>
    /// Given the same values, central's hook function and the rule of the pack member.yaml deploys get the same policy
    /// (executionRoleName and fullRepostDays are how the rule reaches and reposts, not what it allows).
    /// </summary>
    [Theory]
    [MemberData(nameof(Policies))]
    public void The_hook_function_gets_the_policy_the_conformance_pack_rule_gets(string values)
    {
        var given = JsonNode.Parse(values)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var central = Central(new Dictionary<string, string>(given) { ["EnableDeployHookFunction"] = "true" });
        var member = Member(new Dictionary<string, string>(given) { ["EnableDeployHook"] = "true" });

        var pack = member.Properties("ConformancePack");
        var inputs = pack["ConformancePackInputParameters"]!.AsArray()
            .ToDictionary(p => p!["ParameterName"]!.GetValue<string>(), p => p!["ParameterValue"]!.GetValue<string>());
        var rule = CfnTemplate.Parse(pack["TemplateBody"]!.GetValue<string>(), "TemplateBody of org/member.yaml").Render(inputs).Properties("ConfigRule");
        var rulePolicy = ParameterParser.Parse(rule["InputParameters"]!.ToJsonString()).ToInputParameters()
            .Where(p => p.Key is not (ParameterNames.ExecutionRoleName or ParameterNames.FullRepostDays));

        var hookJson = central.Properties("HookFunction")["Environment"]!["Variables"]![HookFunction.ParametersVariable]!.GetValue<string>();
        Assert.Equal(rulePolicy, ParameterParser.Parse(hookJson).ToInputParameters());
    }

    [Theory]
    [InlineData("org/member.yaml")]
    [InlineData("org/central.yaml")]
    public void The_linter_checks_the_hook_resources_of_the_organization_templates(string file)
    {
        var text = File.ReadAllText(Repo(file));
        var dir = Directory.CreateTempSubdirectory("sgcr-orghook-lint-").FullName;
        try
        {
            // The good template is linted by LintTests; here a misspelt property of the hook's resources must be caught.
            var (good, bad) = file == "org/member.yaml"
                ? ("      FailureMode: !Ref DeployHookFailureMode\n", "      FailureMod: !Ref DeployHookFailureMode\n")
                : ("      PrincipalOrgID: !Ref OrganizationId\n\n  # Evaluations", "      PrincipalOrgId: !Ref OrganizationId\n\n  # Evaluations");
            Assert.Contains(good, text, StringComparison.Ordinal);
            var broken = Path.Combine(dir, "broken.yaml");
            File.WriteAllText(broken, text.Replace(good, bad, StringComparison.Ordinal));
            var result = LintTests.Lint(broken);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(bad.Trim().Split(':')[0], result.All, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
