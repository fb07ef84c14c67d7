using System.Text.Json.Nodes;
using SgConfigRule.Tests.Remediation;
using YamlDotNet.RepresentationModel;
using static SgConfigRule.Tests.Deployment.IamPolicyTests;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// The smaller hardening of issue 15 (finding 6), on the rendered templates: the fast path's role is assumable only by
/// its own rules, prefix-list entries are read only on prefix lists, no end-of-life script runtime is offered, and the
/// queue of undelivered CloudTrail events and the log groups take the deployment's keys.
/// </summary>
public sealed class HardeningTests
{
    private const string Key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    public static TheoryData<string, string> FastPathStacks() => new()
    {
        { "template.yaml", """{"RemediationMode":"Revoke"}""" },
        { "org/member.yaml", """{"CentralAccountId":"999988887777","RemediationMode":"Revoke"}""" },
        { "org/member.yaml", """{"CentralAccountId":"999988887777","RemediationMode":"Revoke","ConfigRuleName":"a-rule-name-of-forty-one-characters-xyzab"}""" },
    };

    [Theory]
    [MemberData(nameof(FastPathStacks))]
    public void Only_the_stacks_own_fast_path_rules_may_use_the_fast_path_role(string file, string values)
    {
        var stack = Render(file, values);
        var trust = Assert.Single(Statements(stack), s => s.Where == "FastPathRole trust policy").Statement;
        Assert.Equal("events.amazonaws.com", trust["Principal"]!["Service"]!.GetValue<string>());
        var sources = List(trust["Condition"]!["ArnEquals"]!["aws:SourceArn"]).Order().ToList();
        var rules = new[] { "FastPathOnAuthorize", "FastPathOnModify" }
            .Select(id => stack.Properties(id)["Name"]!.GetValue<string>())
            .Select(name => $"arn:aws:events:{CfnTemplate.Region}:{CfnTemplate.AccountId}:rule/{name}")
            .Order().ToList();
        Assert.Equal(rules, sources);
        // EventBridge rule names are at most 64 characters, with the longest rule name the template allows.
        Assert.All(rules, r => Assert.InRange(r.Split('/')[^1].Length, 1, 64));
    }

    [Theory]
    [MemberData(nameof(Stacks), MemberType = typeof(IamPolicyTests))]
    public void Prefix_list_entries_are_read_only_on_prefix_lists(string file, string values)
    {
        var stack = Render(file, values);
        var grants = Statements(stack).Where(s => List(s.Statement["Action"]).Contains("ec2:GetManagedPrefixListEntries")).ToList();
        if (file == "org/central.yaml")
        {
            Assert.Empty(grants);
            return;
        }
        Assert.NotEmpty(grants);
        Assert.All(grants, g => Assert.Equal([$"arn:aws:ec2:{CfnTemplate.Region}:*:prefix-list/*"], List(g.Statement["Resource"])));
    }

    [Fact]
    public void The_document_offers_no_end_of_life_script_runtime()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(AutomationDocumentTests.DocumentPath)) yaml.Load(reader);
        var runtime = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["parameters"])["ScriptRuntime"];
        var offered = ((YamlSequenceNode)runtime["allowedValues"]).Select(v => ((YamlScalarNode)v).Value!).ToList();
        // End of life (python.org): 3.8 in October 2024, 3.9 in October 2025, 3.10 in October 2026.
        Assert.DoesNotContain(offered, v => v is "python3.8" or "python3.9" or "python3.10" or "python3.7" or "python3.6");
        Assert.Contains(((YamlScalarNode)runtime["default"]).Value, offered);
    }

    [Theory]
    [InlineData("template.yaml", """{"RemediationMode":"Revoke","TopicKmsKeyArn":"KEY"}""", true)]
    [InlineData("template.yaml", """{"RemediationMode":"Revoke"}""", false)]
    [InlineData("org/member.yaml", """{"CentralAccountId":"999988887777","RemediationMode":"Revoke","DeadLetterKmsKeyArn":"KEY"}""", true)]
    [InlineData("org/member.yaml", """{"CentralAccountId":"999988887777","RemediationMode":"Revoke"}""", false)]
    public void The_queue_of_undelivered_CloudTrail_events_takes_the_deployments_key(string file, string values, bool withKey)
    {
        var queue = Render(file, values.Replace("KEY", Key, StringComparison.Ordinal)).Properties("FastPathDeadLetterQueue");
        if (withKey)
        {
            Assert.Equal(Key, queue["KmsMasterKeyId"]!.GetValue<string>());
            Assert.False(queue.ContainsKey("SqsManagedSseEnabled"));
        }
        else
        {
            // EventBridge cannot use the AWS managed key aws/sqs: without a key of its own, SQS-managed encryption.
            Assert.False(queue.ContainsKey("KmsMasterKeyId"));
            Assert.Equal("true", queue["SqsManagedSseEnabled"]!.ToString());
        }
    }

    [Theory]
    [InlineData("template.yaml", "{}")]
    [InlineData("org/central.yaml", """{"OrganizationId":"o-a1b2c3d4e5"}""")]
    public void Log_groups_take_a_key_when_given_one(string file, string values)
    {
        var plain = Render(file, values);
        var withKey = JsonNode.Parse(values)!.AsObject();
        withKey["LogKmsKeyArn"] = Key;
        var keyed = Render(file, withKey.ToJsonString());
        var groups = keyed.OfType("AWS::Logs::LogGroup").Select(g => g.Id).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, id => Assert.Equal(Key, keyed.Properties(id)["KmsKeyId"]!.GetValue<string>()));
        Assert.All(groups, id => Assert.False(plain.Properties(id).ContainsKey("KmsKeyId")));
    }
}
