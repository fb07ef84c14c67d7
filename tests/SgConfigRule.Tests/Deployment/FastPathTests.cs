using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Remediation;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// The fast path: EventBridge rules on CloudTrail's API-call events that start the remediation document. The patterns
/// are checked against CloudTrail records (tests/data/recorded/cloudtrail, with what is real and what derived), the
/// input transformer's output is fed to the document's step runner, and the web server scenario is reverted by it.
/// </summary>
public sealed class FastPathTests
{
    private static readonly CfnTemplate Template = CfnTemplate.Load(TemplateTests.TemplatePath);
    private static readonly Dictionary<string, string> Revoke = new() { ["RemediationMode"] = "Revoke" };

    /// <summary>What the stack would have created, for runs of the document (its parameters check ARN shapes).</summary>
    private static readonly Dictionary<string, string> Created = new()
    {
        ["Ref ConfigRule"] = "sg-config-rule",
        ["GetAtt AutomationRole.Arn"] = $"arn:aws:iam::{CfnTemplate.AccountId}:role/sg-config-rule-AutomationRole-1A2B3C4D5E6F",
        ["GetAtt RevokeFunction.Arn"] = $"arn:aws:lambda:{CfnTemplate.Region}:{CfnTemplate.AccountId}:function:sg-config-rule-revoke",
        ["Ref NotificationTopic"] = $"arn:aws:sns:{CfnTemplate.Region}:{CfnTemplate.AccountId}:sg-config-rule-NotificationTopic-AbCdEf123456",
    };

    private static JsonObject Record(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.Root, "recorded", "cloudtrail", file)))!.AsObject();

    private static JsonObject Stratus => Record("stratus-red-team__AuthorizeSecurityGroupIngress.json");

    /// <summary>
    /// A CloudTrail record as EventBridge delivers it: the envelope of AWS's documented example
    /// (awsdocs-eventbridge-ug__CreateBucket__eventbridge-envelope.json) around the record.
    /// </summary>
    private static JsonObject Envelope(JsonObject record)
    {
        var envelope = Record("awsdocs-eventbridge-ug__CreateBucket__eventbridge-envelope.json");
        envelope["id"] = Guid.NewGuid().ToString();
        envelope["source"] = "aws." + record["eventSource"]!.GetValue<string>().Split('.')[0];
        envelope["account"] = (record["recipientAccountId"] ?? record["userIdentity"]!["accountId"])!.GetValue<string>();
        envelope["time"] = record["eventTime"]!.GetValue<string>();
        envelope["region"] = record["awsRegion"]!.GetValue<string>();
        envelope["detail"] = record.DeepClone();
        return envelope;
    }

    private static (JsonObject Pattern, JsonObject Target) Rule(CfnTemplate.Rendered stack, string id)
    {
        var properties = stack.Properties(id);
        return (properties["EventPattern"]!.AsObject(), properties["Targets"]!.AsArray().Single()!.AsObject());
    }

    private static JsonObject Input(JsonObject target, JsonObject evt) => JsonNode.Parse(EventBridgeRules.Transform(
        target["InputTransformer"]!["InputPathsMap"]!.AsObject(), target["InputTransformer"]!["InputTemplate"]!.GetValue<string>(), evt))!.AsObject();

    [Fact]
    public void The_envelope_the_tests_use_is_the_documented_one()
    {
        var documented = Record("awsdocs-eventbridge-ug__CreateBucket__eventbridge-envelope.json");
        var rebuilt = Envelope(documented["detail"]!.AsObject());
        rebuilt["id"] = documented["id"]!.DeepClone();
        Assert.True(JsonNode.DeepEquals(documented, rebuilt), rebuilt.ToJsonString());
    }

    [Fact]
    public void A_recorded_AuthorizeSecurityGroupIngress_matches_and_yields_the_document_input()
    {
        var stack = Template.Render(Revoke);
        var (authorize, target) = Rule(stack, "FastPathOnAuthorize");
        var (modify, _) = Rule(stack, "FastPathOnModify");
        var evt = Envelope(Stratus);
        Assert.True(EventBridgeRules.Matches(authorize, evt));
        Assert.False(EventBridgeRules.Matches(modify, evt));

        var input = Input(target, evt);
        Assert.Equal("""["sg-003dc7f1f1c686164"]""", input["SecurityGroupId"]!.ToJsonString());
        Assert.Equal("""["Revoke"]""", input["Mode"]!.ToJsonString());
        Assert.Equal("""["ref:ConfigRule"]""", input["ConfigRuleName"]!.ToJsonString());
        // Every value is a list of strings naming a document parameter: what an Automation target takes.
        var document = CfnTemplate.ToJson(TemplateTests.LoadYaml(TemplateTests.CanonicalDocumentPath))["parameters"]!.AsObject();
        Assert.All(input, p =>
        {
            Assert.True(document.ContainsKey(p.Key), $"the document has no parameter {p.Key}");
            Assert.IsType<string>(Assert.Single(p.Value!.AsArray())!.GetValue<string>());
        });
        Assert.Equal($"arn:aws:ssm:{CfnTemplate.Region}:{CfnTemplate.AccountId}:automation-definition/ref:RemediationDocument:$DEFAULT", target["Arn"]!.GetValue<string>());
    }

    public static TheoryData<string> Negatives() =>
    [
        "recorded: a successful EC2 call that changes no group (TerminateInstances)",
        "recorded: an S3 API call (CreateBucket)",
        "derived: the Authorize record, failed (errorCode, no response)",
        "derived: the Authorize record as a RevokeSecurityGroupIngress (the remediation's own call)",
        "derived: the Authorize record as an AuthorizeSecurityGroupEgress",
    ];

    private static JsonObject Negative(string name)
    {
        if (name.Contains("TerminateInstances", StringComparison.Ordinal)) return Envelope(Record("awsdocs-ec2-ug__TerminateInstances.json"));
        if (name.Contains("CreateBucket", StringComparison.Ordinal)) return Record("awsdocs-eventbridge-ug__CreateBucket__eventbridge-envelope.json");
        var record = Stratus;
        if (name.Contains("failed", StringComparison.Ordinal))
        {
            // As AWS documents failed calls (awsdocs-cloudtrail-ug__UpdateTrail__failed-TrailNotFoundException.json).
            var failed = Record("awsdocs-cloudtrail-ug__UpdateTrail__failed-TrailNotFoundException.json");
            record["errorCode"] = "InvalidPermission.Duplicate";
            record["errorMessage"] = "the specified rule \"peer: 208.236.235.254/0, TCP, from port: 22, to port: 22, ALLOW\" already exists";
            record["responseElements"] = failed["responseElements"]?.DeepClone();
        }
        else
        {
            record["eventName"] = name.Contains("Revoke", StringComparison.Ordinal) ? "RevokeSecurityGroupIngress" : "AuthorizeSecurityGroupEgress";
        }
        return Envelope(record);
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Other_calls_and_failed_calls_do_not_start_it(string negative)
    {
        var stack = Template.Render(Revoke);
        var evt = Negative(negative);
        Assert.False(EventBridgeRules.Matches(Rule(stack, "FastPathOnAuthorize").Pattern, evt));
        Assert.False(EventBridgeRules.Matches(Rule(stack, "FastPathOnModify").Pattern, evt));
    }

    [Fact]
    public void A_ModifySecurityGroupRules_call_starts_it_for_its_group()
    {
        // Constructed (no published record): the group id where AWS's CloudTrail Lake sample query reads it.
        var record = Stratus;
        record["eventName"] = "ModifySecurityGroupRules";
        record["requestParameters"] = JsonNode.Parse("""
            {"ModifySecurityGroupRulesRequest": {"GroupId": "sg-003dc7f1f1c686164",
              "SecurityGroupRule": {"SecurityGroupRuleId": "sgr-09b3e3d2ca1edf2a2",
                "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0"}}}}
            """);
        record["responseElements"] = JsonNode.Parse("""{"ModifySecurityGroupRulesResponse": {"requestId": "dc1dabbf-d7cb-4966-a3de-ac69d5cfc633", "return": true}}""");
        var stack = Template.Render(Revoke);
        var (modify, target) = Rule(stack, "FastPathOnModify");
        var evt = Envelope(record);
        Assert.True(EventBridgeRules.Matches(modify, evt));
        Assert.False(EventBridgeRules.Matches(Rule(stack, "FastPathOnAuthorize").Pattern, evt));
        Assert.Equal("""["sg-003dc7f1f1c686164"]""", Input(target, evt)["SecurityGroupId"]!.ToJsonString());
    }

    [Theory]
    [InlineData("DryRun", "true")]
    [InlineData("Off", "true")]
    [InlineData("Revoke", "false")]
    public void Nothing_is_created_for_it_unless_it_is_on_and_the_mode_is_Revoke(string mode, string fastPath)
    {
        var stack = Template.Render(new Dictionary<string, string> { ["RemediationMode"] = mode, ["FastPath"] = fastPath });
        Assert.DoesNotContain(stack.Resources, r => r.Key.StartsWith("FastPath", StringComparison.Ordinal));
        Assert.Empty(stack.OfType("AWS::Events::Rule"));
        Assert.Equal(["FastPathDeadLetterQueue", "FastPathDeadLetterQueuePolicy", "FastPathOnAuthorize", "FastPathOnModify", "FastPathRole"],
            Template.Render(Revoke).Resources.Select(r => r.Key).Where(k => k.StartsWith("FastPath", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Undelivered_events_go_to_an_encrypted_dead_letter_queue_after_bounded_retries()
    {
        var stack = Template.Render(Revoke);
        foreach (var id in new[] { "FastPathOnAuthorize", "FastPathOnModify" })
        {
            var (_, target) = Rule(stack, id);
            Assert.Equal("getatt:FastPathDeadLetterQueue.Arn", target["DeadLetterConfig"]!["Arn"]!.GetValue<string>());
            Assert.Equal("10", target["RetryPolicy"]!["MaximumRetryAttempts"]!.GetValue<string>());
            Assert.Equal("getatt:FastPathRole.Arn", target["RoleArn"]!.GetValue<string>());
        }
        Assert.Equal("true", stack.Properties("FastPathDeadLetterQueue")["SqsManagedSseEnabled"]!.GetValue<string>());
        var allow = stack.Statements("FastPathDeadLetterQueuePolicy").Single(s => s["Effect"]!.GetValue<string>() == "Allow");
        Assert.Equal(["getatt:FastPathOnAuthorize.Arn", "getatt:FastPathOnModify.Arn"], IamPolicyTests.List(allow["Condition"]!["ArnEquals"]!["aws:SourceArn"]));
        var role = stack.Statements("FastPathRole");
        Assert.Contains(role, s => IamPolicyTests.List(s["Action"]).Contains("iam:PassRole")
            && s["Condition"]!["StringEquals"]!["iam:PassedToService"]!.GetValue<string>() == "ssm.amazonaws.com"
            && IamPolicyTests.List(s["Resource"]).SequenceEqual(["getatt:AutomationRole.Arn"]));
    }

    /// <summary>
    /// The walkthrough through the fast path: the person's AuthorizeSecurityGroupIngress (recorded by the loopback
    /// CloudTrail the way AWS records it) matches, its transformed input runs the document with the real revoke
    /// function, SSH is gone and one email says so; AWS Config's later run for the same change is silent.
    /// </summary>
    [Fact]
    public async Task The_web_server_SSH_rule_is_reverted_by_the_fast_path_and_Config_does_not_email_again()
    {
        var stack = Template.Render(Revoke, Created);
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule", stack.Properties("ConfigRule")["InputParameters"]!.ToJsonString(), "ref:RuleFunction.Alias"));

        var trail = harness.Server.CloudTrail.Events.Single(e => e.EventName == "AuthorizeSecurityGroupIngress");
        var evt = Envelope(JsonNode.Parse(trail.CloudTrailEvent)!.AsObject());
        var (pattern, target) = Rule(stack, "FastPathOnAuthorize");
        Assert.True(EventBridgeRules.Matches(pattern, evt));
        var input = Input(target, evt).ToDictionary(p => p.Key, p => p.Value!.AsArray().Single()!.GetValue<string>());
        Assert.Equal(RemediationHarness.WebGroup, input["SecurityGroupId"]);

        var runner = Runner(harness, input["FunctionName"]);
        var fast = await runner.RunAsync(input);
        Assert.Equal("Success", fast.Status);
        Assert.Equal(nameof(RemediationStatus.Revoked), fast.Outputs["ReadOutcome.Status"]);
        Assert.DoesNotContain(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        Assert.StartsWith("SgConfigRule removed tcp/22 from 203.0.113.7/32", Assert.Single(fast.Published).Subject);

        // AWS Config's remediation for the same change, minutes later: nothing left to do, no second email.
        var config = await Runner(harness, input["FunctionName"]).RunAsync(input);
        Assert.Equal("Success", config.Status);
        Assert.Equal(nameof(RemediationStatus.NothingToRevoke), config.Outputs["ReadOutcome.Status"]);
        Assert.Empty(config.Published);
        Assert.Equal(1, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task A_group_outside_the_rule_scope_is_left_alone_by_the_fast_path()
    {
        var stack = Template.Render(new Dictionary<string, string> { ["RemediationMode"] = "Revoke", ["ScopeTagKey"] = "tier", ["ScopeTagValue"] = "web" }, Created);
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule", stack.Properties("ConfigRule")["InputParameters"]!.ToJsonString(), "ref:RuleFunction.Alias"));
        var evt = Envelope(JsonNode.Parse(harness.Server.CloudTrail.Events.Single().CloudTrailEvent)!.AsObject());
        var input = Input(Rule(stack, "FastPathOnAuthorize").Target, evt).ToDictionary(p => p.Key, p => p.Value!.AsArray().Single()!.GetValue<string>());

        var run = await Runner(harness, input["FunctionName"]).RunAsync(input);
        Assert.Equal(nameof(RemediationStatus.OutOfScope), run.Outputs["ReadOutcome.Status"]);
        Assert.Empty(run.Published);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Fact]
    public void The_member_template_starts_the_local_document_for_the_central_function()
    {
        var member = CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, "org", "member.yaml"))
            .Render(new Dictionary<string, string> { ["CentralAccountId"] = "999988887777", ["RemediationMode"] = "Revoke" });
        var (pattern, target) = Rule(member, "FastPathOnAuthorize");
        var evt = Envelope(Stratus);
        Assert.True(EventBridgeRules.Matches(pattern, evt));
        var input = Input(target, evt);
        Assert.Equal($"arn:aws:lambda:{CfnTemplate.Region}:999988887777:function:sg-config-rule-revoke", input["FunctionName"]![0]!.GetValue<string>());
        var parameters = SgConfigRule.Policy.Parameters.ParameterParser.Parse(input["RuleParameters"]![0]!.GetValue<string>());
        Assert.Equal($"SgConfigRuleRemediation-{CfnTemplate.Region}", parameters.ExecutionRoleName);
        Assert.Equal("sg-config-rule", input["ConfigRuleName"]![0]!.GetValue<string>());
        Assert.DoesNotContain(CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, "org", "member.yaml"))
            .Render(new Dictionary<string, string> { ["CentralAccountId"] = "999988887777" }).Resources, r => r.Key.StartsWith("FastPath", StringComparison.Ordinal));
    }

    private static AutomationRunner Runner(RemediationHarness harness, string functionName)
    {
        var runner = new AutomationRunner(TemplateTests.CanonicalDocumentPath);
        runner.Functions[functionName] = async payload =>
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
            using var output = await harness.Function.HandleAsync(input);
            return await new StreamReader(output).ReadToEndAsync();
        };
        return runner;
    }
}
