using System.Text.Json.Nodes;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// org/: the conformance pack holds only what packs allow and passes every rule parameter; org/member.yaml embeds
/// it with a literal automation role and per-Region role names; and the three templates agree on every name and
/// ARN they use to find each other (functions, roles, topic, key, document).
/// </summary>
public sealed class OrganizationTemplateTests
{
    private static string Repo(string file) => Path.Combine(TestData.RepositoryRoot, file);

    private static readonly CfnTemplate Pack = CfnTemplate.Load(Repo("org/conformance-pack.yaml"));
    private const string Central = "999988887777";

    private static CfnTemplate.Rendered Member(IReadOnlyDictionary<string, string>? values = null)
    {
        var all = new Dictionary<string, string> { ["CentralAccountId"] = Central };
        foreach (var (k, v) in values ?? new Dictionary<string, string>()) all[k] = v;
        return CfnTemplate.Load(Repo("org/member.yaml")).Render(all);
    }

    /// <summary>The pack as the member stack hands it to AWS Config: its TemplateBody and input parameters, rendered.</summary>
    private static CfnTemplate.Rendered PackFromMember(CfnTemplate.Rendered member)
    {
        var properties = member.Properties("ConformancePack");
        var body = properties["TemplateBody"]!.GetValue<string>();
        var inputs = properties["ConformancePackInputParameters"]!.AsArray()
            .ToDictionary(p => p!["ParameterName"]!.GetValue<string>(), p => p!["ParameterValue"]!.GetValue<string>());
        return CfnTemplate.Parse(body, "TemplateBody of org/member.yaml").Render(inputs);
    }

    [Fact]
    public void The_pack_holds_only_a_rule_and_its_remediation_and_string_parameters()
    {
        Assert.Equal(["AWS::Config::ConfigRule", "AWS::Config::RemediationConfiguration"],
            Pack.Resources.Select(r => r.Value!["Type"]!.GetValue<string>()).Order());
        Assert.All(Pack.Parameters, p => Assert.Equal("String", p.Value!["Type"]!.GetValue<string>()));
        Assert.True(File.ReadAllBytes(Repo("org/conformance-pack.yaml")).Length <= 51_200, "TemplateBody is limited to 51,200 bytes");
    }

    [Fact]
    public void The_pack_passes_every_parameter_the_policy_core_accepts()
    {
        var keys = Pack.Resources["ConfigRule"]!["Properties"]!["InputParameters"]!.AsObject().Select(p => p.Key);
        Assert.Equal(ParameterNames.All.Order(), keys.Order());
        foreach (var (templateName, _) in TemplateTests.RuleParameterOf)
        {
            Assert.True(Pack.Parameters.ContainsKey(templateName), $"the pack lacks parameter {templateName}");
        }
    }

    [Fact]
    public void The_member_stack_gives_the_pack_a_literal_automation_role_and_its_per_Region_roles()
    {
        var pack = PackFromMember(Member());
        var remediation = pack.Properties("Remediation")["Parameters"]!;
        var role = remediation["AutomationAssumeRole"]!["StaticValue"]!["Values"]!.AsArray().Single()!;
        Assert.Equal(System.Text.Json.JsonValueKind.String, role.GetValueKind());
        Assert.Equal($"arn:aws:iam::{CfnTemplate.AccountId}:role/SgConfigRuleAutomation-{CfnTemplate.Region}", role.GetValue<string>());
        // In the text AWS Config receives it is a plain string, not an intrinsic function.
        var rawRole = CfnTemplate.Parse(Member().Properties("ConformancePack")["TemplateBody"]!.GetValue<string>(), "body")
            .Resources["Remediation"]!["Properties"]!["Parameters"]!["AutomationAssumeRole"]!["StaticValue"]!["Values"]![0]!;
        Assert.Equal($"arn:aws:iam::{CfnTemplate.AccountId}:role/SgConfigRuleAutomation-{CfnTemplate.Region}", Assert.IsAssignableFrom<JsonValue>(rawRole).GetValue<string>());

        // Each central function acts through its own member role: the rule evaluates, the revoke remediates.
        Assert.Equal($$"""{"executionRoleName":"SgConfigRuleRemediation-{{CfnTemplate.Region}}"}""",
            remediation["RuleParameters"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());
        Assert.Equal($"SgConfigRuleMember-{CfnTemplate.Region}",
            pack.Properties("ConfigRule")["InputParameters"]!["executionRoleName"]!.GetValue<string>());
        Assert.Equal("sg-config-rule", remediation["ConfigRuleName"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Revoke")]
    [InlineData("DryRun")]
    [InlineData("Off")]
    public void Each_OU_can_have_its_own_mode_and_policy(string mode)
    {
        var values = new Dictionary<string, string>
        {
            ["RemediationMode"] = mode,
            ["BlockedPorts"] = "22,3389,5432",
            ["TrustedSources"] = "10.0.0.0/8,pl-0123456789abcdef0",
            ["ScopeTagKey"] = "tier",
            ["MaxExemptionDays"] = "30",
            ["FullRepostDays"] = "14",
        };
        var pack = PackFromMember(Member(values));
        var input = ParameterParser.Parse(pack.Properties("ConfigRule")["InputParameters"]!.ToJsonString());
        Assert.Equal("22,3389,5432", input.BlockedPorts.ToString());
        Assert.Equal(30, input.MaxExemptionDays);
        Assert.Equal(14, input.FullRepostDays);
        Assert.Equal("tier", input.ScopeTagKey);
        Assert.Equal("""{"TagKey":"tier"}""", pack.Properties("ConfigRule")["Scope"]!.ToJsonString());
        if (mode == "Off")
        {
            Assert.False(pack.Resources.ContainsKey("Remediation"));
            return;
        }
        Assert.Equal(mode, pack.Properties("Remediation")["Parameters"]!["Mode"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());
        Assert.False(Member(new Dictionary<string, string> { ["DeployConformancePack"] = "false" }).Resources.ContainsKey("ConformancePack"));
    }

    [Fact]
    public void Every_parameter_the_member_stack_passes_exists_in_the_pack_and_none_it_needs_is_missing()
    {
        var given = Member().Properties("ConformancePack")["ConformancePackInputParameters"]!.AsArray()
            .Select(p => p!["ParameterName"]!.GetValue<string>()).ToHashSet();
        Assert.All(given, name => Assert.True(Pack.Parameters.ContainsKey(name), $"the pack has no parameter {name}"));
        Assert.All(Pack.Parameters.Where(p => p.Value!["Default"] is null), p => Assert.Contains(p.Key, given));
        Assert.True(given.Count <= 60, "ConformancePackInputParameters holds at most 60 items");
    }

    [Fact]
    public void The_three_templates_agree_on_every_name_they_find_each_other_by()
    {
        var central = CfnTemplate.Load(Repo("org/central.yaml")).Render(new Dictionary<string, string> { ["OrganizationId"] = "o-a1b2c3d4e5" });
        var member = Member();
        var pack = PackFromMember(member);

        // AWS Config invokes the central rule function's alias; the document the central revoke function's alias.
        var ruleFunction = central.Properties("RuleFunction")["FunctionName"]!.GetValue<string>();
        Assert.Equal($"arn:aws:lambda:{CfnTemplate.Region}:{Central}:function:{ruleFunction}:live",
            pack.Properties("ConfigRule")["Source"]!["SourceIdentifier"]!.GetValue<string>());
        var revokeFunction = central.Properties("RevokeFunction")["FunctionName"]!.GetValue<string>();
        var remediation = pack.Properties("Remediation")["Parameters"]!;
        Assert.Equal($"arn:aws:lambda:{CfnTemplate.Region}:{Central}:function:{revokeFunction}", remediation["FunctionName"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());
        Assert.Equal("live", remediation["FunctionQualifier"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());

        var automation = member.Statements("AutomationRole");
        Assert.Contains($"arn:aws:lambda:{CfnTemplate.Region}:{Central}:function:{revokeFunction}:live", automation.SelectMany(s => IamPolicyTests.List(s["Resource"])));

        // The topic: the central function publishes (told where by its environment); the document is given no topic
        // and its role may publish nowhere. A failed execution reaches the central bus the member rule forwards to.
        Assert.False(remediation.AsObject().ContainsKey("TopicArn"));
        Assert.Equal("ref:NotificationTopic", central.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_NOTIFICATION_TOPIC_ARN"]!.GetValue<string>());
        Assert.DoesNotContain(automation.SelectMany(s => IamPolicyTests.List(s["Action"])), a => a.StartsWith("sns:", StringComparison.Ordinal) || a.StartsWith("kms:", StringComparison.Ordinal));
        var bus = central.Properties("MemberFailuresBus")["Name"]!.GetValue<string>();
        var busArn = $"arn:aws:events:{CfnTemplate.Region}:{Central}:event-bus/{bus}";
        Assert.Equal(busArn, member.Properties("MemberFailuresForward")["Targets"]![0]!["Arn"]!.GetValue<string>());
        Assert.Equal([busArn], member.Statements("MemberFailuresForwardRole").SelectMany(s => IamPolicyTests.List(s["Resource"])));

        // Each member role trusts exactly one central function role, and each central role may assume exactly that one.
        foreach (var (memberId, centralId) in new[] { ("MemberRole", "RuleFunctionRole"), ("RemediationMemberRole", "RevokeFunctionRole") })
        {
            var trust = member.Properties(memberId)["AssumeRolePolicyDocument"]!["Statement"]![0]!;
            Assert.Equal([$"arn:aws:iam::{Central}:role/{central.Properties(centralId)["RoleName"]!.GetValue<string>()}"],
                IamPolicyTests.List(trust["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]));
            var roleName = member.Properties(memberId)["RoleName"]!.GetValue<string>();
            Assert.Contains(central.Statements(centralId), s => IamPolicyTests.List(s["Resource"]).SequenceEqual([$"arn:aws:iam::*:role/{roleName}"]));
        }
        // The rule's executionRoleName names the rule's member role; the remediation's, the remediation's.
        Assert.Equal(member.Properties("MemberRole")["RoleName"]!.GetValue<string>(), pack.Properties("ConfigRule")["InputParameters"]!["executionRoleName"]!.GetValue<string>());
        Assert.Contains(member.Properties("RemediationMemberRole")["RoleName"]!.GetValue<string>(), remediation["RuleParameters"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());
        // The rule's member role cannot revoke; the remediation's cannot post evaluations.
        Assert.DoesNotContain(member.Statements("MemberRole").SelectMany(s => IamPolicyTests.List(s["Action"])), a => a.StartsWith("ec2:Revoke", StringComparison.Ordinal) || a == "ec2:CreateTags");
        Assert.DoesNotContain(member.Statements("RemediationMemberRole").SelectMany(s => IamPolicyTests.List(s["Action"])), a => a == "config:PutEvaluations");

        // The document the pack targets is the one the member stack creates, the one the revoke function checks for, and
        // the one whose failed executions both failure rules match.
        var document = member.Properties("RemediationDocument")["Name"]!.GetValue<string>();
        Assert.Equal([document], IamPolicyTests.List(member.Properties("MemberFailuresForward")["EventPattern"]!["detail"]!["Definition"]));
        Assert.Equal([document], IamPolicyTests.List(central.Properties("MemberFailuresRule")["EventPattern"]!["detail"]!["Definition"]));
        Assert.Equal(document, pack.Properties("Remediation")["TargetId"]!.GetValue<string>());
        Assert.Equal(document, central.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_REMEDIATION_DOCUMENT"]!.GetValue<string>());
        Assert.Equal("true", central.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_REQUIRE_AUTOMATION_EXECUTION"]!.GetValue<string>());
        // The policy comes only from the pack's rule: pinned by name, and only a rule a conformance pack deployed.
        Assert.Equal(pack.Properties("ConfigRule")["ConfigRuleName"]!.GetValue<string>(),
            central.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_CONFIG_RULE_NAME"]!.GetValue<string>());
        Assert.Equal("true", central.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_REQUIRE_CONFORMANCE_PACK_RULE"]!.GetValue<string>());
    }

    /// <summary>
    /// Templates given inline (--template-body, or `aws cloudformation deploy` without a bucket) are limited to 51,200
    /// bytes; the organization's are given that way (StackSets, the delegated administrator's console).
    /// </summary>
    [Theory]
    [InlineData("org/member.yaml")]
    [InlineData("org/central.yaml")]
    [InlineData("org/conformance-pack.yaml")]
    public void Every_template_can_be_given_inline(string file) =>
        Assert.True(new FileInfo(Repo(file)).Length <= 51_200, $"{file} is {new FileInfo(Repo(file)).Length} bytes");

    /// <summary>
    /// template.yaml (the document, the hook and the fast path) is past the inline limit: every documented
    /// `aws cloudformation deploy` of it uploads it to the artifact bucket, where CloudFormation takes up to 1 MB.
    /// </summary>
    [Fact]
    public void The_single_account_template_is_deployed_through_the_bucket()
    {
        Assert.True(new FileInfo(Repo("template.yaml")).Length <= 1_048_576);
        var deploys = Directory.GetFiles(Repo("docs"), "*.md").Append(Repo("README.md"))
            .SelectMany(file => System.Text.RegularExpressions.Regex.Matches(
                    File.ReadAllText(file).Replace("\\\n", " ", StringComparison.Ordinal), @"aws cloudformation deploy [^\n`]*")
                .Select(m => (File: Path.GetFileName(file), Command: m.Value)))
            .Where(d => d.Command.Contains("--stack-name sg-config-rule ", StringComparison.Ordinal))
            .ToList();
        Assert.True(deploys.Count >= 3, string.Join('\n', deploys));
        Assert.All(deploys, d => Assert.True(d.Command.Contains("--s3-bucket", StringComparison.Ordinal), $"{d.File}: {d.Command}"));
    }

    [Fact]
    public void The_member_copies_of_the_document_and_the_pack_are_current()
    {
        var check = ProcessRunner.Run("python3", [Repo("tools/embed-document.py"), "--check"]);
        Assert.True(check.ExitCode == 0, check.All);
        var canonical = CfnTemplate.ToJson(TemplateTests.LoadYaml(TemplateTests.CanonicalDocumentPath));
        var embedded = CfnTemplate.Load(Repo("org/member.yaml")).Resources["RemediationDocument"]!["Properties"]!["Content"]!;
        Assert.True(JsonNode.DeepEquals(canonical, embedded));
    }
}
