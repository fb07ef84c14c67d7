using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SgConfigRule.Tests.Support;
using static SgConfigRule.Tests.Cli.CliRunner;

namespace SgConfigRule.Tests.Cli;

/// <summary>`sg-config-rule scan` as DESIGN §7 specifies it: inputs, options, output formats and exit codes.</summary>
public class ScanCommandTests
{
    [Fact]
    public void With_no_input_it_scans_the_bundled_sample_prints_the_table_and_exits_1()
    {
        var run = Run("scan", "--at", "2026-11-26T12:00:00Z");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Out.Split('\n');
        Assert.Contains("NON_COMPLIANT  sg-0f3c6a1e2b4d58a90  Web Server Security Group", lines);
        Assert.Contains(lines, l => l.Trim().StartsWith("tcp/22 from 203.0.113.7/32  blocked port 22", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("tcp/443", StringComparison.Ordinal));
        Assert.Contains("COMPLIANT      sg-0a1b2c3d4e5f60718  default", lines);
        Assert.Contains(lines, l => l.StartsWith("COMPLIANT      sg-0b2c3d4e5f6a7b8c9  vendor-sftp  Exempt until 2099-12-31", StringComparison.Ordinal));
        Assert.Contains("7 resources: 4 NON_COMPLIANT, 3 COMPLIANT (1 exempt), 0 NOT_APPLICABLE", lines);
        Assert.DoesNotContain('\u001b', run.Out);
    }

    [Fact]
    public void Colour_is_used_only_on_a_terminal()
    {
        var run = Run(null, colour: true, "scan");
        Assert.Contains("\u001b[1;31mNON_COMPLIANT", run.Out);
    }

    [Fact]
    public void Soft_fail_exits_0_with_non_compliant_groups() => Assert.Equal(0, Run("scan", "--soft-fail").ExitCode);

    [Fact]
    public void A_clean_input_exits_0()
    {
        var path = WriteTemp("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}""");
        var run = Run("scan", path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 resource: 0 NON_COMPLIANT, 1 COMPLIANT, 0 NOT_APPLICABLE", run.Out);
    }

    /// <summary>The published schema of the JSON report, loaded once (JsonSchema.Net registers a schema by its $id).</summary>
    internal static readonly Lazy<JsonSchema> OutputSchema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schemas", "scan-output.schema.json"))));

    [Fact]
    public void Every_parameter_a_report_can_state_is_in_the_published_schema()
    {
        var run = Run("scan", "--format", "json", "--at", "2026-11-26", "--params",
            """{"scopeTagKey":"tier","scopeTagValue":"web","maxExemptionDays":"30","executionRoleName":"Member","fullRepostDays":"30"}""");
        using var report = JsonDocument.Parse(run.Out);
        var validation = OutputSchema.Value.Evaluate(report.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(validation.IsValid, string.Join("\n", (validation.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        Assert.Equal("30", report.RootElement.GetProperty("parameters").GetProperty("fullRepostDays").GetString());
    }

    [Fact]
    public void Json_output_follows_the_published_schema_and_design_7()
    {
        var run = Run("scan", "--format", "json", "--at", "2026-11-26");
        Assert.Equal(1, run.ExitCode);
        var schema = OutputSchema.Value;
        using var report = JsonDocument.Parse(run.Out);
        var validation = schema.Evaluate(report.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(validation.IsValid, string.Join("\n", (validation.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));

        var root = report.RootElement;
        Assert.Equal(["evaluatedAt", "bundledSample", "parameters", "results", "inputErrorCount", "inputErrors", "summary"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("bundledSample").GetBoolean());
        Assert.Equal(0, root.GetProperty("inputErrorCount").GetInt32());
        Assert.Equal("2026-11-26T00:00:00Z", root.GetProperty("evaluatedAt").GetString());
        Assert.Equal("22,3389", root.GetProperty("parameters").GetProperty("blockedPorts").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(7, results.Count);
        var web = results.Single(r => r.GetProperty("resourceId").GetString() == "sg-0f3c6a1e2b4d58a90");
        Assert.Equal("NON_COMPLIANT", web.GetProperty("compliance").GetString());
        var finding = Assert.Single(web.GetProperty("findings").EnumerateArray());
        Assert.Equal("""{"ruleId":null,"protocol":"tcp","fromPort":22,"toPort":22,"source":"203.0.113.7/32","sourceType":"ipv4","reason":"blockedPort","description":"SSH from my laptop"}""",
            finding.GetRawText());
        Assert.Equal(["resourceId", "resourceName", "accountId", "region", "compliance", "annotation", "exemption", "findings"], web.EnumerateObject().Select(p => p.Name));
        var summary = root.GetProperty("summary");
        Assert.Equal(results.Count(r => r.GetProperty("compliance").GetString() == "NON_COMPLIANT"), summary.GetProperty("NON_COMPLIANT").GetInt32());
        Assert.Equal(results.Count(r => r.GetProperty("compliance").GetString() == "COMPLIANT"), summary.GetProperty("COMPLIANT").GetInt32());
        Assert.Equal(0, summary.GetProperty("NOT_APPLICABLE").GetInt32());
    }

    [Fact]
    public void Parameters_come_inline_or_from_a_file_and_change_the_verdicts()
    {
        var inline = Run("scan", "--format", "json", "--params", """{"sourceScope":"world"}""");
        var nonCompliant = JsonNode.Parse(inline.Out)!["summary"]!["NON_COMPLIANT"]!.GetValue<int>();
        // bastion-ipv6 opens 22 to ::/0; app-from-corp-vpn's prefix list cannot be resolved offline, so it counts.
        Assert.Equal(2, nonCompliant);
        var file = WriteTemp("""{"trustedSources":"203.0.113.7/32,pl-0a1b2c3d4e5f67890","blockedPorts":"22"}""", "params.json");
        var fromFile = Run("scan", "--format", "json", "--params", "@" + file);
        var report = JsonNode.Parse(fromFile.Out)!;
        Assert.Equal("22", report["parameters"]!["blockedPorts"]!.GetValue<string>());
        Assert.Equal(2, report["summary"]!["NON_COMPLIANT"]!.GetValue<int>()); // legacy-batch-workers, bastion-ipv6
    }

    [Fact]
    public void At_moves_the_clock_for_exemptions()
    {
        var run = Run("scan", "--at", "2100-01-01");
        Assert.Contains("NON_COMPLIANT  sg-0b2c3d4e5f6a7b8c9  vendor-sftp  Exemption expired 2099-12-31", run.Out);
    }

    [Theory]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",", "$.SecurityGroups[0].IpPermissions[0]", "invalid JSON at line 1")]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"gre\"}]}]}", "$.SecurityGroups[0].IpPermissions[0].IpProtocol", "unknown protocol 'gre'")]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":80}]}]}", "$.SecurityGroups[0].IpPermissions[0].FromPort", "FromPort 443 is greater than ToPort 80")]
    public void Bad_input_exits_2_naming_the_file_the_path_and_the_problem(string content, string path, string problem)
    {
        var file = WriteTemp(content, "bad.json");
        var run = Run("scan", file);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {file}: {path}: {problem}", run.Error);
    }

    [Fact]
    public void An_unknown_parameter_key_exits_2_naming_it()
    {
        var run = Run("scan", "--params", """{"blockedPort":"22"}""");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: --params: $.blockedPort: rule parameter 'blockedPort' = '22': unknown parameter; did you mean 'blockedPorts'?", run.Error);
        Assert.Equal("", run.Out);

        var file = WriteTemp("""{"sourceScope":"internet"}""", "params.json");
        var fromFile = Run("scan", "--params", "@" + file);
        Assert.Equal(2, fromFile.ExitCode);
        Assert.Contains($"error: {file}: $.sourceScope: rule parameter 'sourceScope' = 'internet': must be one of world, public, address, all", fromFile.Error);
    }

    [Fact]
    public void Other_groups_still_get_verdicts_when_one_is_bad()
    {
        var file = WriteTemp("""{"SecurityGroups":[{"GroupId":"sg-bad","IpPermissions":[{"IpProtocol":"x"}]},{"GroupId":"sg-open","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}""");
        var run = Run("scan", file, "--format", "json");
        Assert.Equal(2, run.ExitCode);
        var results = JsonNode.Parse(run.Out)!["results"]!.AsArray();
        Assert.Equal("sg-open", Assert.Single(results)!["resourceId"]!.GetValue<string>());
        Assert.Contains("1 input error(s): those resources were not evaluated.", run.Error);
    }

    [Fact]
    public void A_wrongly_shaped_response_is_an_input_error_not_a_crash()
    {
        // Found by the streaming reader's fuzz test: the list of a response being a number escaped as an exception.
        var run = Run("scan", WriteTemp("""{"SecurityGroups": 5}"""), "--format", "json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("$.SecurityGroups: must be an array, not a number", run.Error);
        Assert.Empty(JsonNode.Parse(run.Out)!["results"]!.AsArray());
    }

    [Fact]
    public void A_file_broken_part_way_keeps_the_verdicts_before_the_break()
    {
        var open = """{"GroupId":"sg-open","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}""";
        var run = Run("scan", WriteTemp("{\"SecurityGroups\":[\n" + open + ",\n{\"GroupId\": }\n]}"), "--format", "json");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sg-open", Assert.Single(JsonNode.Parse(run.Out)!["results"]!.AsArray())!["resourceId"]!.GetValue<string>());
        Assert.Contains("$.SecurityGroups[1].GroupId: invalid JSON at line 3", run.Error);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, Run("scan", "--format", "xml").ExitCode);
        Assert.Equal(2, Run("scan", "--frobnicate").ExitCode);
        Assert.Equal(2, Run("scan", "--at", "next tuesday").ExitCode);
        var missing = Run("scan", "/nonexistent/groups.json");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("error: /nonexistent/groups.json: cannot read", missing.Error);
    }

    [Fact]
    public void Standard_input_and_folders_are_inputs()
    {
        var stdin = Run("""{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"10.0.0.0/8"}]}]}""", false, "scan", "-");
        Assert.Equal(1, stdin.ExitCode);
        Assert.Contains("all traffic from 10.0.0.0/8", stdin.Out);

        var folder = TestData.Recorded("config_items");
        var run = Run("scan", folder, "--format", "json");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(Directory.GetFiles(folder, "*.json").Length, JsonNode.Parse(run.Out)!["results"]!.AsArray().Count);
    }

    [Fact]
    public void Every_recorded_group_gets_a_verdict_from_the_command_line()
    {
        var run = Run("scan", TestData.Recorded("ec2_api"), TestData.Recorded("config_items"), "--format", "json");
        Assert.Equal("", run.Error);
        Assert.Equal(1, run.ExitCode);
        var summary = JsonNode.Parse(run.Out)!["summary"]!;
        Assert.True(summary["NON_COMPLIANT"]!.GetValue<int>() > 0);
        Assert.True(summary["COMPLIANT"]!.GetValue<int>() > 0);
    }

    [Fact]
    public void The_shipped_executable_runs_the_sample()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sg-config-rule.dll");
        Assert.True(File.Exists(dll), dll);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [dll, "scan", "--format", "json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(1, process.ExitCode);
        Assert.Equal(4, JsonNode.Parse(output)!["summary"]!["NON_COMPLIANT"]!.GetValue<int>());
    }
}
