using System.Text.Json.Nodes;
using SgConfigRule.Cli;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// `scan --format sarif`: SARIF 2.1.0 that Microsoft's SARIF Multitool validates, one result per finding of the JSON
/// report, stable fingerprints, exemptions as suppressions, input errors as notifications of an unsuccessful run (issue 17).
/// </summary>
public sealed class SarifOutputTests
{
    private static readonly string Multitool = Path.Combine(TestData.RepositoryRoot, "tests", "tools", "node_modules", ".bin", "sarif-multitool");

    private static JsonNode Sarif(params string[] args)
    {
        var run = CliRunner.Run(["scan", "--format", "sarif", .. args]);
        Assert.True(run.ExitCode is ExitCodes.Clean or ExitCodes.NonCompliant, run.Error);
        return JsonNode.Parse(run.Out)!;
    }

    [Fact]
    public void The_Multitool_validates_the_report_with_no_error()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("sgcr-sarif-").FullName, "scan.sarif");
        var input = Path.Combine(TestData.RepositoryRoot, "cli", "samples", "sample-account.json");
        Assert.Equal(ExitCodes.NonCompliant, CliRunner.Run("scan", input, "--format", "sarif", "--output", file).ExitCode);
        var validation = ProcessRunner.Run(Multitool, ["validate", file], timeout: TimeSpan.FromMinutes(2));
        Assert.True(validation.ExitCode == 0, validation.All);
        Assert.DoesNotContain(": error ", validation.All, StringComparison.Ordinal);
        Assert.Contains("Analysis completed successfully", validation.All, StringComparison.Ordinal);
    }

    [Fact]
    public void One_result_per_finding_of_the_JSON_report()
    {
        var sarif = Sarif();
        var json = JsonNode.Parse(CliRunner.Run("scan", "--format", "json").Out)!;
        var run = sarif["runs"]![0]!;
        Assert.Equal("2.1.0", sarif["version"]!.GetValue<string>());
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["SGCR001", "SGCR002"], rules);
        var expected = json["results"]!.AsArray()
            .SelectMany(r => r!["findings"]!.AsArray().Select(f => (r["resourceId"]!.GetValue<string>(), f!["protocol"]!.GetValue<string>(), f["fromPort"]!.GetValue<int>(), f["source"]!.GetValue<string>())))
            .ToList();
        var results = run["results"]!.AsArray();
        var actual = results.Select(r => (r!["locations"]![0]!["logicalLocations"]![0]!["name"]!.GetValue<string>(),
            r["properties"]!["protocol"]!.GetValue<string>(), r["properties"]!["fromPort"]!.GetValue<int>(), r["properties"]!["source"]!.GetValue<string>())).ToList();
        Assert.Equal(expected, actual);
        Assert.All(results, r => Assert.Contains(r!["ruleId"]!.GetValue<string>(), rules));
        Assert.True(run["invocations"]![0]!["executionSuccessful"]!.GetValue<bool>());
    }

    [Fact]
    public void Fingerprints_are_stable_across_scans_and_differ_between_findings()
    {
        string[] Prints() => [.. Sarif()["runs"]![0]!["results"]!.AsArray().Select(r => r!["partialFingerprints"]!["sgConfigRuleFinding/v1"]!.GetValue<string>())];
        var first = Prints();
        Assert.Equal(first, Prints());
        Assert.Equal(first.Length, first.Distinct().Count());
    }

    [Fact]
    public void An_exempt_groups_findings_are_suppressed_with_the_exemption()
    {
        var input = CliRunner.WriteTemp("""
            {"SecurityGroups": [{"GroupId": "sg-1", "Tags": [{"Key": "sg-config-rule:exempt", "Value": "2099-01-01 migration"}],
              "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}
            """);
        var result = Sarif(input, "--at", "2026-12-05")["runs"]![0]!["results"]![0]!;
        var suppression = result["suppressions"]![0]!;
        Assert.Equal("external", suppression["kind"]!.GetValue<string>());
        Assert.Contains("migration", suppression["justification"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("COMPLIANT", result["properties"]!["compliance"]!.GetValue<string>());
    }

    [Fact]
    public void Input_errors_make_the_run_unsuccessful_and_are_named()
    {
        var input = CliRunner.WriteTemp("""{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 99999, "ToPort": 22}]}, {"GroupId": "sg-2", "IpPermissions": []}]}""");
        var run = CliRunner.Run("scan", "--format", "sarif", input);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var invocation = JsonNode.Parse(run.Out)!["runs"]![0]!["invocations"]![0]!;
        Assert.False(invocation["executionSuccessful"]!.GetValue<bool>());
        var note = invocation["toolExecutionNotifications"]![0]!;
        Assert.Equal("error", note["level"]!.GetValue<string>());
        Assert.Contains("FromPort", note["message"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_read_from_a_file_points_at_it()
    {
        var input = CliRunner.WriteTemp("""{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}""");
        var location = Sarif(input)["runs"]![0]!["results"]![0]!["locations"]![0]!;
        Assert.Equal(new Uri(input).AbsoluteUri, location["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>());
        // The bundled sample is no file of the user's: only the group is named.
        Assert.Null(Sarif()["runs"]![0]!["results"]![0]!["locations"]![0]!["physicalLocation"]);
    }
}
