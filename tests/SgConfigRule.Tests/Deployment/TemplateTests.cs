using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// template.yaml rendered for several parameter sets: the rule's InputParameters and the remediation's RuleParameters
/// are the same policy, every rule parameter is reachable, the scope, mode and SnapStart options do what they say,
/// and the embedded document is the canonical one.
/// </summary>
public sealed class TemplateTests
{
    internal static readonly string TemplatePath = Path.Combine(TestData.RepositoryRoot, "template.yaml");
    private static readonly CfnTemplate Template = CfnTemplate.Load(TemplatePath);

    /// <summary>Template parameter → rule parameter key. Every key the policy core accepts is here but executionRoleName (organization mode only).</summary>
    internal static readonly IReadOnlyDictionary<string, string> RuleParameterOf = new Dictionary<string, string>
    {
        ["BlockedPorts"] = ParameterNames.BlockedPorts,
        ["AuthorizedTcpPorts"] = ParameterNames.AuthorizedTcpPorts,
        ["AuthorizedUdpPorts"] = ParameterNames.AuthorizedUdpPorts,
        ["SourceScope"] = ParameterNames.SourceScope,
        ["TrustedSources"] = ParameterNames.TrustedSources,
        ["ExemptionTagKey"] = ParameterNames.ExemptionTagKey,
        ["MaxExemptionDays"] = ParameterNames.MaxExemptionDays,
        ["ScopeTagKey"] = ParameterNames.ScopeTagKey,
        ["ScopeTagValue"] = ParameterNames.ScopeTagValue,
        ["FullRepostDays"] = ParameterNames.FullRepostDays,
    };

    public static TheoryData<string> Scenarios() => [.. ScenarioValues.Keys];

    private static readonly Dictionary<string, Dictionary<string, string>> ScenarioValues = new()
    {
        ["defaults"] = [],
        ["allow list, world only"] = new() { ["BlockedPorts"] = "", ["AuthorizedTcpPorts"] = "80,443", ["SourceScope"] = "world" },
        ["everything set"] = new()
        {
            ["BlockedPorts"] = "22,3389,5432,6379,9200-9300",
            ["AuthorizedUdpPorts"] = "53,123",
            ["SourceScope"] = "all",
            ["TrustedSources"] = "10.0.0.0/8,2001:db8::/32,pl-0123456789abcdef0,sg-0123456789abcdef0",
            ["ExemptionTagKey"] = "security:exempt-until",
            ["MaxExemptionDays"] = "90",
            ["ScopeTagKey"] = "tier",
            ["ScopeTagValue"] = "web",
            ["FullRepostDays"] = "30",
        },
        ["scope key only, exemptions off"] = new() { ["ScopeTagKey"] = "aws:cloudformation:stack-name", ["ExemptionTagKey"] = "" },
    };

    /// <summary>
    /// The stack's rule gets the policy as InputParameters; the remediation names the rule, and the revoke function
    /// (run against a loopback AWS Config holding the rendered rule) applies exactly that policy.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_rule_and_the_remediation_apply_the_same_policy(string scenario)
    {
        var stack = Template.Render(ScenarioValues[scenario]);
        var expectedJson = new JsonObject();
        foreach (var (templateName, key) in RuleParameterOf)
        {
            if (stack.Parameters[templateName].Length > 0 || key is ParameterNames.BlockedPorts or ParameterNames.ExemptionTagKey)
            {
                expectedJson[key] = stack.Parameters[templateName];
            }
        }
        var expected = ParameterParser.Parse(expectedJson.ToJsonString()).ToInputParameters();

        var inputParameters = stack.Properties("ConfigRule")["InputParameters"]!.ToJsonString();
        Assert.True(inputParameters.Length <= 1024, "InputParameters over AWS Config's 1024 characters");
        Assert.Equal(expected, ParameterParser.Parse(inputParameters).ToInputParameters());

        var remediation = stack.Properties("Remediation")["Parameters"]!.AsObject();
        Assert.False(remediation.ContainsKey("RuleParameters"), "the policy must come from the rule, not from a copy");
        var ruleName = remediation["ConfigRuleName"]!["StaticValue"]!["Values"]!.AsArray().Single()!.GetValue<string>();
        Assert.Equal("ref:ConfigRule", ruleName);

        // What the revoke function makes of it: the rule as AWS Config would return it, through the wire.
        await using var harness = await Remediation.RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var deployedName = stack.Parameters["ConfigRuleName"];
        harness.Server.Config.PutConfigRule(new FakeAws.Config.FakeConfigRule(deployedName, inputParameters, "arn:aws:lambda:eu-west-1:111122223333:function:sg-config-rule-rule:live"));
        var outcome = await harness.RunAsync(mode: "DryRun", configRuleName: deployedName);
        Assert.NotEqual(SgConfigRule.Remediation.RemediationStatus.Failed, outcome.Status);
        var policyLine = outcome.Text.Split('\n').Single(l => l.TrimStart().StartsWith("Policy:", StringComparison.Ordinal));
        Assert.EndsWith(string.Join(", ", expected.Select(p => $"{p.Key}={p.Value}")), policyLine.TrimEnd());
    }

    [Fact]
    public void Every_rule_parameter_but_the_organization_role_is_a_template_parameter()
    {
        Assert.Equal(ParameterNames.All.Where(k => k != ParameterNames.ExecutionRoleName).Order(), RuleParameterOf.Values.Order());
        Assert.All(RuleParameterOf.Keys, name => Assert.True(Template.Parameters.ContainsKey(name), $"template.yaml lacks parameter {name}"));
        // And nothing else reaches InputParameters: its keys are exactly the mapped ones.
        var keys = Template.Resources["ConfigRule"]!["Properties"]!["InputParameters"]!.AsObject().Select(p => p.Key);
        Assert.Equal(RuleParameterOf.Values.Order(), keys.Order());
    }

    [Fact]
    public void The_rule_is_scoped_to_security_groups_or_to_the_scope_tag()
    {
        var byType = Template.Render().Properties("ConfigRule")["Scope"]!.AsObject();
        Assert.Equal("""{"ComplianceResourceTypes":["AWS::EC2::SecurityGroup"]}""", byType.ToJsonString());

        var byTag = Template.Render(new Dictionary<string, string> { ["ScopeTagKey"] = "tier", ["ScopeTagValue"] = "web" }).Properties("ConfigRule")["Scope"]!;
        Assert.Equal("""{"TagKey":"tier","TagValue":"web"}""", byTag.ToJsonString());
        var anyValue = Template.Render(new Dictionary<string, string> { ["ScopeTagKey"] = "tier" }).Properties("ConfigRule")["Scope"]!;
        Assert.Equal("""{"TagKey":"tier"}""", anyValue.ToJsonString());
    }

    [Fact]
    public void The_rule_is_triggered_by_changes_oversized_changes_and_the_schedule()
    {
        var source = Template.Render(new Dictionary<string, string> { ["EvaluationFrequency"] = "Six_Hours" }).Properties("ConfigRule")["Source"]!;
        Assert.Equal("CUSTOM_LAMBDA", source["Owner"]!.GetValue<string>());
        Assert.Equal("ref:RuleFunction.Alias", source["SourceIdentifier"]!.GetValue<string>());
        var details = source["SourceDetails"]!.AsArray().Select(d => d!.ToJsonString()).ToList();
        Assert.Equal(
        [
            """{"EventSource":"aws.config","MessageType":"ConfigurationItemChangeNotification"}""",
            """{"EventSource":"aws.config","MessageType":"OversizedConfigurationItemChangeNotification"}""",
            """{"EventSource":"aws.config","MessageType":"ScheduledNotification","MaximumExecutionFrequency":"Six_Hours"}""",
        ], details);
    }

    [Theory]
    [InlineData("Revoke")]
    [InlineData("DryRun")]
    [InlineData("Off")]
    public void The_remediation_mode_stages_the_rollout(string mode)
    {
        var stack = Template.Render(new Dictionary<string, string> { ["RemediationMode"] = mode });
        if (mode == "Off")
        {
            Assert.False(stack.Resources.ContainsKey("Remediation"));
            Assert.True(stack.Resources.ContainsKey("ConfigRule"));
            return;
        }
        var remediation = stack.Properties("Remediation");
        Assert.Equal(mode, Static(remediation, "Mode"));
        Assert.Equal("true", remediation["Automatic"]!.GetValue<string>());
        Assert.Equal("SSM_DOCUMENT", remediation["TargetType"]!.GetValue<string>());
        Assert.Equal("ref:RemediationDocument", remediation["TargetId"]!.GetValue<string>());
        Assert.Equal("getatt:AutomationRole.Arn", Static(remediation, "AutomationAssumeRole"));
        Assert.Equal("getatt:RevokeFunction.Arn", Static(remediation, "FunctionName"));
        Assert.Equal("live", Static(remediation, "FunctionQualifier"));
        Assert.Equal("""{"ResourceValue":{"Value":"RESOURCE_ID"}}""", remediation["Parameters"]!["SecurityGroupId"]!.ToJsonString());
        Assert.Equal("ConfigRule", stack.Resource("Remediation")["DependsOn"]!.GetValue<string>());
        // The revoke function takes the policy only from this stack's rule.
        Assert.Equal(stack.Properties("ConfigRule")["ConfigRuleName"]!.GetValue<string>(),
            stack.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_CONFIG_RULE_NAME"]!.GetValue<string>());
    }

    [Fact]
    public void The_remediation_passes_only_parameters_the_document_declares()
    {
        var document = CfnTemplate.ToJson(LoadYaml(CanonicalDocumentPath)).AsObject();
        var declared = document["parameters"]!.AsObject().Select(p => p.Key).ToHashSet();
        var passed = Template.Render().Properties("Remediation")["Parameters"]!.AsObject();
        Assert.All(passed, p => Assert.Contains(p.Key, declared));
        // Required (no default) document parameters are all given.
        var required = document["parameters"]!.AsObject().Where(p => p.Value!["default"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.True(passed.ContainsKey(name), $"the remediation does not pass the required parameter {name}"));
        Assert.True(passed.Count <= 25, "AWS Config takes at most 25 remediation parameters");
    }

    [Fact]
    public void The_embedded_document_is_the_canonical_one()
    {
        var check = ProcessRunner.Run("python3", [Path.Combine(TestData.RepositoryRoot, "tools", "embed-document.py"), "--check"]);
        Assert.True(check.ExitCode == 0, check.All);

        var canonical = CfnTemplate.ToJson(LoadYaml(CanonicalDocumentPath));
        var embedded = Template.Resources["RemediationDocument"]!["Properties"]!["Content"]!;
        Assert.True(JsonNode.DeepEquals(canonical, embedded), "the document in template.yaml differs from automation/sg-config-rule-remediation.yaml");
        var properties = Template.Render().Properties("RemediationDocument");
        Assert.Equal("Automation", properties["DocumentType"]!.GetValue<string>());
        Assert.Equal("YAML", properties["DocumentFormat"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("true", "PublishedVersions")]
    [InlineData("false", "None")]
    public void SnapStart_is_an_option_and_AWS_Config_always_calls_the_alias(string enabled, string applyOn)
    {
        var stack = Template.Render(new Dictionary<string, string> { ["EnableSnapStart"] = enabled, ["Architecture"] = "arm64" });
        foreach (var id in new[] { "RuleFunction", "RevokeFunction" })
        {
            var function = stack.Properties(id);
            Assert.Equal(applyOn, function["SnapStart"]!["ApplyOn"]!.GetValue<string>());
            Assert.Equal("live", function["AutoPublishAlias"]!.GetValue<string>());
            Assert.Equal("dotnet10", function["Runtime"]!.GetValue<string>());
            Assert.Equal("""["arm64"]""", function["Architectures"]!.ToJsonString());
        }
        Assert.Equal("ref:RuleFunction.Alias", stack.Properties("RuleInvokePermission")["FunctionName"]!.GetValue<string>());
    }

    [Fact]
    public void The_sample_web_server_group_opens_only_HTTPS_and_only_when_asked()
    {
        Assert.False(Template.Render().Resources.ContainsKey("WebServerSecurityGroup"));
        var stack = Template.Render(new Dictionary<string, string> { ["CreateSampleSecurityGroup"] = "true" });
        var group = stack.Properties("WebServerSecurityGroup");
        Assert.Equal("Web Server Security Group", group["GroupDescription"]!.GetValue<string>());
        var ingress = group["SecurityGroupIngress"]!.AsArray();
        Assert.Equal(2, ingress.Count);
        Assert.All(ingress, rule => Assert.Equal(("tcp", "443", "443"),
            (rule!["IpProtocol"]!.GetValue<string>(), rule["FromPort"]!.GetValue<string>(), rule["ToPort"]!.GetValue<string>())));
        Assert.Equal(["0.0.0.0/0", "::/0"], ingress.Select(r => (r!["CidrIp"] ?? r["CidrIpv6"])!.GetValue<string>()));
        Assert.False(group.ContainsKey("VpcId"));
        Assert.True(stack.Outputs.ContainsKey("WebServerSecurityGroupId"));
    }

    [Fact]
    public void The_notifications_are_encrypted_and_the_email_subscription_is_optional()
    {
        var stack = Template.Render();
        Assert.Equal("alias/aws/sns", stack.Properties("NotificationTopic")["KmsMasterKeyId"]!.GetValue<string>());
        Assert.False(stack.Resources.ContainsKey("EmailSubscription"));

        const string key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var withKey = Template.Render(new Dictionary<string, string> { ["TopicKmsKeyArn"] = key, ["NotificationEmail"] = "secops@example.com" });
        Assert.Equal(key, withKey.Properties("NotificationTopic")["KmsMasterKeyId"]!.GetValue<string>());
        Assert.Equal("email", withKey.Properties("EmailSubscription")["Protocol"]!.GetValue<string>());
        Assert.Equal("secops@example.com", withKey.Properties("EmailSubscription")["Endpoint"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("NotificationEmail", "not an address")]
    [InlineData("BlockedPorts", "22;rm -rf /")]
    [InlineData("ExemptionTagKey", "quote\"injection")]
    [InlineData("TrustedSources", "10.0.0.0/8\",\"x\":\"y")]
    public void Parameters_that_would_break_the_JSON_or_the_policy_are_refused_by_their_pattern(string parameter, string value) =>
        Assert.Throws<ArgumentException>(() => Template.Render(new Dictionary<string, string> { [parameter] = value }));

    [Fact]
    public void The_log_groups_keep_logs_for_the_retention_chosen()
    {
        var stack = Template.Render(new Dictionary<string, string> { ["LogRetentionDays"] = "30", ["ConfigRuleName"] = "sg-guard" });
        Assert.Equal("/aws/lambda/sg-guard-rule", stack.Properties("RuleFunctionLogGroup")["LogGroupName"]!.GetValue<string>());
        Assert.Equal("/aws/lambda/sg-guard-revoke", stack.Properties("RevokeFunctionLogGroup")["LogGroupName"]!.GetValue<string>());
        Assert.Equal("sg-guard-rule", stack.Properties("RuleFunction")["FunctionName"]!.GetValue<string>());
        Assert.Equal("sg-guard-revoke", stack.Properties("RevokeFunction")["FunctionName"]!.GetValue<string>());
        Assert.All(new[] { "RuleFunctionLogGroup", "RevokeFunctionLogGroup" },
            id => Assert.Equal("30", stack.Properties(id)["RetentionInDays"]!.GetValue<string>()));
    }

    internal static string CanonicalDocumentPath => Path.Combine(TestData.RepositoryRoot, "automation", "sg-config-rule-remediation.yaml");

    internal static YamlNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Single().RootNode;
    }

    private static string Static(JsonObject remediation, string parameter) =>
        remediation["Parameters"]![parameter]!["StaticValue"]!["Values"]!.AsArray().Single()!.GetValue<string>();

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
