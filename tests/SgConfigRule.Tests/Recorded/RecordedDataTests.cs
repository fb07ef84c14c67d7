using System.Text.Json;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Recorded;

/// <summary>
/// Real AWS responses and Config events recorded in public repositories (tests/data/recorded, sources and licences
/// in its README). Every recorded group must get a verdict, and the policy must flag the ones open to the world on 22.
/// </summary>
public class RecordedDataTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string> Ec2Files() => [.. TestData.RecordedFiles(Path.Combine("ec2_api", "describe_security_groups")).Select(f => Path.GetFileName(f)!)];

    public static TheoryData<string> ConfigItemFiles() => [.. TestData.RecordedFiles("config_items").Select(f => Path.GetFileName(f)!)];

    private static List<ReadResult> Read(string path)
    {
        using var document = JsonText.Parse(File.ReadAllBytes(path), JsonPath.Root);
        return [.. InputReader.Read(document.RootElement)];
    }

    [Theory]
    [MemberData(nameof(Ec2Files))]
    public void Every_recorded_DescribeSecurityGroups_group_gets_a_verdict_and_world_ssh_is_flagged(string file)
    {
        var path = TestData.Recorded("ec2_api", "describe_security_groups", file);
        var results = Read(path);
        Assert.All(results, r => Assert.Null(r.Error));
        using var raw = JsonDocument.Parse(File.ReadAllBytes(path));
        var groups = raw.RootElement.GetProperty("SecurityGroups").EnumerateArray().ToList();
        Assert.Equal(groups.Count, results.Count);

        for (var i = 0; i < groups.Count; i++)
        {
            var evaluation = Evaluator.Evaluate(results[i].Item!, PolicyParameters.Default, Now);
            if (OpenToTheWorldOnPort22(groups[i]))
            {
                Assert.Equal(Compliance.NonCompliant, evaluation.Compliance);
            }
            if (evaluation.Compliance == Compliance.Compliant)
            {
                Assert.False(OpenToTheWorldOnPort22(groups[i]));
            }
        }
    }

    [Fact]
    public void The_recordings_contain_groups_open_to_the_world_on_22()
    {
        var open = TestData.RecordedFiles(Path.Combine("ec2_api", "describe_security_groups"))
            .SelectMany(f => JsonDocument.Parse(File.ReadAllBytes(f)).RootElement.GetProperty("SecurityGroups").EnumerateArray())
            .Count(OpenToTheWorldOnPort22);
        Assert.True(open >= 10, $"only {open} recorded groups are open to the world on 22");
    }

    /// <summary>An independent reading of the raw EC2 JSON: a tcp or all-traffic permission covering 22 from 0.0.0.0/0 or ::/0.</summary>
    private static bool OpenToTheWorldOnPort22(JsonElement group) =>
        group.GetProperty("IpPermissions").EnumerateArray().Any(p =>
        {
            var protocol = p.GetProperty("IpProtocol").GetString();
            var coversPort = protocol == "-1" || (protocol is "tcp" or "6"
                && (!p.TryGetProperty("FromPort", out var from) || from.GetInt32() <= 22)
                && (!p.TryGetProperty("ToPort", out var to) || to.GetInt32() >= 22 || to.GetInt32() == -1));
            var world = (p.TryGetProperty("IpRanges", out var v4) && v4.EnumerateArray().Any(r => r.GetProperty("CidrIp").GetString() == "0.0.0.0/0"))
                        || (p.TryGetProperty("Ipv6Ranges", out var v6) && v6.EnumerateArray().Any(r => r.GetProperty("CidrIpv6").GetString() == "::/0"));
            return coversPort && world;
        });

    [Theory]
    [MemberData(nameof(ConfigItemFiles))]
    public void Every_recorded_configuration_item_gets_a_verdict(string file)
    {
        var results = Read(TestData.Recorded("config_items", file));
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(results, r => Assert.NotNull(r.Item!.Group));
    }

    [Theory]
    [InlineData("rdk__example_ci__AWS_EC2_SecurityGroup.json", "sg-1d56fc66", "NON_COMPLIANT", "1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    [InlineData("c7n__test_security_group_set_permissions__config.SelectResourceConfig_1.json", "sg-04ececeaf1ed666cb", "NON_COMPLIANT", "1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    [InlineData("c7n__test_security_group_config_source__config.SelectResourceConfig_1.json", "sg-6c7fa917", "NON_COMPLIANT", "1 disallowed rule: all traffic from 108.56.181.242/32 (blocked ports 22,3389)")]
    [InlineData("c7n__test_sg_config_diff__config.GetResourceConfigHistory_1.json", "sg-a38ed1de", "COMPLIANT", null)]
    [InlineData("c7n__test_sg_config_ingres_diff__config.GetResourceConfigHistory_1.json", "sg-65229a0c", "COMPLIANT", null)]
    public void Recorded_configuration_items_get_the_expected_verdict(string file, string groupId, string compliance, string? annotation)
    {
        var item = Assert.Single(Read(TestData.Recorded("config_items", file))).Item!;
        Assert.Equal(groupId, item.ResourceId);
        var evaluation = Evaluator.Evaluate(item, PolicyParameters.Default, Now);
        Assert.Equal(compliance, evaluation.Compliance.ToWire());
        Assert.Equal(annotation, evaluation.Annotation);
    }

    [Fact]
    public void A_recorded_history_is_evaluated_at_its_newest_item()
    {
        var path = TestData.Recorded("config_items", "c7n__test_sg_config_diff__config.GetResourceConfigHistory_1.json");
        using var raw = JsonDocument.Parse(File.ReadAllBytes(path));
        var items = raw.RootElement.GetProperty("configurationItems").EnumerateArray().ToList();
        Assert.True(items.Count > 1);
        var newest = items.MaxBy(i => i.GetProperty("configurationItemCaptureTime").GetDouble());
        var item = Assert.Single(Read(path)).Item!;
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(newest.GetProperty("configurationItemCaptureTime").GetDouble() * 1000)), item.Context.CaptureTime);
    }

    [Fact]
    public void The_recorded_security_group_change_event_is_non_compliant()
    {
        var item = Assert.Single(Read(TestData.Recorded("lambda_events", "c7n__event-config-rule-security-group.json"))).Item!;
        Assert.Equal("sg-e2fb6999", item.ResourceId);
        Assert.Equal("eu-west-1", item.Context.Region);
        var evaluation = Evaluator.Evaluate(item, PolicyParameters.Default, Now);
        Assert.Equal(Compliance.NonCompliant, evaluation.Compliance);
        Assert.Equal("1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)", evaluation.Annotation);
    }

    [Theory]
    [InlineData("c7n__event-config-rule-instance.json")]
    [InlineData("awsdocs__example_event_change-triggered.json")]
    public void Recorded_events_for_other_resource_types_are_not_applicable(string file)
    {
        var item = Assert.Single(Read(TestData.Recorded("lambda_events", file))).Item!;
        Assert.Equal(Compliance.NotApplicable, Evaluator.Evaluate(item, PolicyParameters.Default, Now).Compliance);
        Assert.Equal("AWS::EC2::Instance", item.ResourceType);
    }

    [Theory]
    [InlineData("awsdocs__example_event_oversized-change-triggered.json", "GetResourceConfigHistory")]
    [InlineData("awsdocs__example_event_periodic.json", "names no resource")]
    [InlineData("c7n__poll-evaluation.json", "names no resource")]
    [InlineData("aws-lambda-dotnet__config-event.json", "unsupported messageType 'ConfigurationSnapshotDeliveryCompleted'")]
    public void Recorded_events_without_a_configuration_are_input_errors_that_say_why(string file, string problem)
    {
        var error = Assert.Single(Read(TestData.Recorded("lambda_events", file))).Error!;
        Assert.Equal("$.invokingEvent(json).messageType", error.JsonPath);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void The_recorded_DescribeSecurityGroupRules_example_is_the_compliant_default_group_with_rule_ids()
    {
        var item = Assert.Single(Read(TestData.Recorded("ec2_api", "describe_security_group_rules", "awscli__describe-security-group-rules_example1.json"))).Item!;
        var rule = Assert.Single(item.Group!.Ingress);
        Assert.Equal("sgr-abcdef01234567890", rule.RuleId);
        Assert.Equal("sg-1234567890abcdef0", ((SecurityGroupSource)rule.Source).GroupId);
        Assert.Equal(Compliance.Compliant, Evaluator.Evaluate(item, PolicyParameters.Default, Now).Compliance);
        Assert.Equal(Compliance.NonCompliant, Evaluator.Evaluate(item, ParameterParser.Parse("{\"sourceScope\":\"all\"}"), Now).Compliance);
    }
}
