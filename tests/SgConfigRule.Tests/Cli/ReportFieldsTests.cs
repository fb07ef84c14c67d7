using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SgConfigRule.Cli;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// What the JSON report says of each group beyond its verdict — account, Region, the exemption as read, each rule's
/// own description — and `--only-non-compliant` (issue 17). Every report here is also checked against the schema.
/// </summary>
public sealed class ReportFieldsTests
{
    private static JsonNode Report(params string[] args)
    {
        var run = CliRunner.Run(["scan", "--format", "json", .. args]);
        using var document = JsonDocument.Parse(run.Out);
        var validation = ScanCommandTests.OutputSchema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(validation.IsValid, string.Join("\n", (validation.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        return JsonNode.Parse(run.Out)!;
    }

    private static JsonNode Group(JsonNode report, string id) =>
        report["results"]!.AsArray().Single(r => r!["resourceId"]!.GetValue<string>() == id)!;

    [Fact]
    public void Each_group_names_its_account_and_each_finding_the_rules_own_description()
    {
        var web = Group(Report("--at", "2026-11-26"), "sg-0f3c6a1e2b4d58a90");
        Assert.Equal("111122223333", web["accountId"]!.GetValue<string>());
        Assert.Null(web["exemption"]);
        Assert.Equal("SSH from my laptop", web["findings"]![0]!["description"]!.GetValue<string>());
    }

    [Fact]
    public void The_exemption_is_reported_as_the_policy_read_it()
    {
        var active = Group(Report("--at", "2026-11-26"), "sg-0b2c3d4e5f6a7b8c9")["exemption"]!;
        Assert.Equal("active", active["status"]!.GetValue<string>());
        Assert.Equal("2099-12-31", active["until"]!.GetValue<string>());
        Assert.StartsWith("CHG-4711", active["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        var expired = Group(Report("--at", "2100-01-01"), "sg-0b2c3d4e5f6a7b8c9");
        Assert.Equal("expired", expired["exemption"]!["status"]!.GetValue<string>());
        Assert.Equal("NON_COMPLIANT", expired["compliance"]!.GetValue<string>());

        var input = CliRunner.WriteTemp("""{"SecurityGroups": [{"GroupId": "sg-1", "Tags": [{"Key": "sg-config-rule:exempt", "Value": "soon"}], "IpPermissions": []}]}""");
        var malformed = Group(Report(input), "sg-1")["exemption"]!;
        Assert.Equal("malformed", malformed["status"]!.GetValue<string>());
        Assert.Null(malformed["until"]);
    }

    /// <summary>
    /// An organization's groups, as `aws configservice select-aggregate-resource-config` prints them (what
    /// `scan --live --aggregator` reads page by page, AggregatorScanTests): every row names its account and Region, and the tags selected carry the exemption.
    /// </summary>
    [Fact]
    public void An_aggregators_select_output_names_each_groups_account_and_Region()
    {
        static string Row(string account, string region, string id, string tags, string permissions) =>
            System.Text.Json.JsonSerializer.Serialize(
                "{\"accountId\":\"" + account + "\",\"awsRegion\":\"" + region + "\",\"resourceId\":\"" + id +
                "\",\"resourceType\":\"AWS::EC2::SecurityGroup\",\"tags\":" + tags +
                ",\"configuration\":{\"groupId\":\"" + id + "\",\"groupName\":\"g\",\"ipPermissions\":" + permissions + "}}");
        const string ssh = """[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"],"ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}]}]""";
        const string exempt = """[{"key":"sg-config-rule:exempt","value":"2099-01-01 vendor"}]""";
        var input = CliRunner.WriteTemp("{\"Results\": [" + Row("111122223333", "eu-west-1", "sg-0123456789abcdef0", "[]", ssh) + ", " +
            Row("444455556666", "us-east-1", "sg-0fedcba9876543210", exempt, ssh) + "]}");
        var results = Report(input, "--at", "2026-12-05")["results"]!.AsArray();
        Assert.Equal([("111122223333", "eu-west-1", "NON_COMPLIANT"), ("444455556666", "us-east-1", "COMPLIANT")],
            results.Select(r => (r!["accountId"]!.GetValue<string>(), r["region"]!.GetValue<string>(), r["compliance"]!.GetValue<string>())));
        Assert.Equal("active", results[1]!["exemption"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Only_non_compliant_reports_those_and_still_counts_every_group()
    {
        var all = Report("--at", "2026-11-26");
        var only = Report("--at", "2026-11-26", "--only-non-compliant");
        var nonCompliant = all["results"]!.AsArray().Where(r => r!["compliance"]!.GetValue<string>() == "NON_COMPLIANT").Select(r => r!["resourceId"]!.GetValue<string>());
        Assert.Equal(nonCompliant, only["results"]!.AsArray().Select(r => r!["resourceId"]!.GetValue<string>()));
        Assert.Equal(all["summary"]!.ToJsonString(), only["summary"]!.ToJsonString());
        Assert.Equal(ExitCodes.NonCompliant, CliRunner.Run("scan", "--only-non-compliant").ExitCode);
        Assert.DoesNotContain("COMPLIANT      ", CliRunner.Run("scan", "--only-non-compliant").Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InputError, CliRunner.Run("scan", "--format", "csv", "--all", "--only-non-compliant").ExitCode);
    }
}
