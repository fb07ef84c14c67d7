using System.Text.RegularExpressions;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Tests.Parsing;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// The native executable (<c>cli/publish-native.sh</c>, Native AOT) against the tool the tests run everywhere else, as
/// a user runs each: for every input kind and outcome — the bundled sample, a realistic export in each report format,
/// standard input, a CloudFormation template (YAML) and a Terraform plan, a live account on the loopback endpoints,
/// a missing file, a truncated one, no credentials — the same standard output (the report's time aside), the same
/// error lines and the same exit code. A native build drops what it cannot see being used; this is where a feature
/// reached only by reflection would show as missing. The sign-in ways are <see cref="NativeSignInTests"/>.
/// </summary>
public sealed class NativeCliTests
{
    /// <summary>Both builds on the same command: what each printed and its exit code.</summary>
    private static async Task AssertSameAsync(FakeAwsServer? server, string? standardInput, IReadOnlyDictionary<string, string?> environment,
                                              params string[] args)
    {
        var tool = await CliProcess.RunWithAsync(null, server, standardInput, environment, args);
        var native = await CliProcess.RunWithAsync(NativeCli.Executable, server, standardInput, environment, args);
        var command = $"sg-config-rule {string.Join(' ', args)}";
        Assert.True(tool.ExitCode == native.ExitCode, $"{command}: exit {tool.ExitCode} (tool) against {native.ExitCode} (native)\n{native.Error}");
        Assert.Equal(WithoutTimes(tool.Out), WithoutTimes(native.Out));
        Assert.Equal(tool.Error, native.Error);
        Assert.DoesNotContain("   at ", native.Error, StringComparison.Ordinal);
    }

    private static Task AssertSameAsync(params string[] args) => AssertSameAsync(null, null, new Dictionary<string, string?>(), args);

    /// <summary>The moment of the scan, which the JSON, SARIF and HTML reports carry, is the one thing allowed to differ.</summary>
    private static string WithoutTimes(string output) =>
        Regex.Replace(output, @"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", "<time>");

    private static string RealisticExport(string folder, int items)
    {
        var path = Path.Combine(folder, "batch-get-resource-config.json");
        File.WriteAllBytes(path, AwsCliShape.BatchGetResourceConfig(items, seed: 16));
        return path;
    }

    [Fact]
    public Task The_bundled_sample_gives_the_same_table() => AssertSameAsync("scan");

    [Fact]
    public async Task A_realistic_export_gives_the_same_report_in_every_format()
    {
        var folder = Directory.CreateTempSubdirectory("sgcr-native-").FullName;
        try
        {
            // Enough items, printed with line breaks, for the decoding threads to take pieces of the list.
            var export = RealisticExport(folder, 3_000);
            foreach (var format in new[] { "table", "json", "csv", "sarif", "html" })
            {
                await AssertSameAsync("scan", "--format", format, export);
            }
            await AssertSameAsync(null, await File.ReadAllTextAsync(export, TestContext.Current.CancellationToken), new Dictionary<string, string?>(), "scan", "--format", "json", "-");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Infrastructure_code_gives_the_same_findings()
    {
        await AssertSameAsync("scan", "--format", "sarif", Path.Combine(TestData.Root, "iac", "cloudformation", "sample-account.yaml"));
        await AssertSameAsync("scan", Path.Combine(TestData.Root, "iac", "terraform", "sample-account.plan.json"));
        await AssertSameAsync("scan", Path.Combine(TestData.RepositoryRoot, "template.yaml"));
    }

    [Fact]
    public async Task Unreadable_input_gives_the_same_error_and_exit_code()
    {
        var folder = Directory.CreateTempSubdirectory("sgcr-native-").FullName;
        try
        {
            var export = RealisticExport(folder, 200);
            var bytes = await File.ReadAllBytesAsync(export, TestContext.Current.CancellationToken);
            var truncated = Path.Combine(folder, "truncated.json");
            await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length * 2 / 3)], TestContext.Current.CancellationToken);
            await AssertSameAsync("scan", truncated);
            await AssertSameAsync("scan", Path.Combine(folder, "missing.json"));
            await AssertSameAsync("scan", "--format", "yaml", export);
            await AssertSameAsync("--version");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_live_account_gives_the_same_report_and_no_credentials_the_same_error()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0123456789abcdef0", "web");
        server.Ec2.AddIngress("sg-0123456789abcdef0", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH from anywhere");
        server.Ec2.AddIngress("sg-0123456789abcdef0", "tcp", 443, 443, Ec2Source.Ipv6("::/0"));
        await AssertSameAsync(server, null, new Dictionary<string, string?>(), "scan", "--live", "--region", "us-east-1", "--format", "json");

        var home = Directory.CreateTempSubdirectory("sgcr-home-").FullName;
        try
        {
            var noCredentials = new Dictionary<string, string?>
            {
                ["HOME"] = home, ["AWS_ACCESS_KEY_ID"] = null, ["AWS_SECRET_ACCESS_KEY"] = null, ["AWS_SESSION_TOKEN"] = null,
                ["AWS_PROFILE"] = null, ["AWS_CONFIG_FILE"] = Path.Combine(home, "config"), ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "credentials"),
            };
            await AssertSameAsync(server, null, noCredentials, "scan", "--live", "--region", "us-east-1");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}

/// <summary>Every sign-in way of <see cref="SignInTests"/> (SSO, assume-role, credential_process), with the native executable.</summary>
public sealed class NativeSignInTests : SignInTests
{
    protected override string? Executable => NativeCli.Executable;
}
