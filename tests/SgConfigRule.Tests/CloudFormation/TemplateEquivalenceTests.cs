using System.Text.Json.Nodes;
using SgConfigRule.Cli;
using SgConfigRule.Input;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Cli;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// One policy in the pull request and at run time (issue 18): the bundled sample account written as the template
/// that deploys it (tests/data/iac/cloudformation/sample-account.yaml, and the same in JSON) gets, group by group,
/// the verdicts the sample export gets — under several policies — and `scan` reports it with file and line.
/// </summary>
public sealed class TemplateEquivalenceTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in (string[])["sample-account.yaml", "sample-account.json"])
        {
            foreach (var parameters in (string[])["{}", """{"sourceScope":"world"}""", """{"sourceScope":"public"}""", """{"sourceScope":"all"}""",
                         """{"blockedPorts":"","authorizedTcpPorts":"80,443"}""", """{"exemptionTagKey":""}""", """{"trustedSources":"203.0.113.0/24,pl-0a1b2c3d4e5f67890"}"""])
            {
                data.Add(file, parameters);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_template_gets_the_verdicts_of_the_deployed_sample(string file, string parametersJson)
    {
        var parameters = ParameterParser.Parse(parametersJson);
        var deployed = DeployedSample();
        var template = Templates.Items(File.ReadAllText(Templates.DataFile(file)), file);
        Assert.Equal(deployed.Count, template.Count);
        for (var i = 0; i < deployed.Count; i++)
        {
            var expected = Evaluator.Evaluate(deployed[i], parameters, Now);
            var actual = Evaluator.Evaluate(template[i], parameters, Now);
            var name = $"{deployed[i].ResourceName} / {template[i].ResourceId}";
            Assert.True(expected.Compliance == actual.Compliance, $"{name}: {expected.Compliance} vs {actual.Compliance} ({actual.Annotation})");
            Assert.Equal(expected.Exemption.Note, actual.Exemption.Note);
            Assert.Equal(expected.Findings.Select(Key), actual.Findings.Select(Key));
        }
    }

    /// <summary>A finding as the policy states it; a group reference by kind only (an id once deployed, a logical id before).</summary>
    internal static string Key(Finding f) =>
        $"{f.Rule.TrafficDisplay} from {(f.Rule.Source is SecurityGroupSource ? "a group" : f.Rule.Source.Display)}: {f.ReasonText}";

    internal static List<ResourceItem> DeployedSample()
    {
        using var sample = File.OpenRead(Path.Combine(TestData.RepositoryRoot, "cli", "samples", "sample-account.json"));
        return [.. InputStreamReader.Read(sample).Select(r => r.Item!)];
    }

    [Fact]
    public void Scan_reports_the_template_by_logical_id_with_file_and_line()
    {
        var path = Templates.DataFile("sample-account.yaml");
        var lines = File.ReadAllLines(path);
        var run = CliRunner.Run("scan", path, "--format", "json");
        Assert.Equal(ExitCodes.NonCompliant, run.ExitCode);
        var results = JsonNode.Parse(run.Out)!["results"]!.AsArray();
        var web = results.Single(r => r!["resourceId"]!.GetValue<string>() == "WebServerSg")!;
        Assert.Equal(path, web["location"]!["file"]!.GetValue<string>());
        Assert.Equal("  WebServerSg:", lines[web["location"]!["line"]!.GetValue<int>() - 1]);
        var finding = web["findings"]!.AsArray().Single()!;
        // The rule's line: the first line of its entry in SecurityGroupIngress.
        Assert.Equal("        - IpProtocol: tcp", lines[finding["location"]!["line"]!.GetValue<int>() - 1]);
        Assert.Equal("          CidrIp: !Ref SshCidr", lines[finding["location"]!["line"]!.GetValue<int>() + 2]);
        Assert.Equal("WebServerSg.SecurityGroupIngress[2]", finding["location"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void The_JSON_report_of_a_template_matches_the_report_schema()
    {
        var path = Templates.DataFile("sample-account.json");
        var run = CliRunner.Run("scan", path, "--format", "json", "--template-parameters", "SshCidr=0.0.0.0/0");
        Assert.Equal(ExitCodes.NonCompliant, run.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(run.Out);
        var result = ScanCommandTests.OutputSchema.Value.Evaluate(document.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
        Assert.Contains("tcp/22 from 0.0.0.0/0", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void SARIF_points_each_finding_at_the_template_file_and_the_rules_line()
    {
        var path = Templates.DataFile("sample-account.yaml");
        var lines = File.ReadAllLines(path);
        var run = CliRunner.Run("scan", path, "--format", "sarif");
        Assert.Equal(ExitCodes.NonCompliant, run.ExitCode);
        var results = JsonNode.Parse(run.Out)!["runs"]![0]!["results"]!.AsArray();
        Assert.Equal(6, results.Count);
        foreach (var result in results)
        {
            var physical = result!["locations"]![0]!["physicalLocation"]!;
            Assert.Equal(new Uri(path).AbsoluteUri, physical["artifactLocation"]!["uri"]!.GetValue<string>());
            var line = physical["region"]!["startLine"]!.GetValue<int>();
            Assert.StartsWith("        -", lines[line - 1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_Multitool_validates_the_SARIF_of_a_template()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("sgcr-cfn-sarif-").FullName, "scan.sarif");
        Assert.Equal(ExitCodes.NonCompliant, CliRunner.Run("scan", Templates.DataFile("sample-account.yaml"), "--format", "sarif", "--output", file).ExitCode);
        var multitool = Path.Combine(TestData.RepositoryRoot, "tests", "tools", "node_modules", ".bin", "sarif-multitool");
        var validation = ProcessRunner.Run(multitool, ["validate", file], timeout: TimeSpan.FromMinutes(2));
        Assert.True(validation.ExitCode == 0, validation.All);
        Assert.DoesNotContain(": error ", validation.All, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_template_path_stays_relative_in_SARIF_so_code_scanning_finds_it_in_the_repository()
    {
        var dir = Directory.CreateTempSubdirectory("sgcr-cfn-").FullName;
        var previous = Environment.CurrentDirectory;
        File.Copy(Templates.DataFile("sample-account.yaml"), Path.Combine(dir, "stack.yaml"));
        try
        {
            Environment.CurrentDirectory = dir;
            var run = CliRunner.Run("scan", "stack.yaml", "--format", "sarif");
            var uri = JsonNode.Parse(run.Out)!["runs"]![0]!["results"]![0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>();
            Assert.Equal("stack.yaml", uri);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void Template_parameters_come_from_a_CloudFormation_parameters_file_and_a_bad_one_is_exit_2()
    {
        var dir = Directory.CreateTempSubdirectory("sgcr-cfn-").FullName;
        var parametersFile = Path.Combine(dir, "params.json");
        File.WriteAllText(parametersFile, """[{"ParameterKey": "SshCidr", "ParameterValue": "10.9.0.0/16"}]""");
        var run = CliRunner.Run("scan", Templates.DataFile("sample-account.yaml"), "--format", "json", "--template-parameters", "@" + parametersFile);
        Assert.Contains("tcp/22 from 10.9.0.0/16", Evaluate(run.Out), StringComparison.Ordinal);

        File.WriteAllText(parametersFile, """{"Parameters": {"SshCidr": "10.8.0.0/16"}}""");
        run = CliRunner.Run("scan", Templates.DataFile("sample-account.yaml"), "--format", "json", "--template-parameters", "@" + parametersFile);
        Assert.Contains("tcp/22 from 10.8.0.0/16", Evaluate(run.Out), StringComparison.Ordinal);

        var bad = CliRunner.Run("scan", Templates.DataFile("sample-account.yaml"), "--template-parameters", "SshCidr");
        Assert.Equal(ExitCodes.InputError, bad.ExitCode);
        Assert.Contains("--template-parameters: 'SshCidr' is not KEY=VALUE", bad.Error, StringComparison.Ordinal);
        var unknown = CliRunner.Run("scan", Templates.DataFile("sample-account.yaml"), "--template-parameters", "Typo=1");
        Assert.Equal(ExitCodes.InputError, unknown.ExitCode);
        Assert.Contains("the template has no parameter Typo", unknown.Error, StringComparison.Ordinal);

        static string Evaluate(string report) => string.Join("\n", JsonNode.Parse(report)!["results"]!.AsArray()
            .SelectMany(r => r!["findings"]!.AsArray().Select(f => $"{f!["protocol"]}/{f["fromPort"]} from {f["source"]}")));
    }
}
