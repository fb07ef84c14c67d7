using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SgConfigRule.Tests.Parsing;
using static SgConfigRule.Tests.Cli.CliRunner;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// What users feed <c>scan</c> (issue 16): AWS CLI output piped in, Config's files as delivered to S3 (gzip, told by
/// content), folders with other files and upper-case extensions, a file named twice — and a report that says when it
/// is the bundled sample and lists every input error, so a consumer can tell a complete scan from a partial one.
/// </summary>
public sealed class ScanInputTests
{
    private const string Group = """{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}""";

    private static Outcome RunPiped(string? stdin, params string[] args) =>
        CliRunner.RunPiped(stdin is null ? null : Encoding.UTF8.GetBytes(stdin), args);

    private static JsonElement Report(Outcome run) => JsonDocument.Parse(run.Out).RootElement;

    [Fact]
    public void Piped_AWS_CLI_output_with_no_INPUT_is_read_not_the_bundled_sample()
    {
        var cli = Encoding.UTF8.GetString(AwsCliShape.BatchGetResourceConfig(items: 25, seed: 3));
        var run = RunPiped(cli, "scan", "--format", "json");
        Assert.True(run.ExitCode is 0 or 1, run.Error);
        var report = Report(run);
        Assert.False(report.GetProperty("bundledSample").GetBoolean());
        Assert.Equal(25, report.GetProperty("results").GetArrayLength());
        Assert.Equal(0, report.GetProperty("inputErrorCount").GetInt32());
        Assert.Equal("", run.Error.Trim());
    }

    [Fact]
    public void An_empty_pipe_is_an_error_not_a_green_scan_of_the_sample()
    {
        var run = RunPiped("", "scan");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the input is empty", run.Error);
        Assert.DoesNotContain("bundled sample", run.Out);
    }

    [Fact]
    public void The_bundled_sample_says_so_in_the_table_too()
    {
        var run = RunPiped(null, "scan");
        Assert.StartsWith("Input: the bundled sample account", run.Out);
        var mine = RunPiped(null, "scan", WriteTemp(Group));
        Assert.DoesNotContain("bundled sample", mine.Out);
    }

    [Theory]
    [InlineData("snapshot.json.gz")]
    [InlineData("renamed.json")]
    [InlineData("no-extension")]
    public void Gzip_is_recognised_by_its_content(string name)
    {
        // A Config snapshot file as delivered to S3: fileVersion, configSnapshotId, configurationItems in event form.
        var snapshot = """
            {"fileVersion":"1.0","configSnapshotId":"3a9d2a1e-0000-4000-8000-000000000001","configurationItems":[
             {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-30T10:15:42.123Z","configurationStateId":1796000000000,
              "awsAccountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1",
              "resourceName":"web","ARN":"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1","awsRegion":"eu-west-1",
              "availabilityZone":"Not Applicable","configurationStateMd5Hash":"","resourceCreationTime":null,
              "configuration":{"groupId":"sg-1","groupName":"web","ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,
                 "ipRanges":["0.0.0.0/0"],"ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipv6Ranges":[],"prefixListIds":[],"userIdGroupPairs":[]}],
                 "ipPermissionsEgress":[],"tags":[],"vpcId":"vpc-1","ownerId":"111122223333","description":"web"},
              "supplementaryConfiguration":{},"tags":{},"relatedEvents":[],"relationships":[]}]}
            """;
        var dir = Directory.CreateTempSubdirectory("sgcr-gz-").FullName;
        var path = Path.Combine(dir, name);
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(snapshot));
        }
        var run = RunPiped(null, "scan", "--format", "json", path);
        Assert.Equal(1, run.ExitCode);
        var result = Assert.Single(Report(run).GetProperty("results").EnumerateArray());
        Assert.Equal("NON_COMPLIANT", result.GetProperty("compliance").GetString());

        var piped = CliRunner.RunPiped(File.ReadAllBytes(path), "scan", "--format", "json", "-");
        Assert.Equal(1, piped.ExitCode);
    }

    [Fact]
    public void Damaged_gzip_is_one_error_line_and_exit_2()
    {
        var good = new MemoryStream();
        using (var gzip = new GZipStream(good, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(Group, 200)) + "]"));
        var bytes = good.ToArray();
        var damaged = bytes[..(bytes.Length / 2)].Concat(new byte[64]).ToArray();
        var path = Path.Combine(Directory.CreateTempSubdirectory("sgcr-gz-").FullName, "damaged.json.gz");
        File.WriteAllBytes(path, damaged);
        var run = RunPiped(null, "scan", path);
        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Contains(path, run.Error);
    }

    [Fact]
    public void A_folder_reads_json_and_json_gz_in_any_case_and_nothing_else()
    {
        var dir = Directory.CreateTempSubdirectory("sgcr-dir-").FullName;
        File.WriteAllText(Path.Combine(dir, "a.JSON"), Group.Replace("sg-1", "sg-a", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "b.json"), Group.Replace("sg-1", "sg-b", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not json");
        using (var gz = new GZipStream(File.Create(Path.Combine(dir, "c.Json.GZ")), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(Group.Replace("sg-1", "sg-c", StringComparison.Ordinal)));
        }
        var run = RunPiped(null, "scan", "--format", "json", dir);
        Assert.Equal(["sg-a", "sg-b", "sg-c"], Report(run).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("resourceId").GetString()).Order());
    }

    [Fact]
    public void A_file_reached_twice_is_scanned_once()
    {
        var path = WriteTemp(Group);
        var dir = Path.GetDirectoryName(path)!;
        var run = RunPiped(null, "scan", "--format", "json", dir, path, Path.Combine(dir, ".", Path.GetFileName(path)));
        Assert.Equal(1, Report(run).GetProperty("results").GetArrayLength());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"baseConfigurationItems\":[],\"unprocessedResourceKeys\":[]}")]
    public void Input_that_holds_no_group_is_not_a_clean_bill(string json)
    {
        var run = RunPiped(null, "scan", WriteTemp(json));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nothing was evaluated", run.Error);
    }

    [Fact]
    public void An_empty_folder_and_a_folder_without_json_are_not_a_clean_bill()
    {
        var empty = Directory.CreateTempSubdirectory("sgcr-empty-").FullName;
        Assert.Equal(2, RunPiped(null, "scan", empty).ExitCode);
        var other = Directory.CreateTempSubdirectory("sgcr-other-").FullName;
        File.WriteAllText(Path.Combine(other, "groups.yaml"), "SecurityGroups: []");
        var run = RunPiped(null, "scan", other);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nothing was evaluated", run.Error);
    }

    [Fact]
    public void Json_output_lists_the_input_errors_with_file_and_path()
    {
        var path = WriteTemp("""{"SecurityGroups":[""" + Group + """,{"GroupId":"sg-2","IpPermissions":[{"IpProtocol":"tcp","FromPort":"twenty-two","ToPort":22}]}]}""");
        var run = RunPiped(null, "scan", "--format", "json", path);
        Assert.Equal(2, run.ExitCode);
        var report = Report(run);
        Assert.Equal(1, report.GetProperty("inputErrorCount").GetInt32());
        var error = Assert.Single(report.GetProperty("inputErrors").EnumerateArray());
        Assert.Equal(path, error.GetProperty("input").GetString());
        Assert.StartsWith("$.SecurityGroups[1]", error.GetProperty("path").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(ScanCommandTests.OutputSchema.Value.Evaluate(report).IsValid);
    }

    /// <summary>As a shell runs it: the built tool as a process, its standard input a real pipe (then one with nothing in it).</summary>
    [Fact]
    public async Task A_real_pipe_is_read_and_an_empty_one_is_an_error()
    {
        var cli = Encoding.UTF8.GetString(AwsCliShape.BatchGetResourceConfig(items: 10, seed: 5));
        var piped = await CliProcess.RunAsync(null, cli, "scan", "--format", "json");
        Assert.True(piped.ExitCode is 0 or 1, piped.Error);
        var report = JsonDocument.Parse(piped.Out).RootElement;
        Assert.False(report.GetProperty("bundledSample").GetBoolean());
        Assert.Equal(10, report.GetProperty("results").GetArrayLength());

        var empty = await CliProcess.RunAsync(null, null, "scan");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("error: (stdin): the input is empty", empty.Error);
    }
}
