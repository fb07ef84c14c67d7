using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// org/grant-config-invoke.sh, run with a stand-in for the AWS CLI that answers ListAccounts and GetPolicy and
/// records every call: it adds only the accounts missing from the policy and, with --prune, removes the ones gone.
/// </summary>
public sealed class GrantConfigInvokeTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sgcr-grant-").FullName;

    private string Calls => Path.Combine(folder, "calls.log");

    public GrantConfigInvokeTests()
    {
        var policy = """{"Version":"2012-10-17","Statement":[{"Sid":"config-111111111111","Effect":"Allow"},{"Sid":"config-333333333333","Effect":"Allow"},{"Sid":"RuleInvokeFromThisAccount","Effect":"Allow"}]}""";
        var stub = Path.Combine(folder, "aws");
        File.WriteAllText(stub, $$"""
            #!/usr/bin/env bash
            echo "$*" >> "{{Calls}}"
            case "$1 $2" in
              "organizations list-accounts") printf '111111111111\t222222222222\n' ;;
              "lambda get-policy") echo '{{policy}}' ;;
              "lambda add-permission"|"lambda remove-permission") ;;
              *) echo "unexpected: $*" >&2; exit 1 ;;
            esac
            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private ProcessRunner.Result Run(params string[] arguments) =>
        ProcessRunner.Run("bash", [Path.Combine(TestData.RepositoryRoot, "org", "grant-config-invoke.sh"), .. arguments],
            environment: new Dictionary<string, string> { ["PATH"] = folder + ":" + Environment.GetEnvironmentVariable("PATH") });

    private string[] Recorded(string operation) =>
        [.. File.ReadAllLines(Calls).Where(l => l.StartsWith("lambda " + operation, StringComparison.Ordinal))];

    [Fact]
    public void Adds_only_the_organization_accounts_not_yet_allowed()
    {
        var result = Run("--region", "eu-west-1");
        Assert.True(result.ExitCode == 0, result.All);
        var added = Assert.Single(Recorded("add-permission"));
        Assert.Contains("--source-account 222222222222", added);
        Assert.Contains("--statement-id config-222222222222", added);
        Assert.Contains("--principal config.amazonaws.com", added);
        Assert.Contains("--qualifier live", added);
        Assert.Contains("--region eu-west-1", added);
        Assert.Empty(Recorded("remove-permission"));
        Assert.Contains("added 1 account(s), removed 0, 2 allowed", result.Output);
    }

    [Fact]
    public void Prune_removes_accounts_that_left()
    {
        var result = Run("--prune");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("--statement-id config-333333333333", Assert.Single(Recorded("remove-permission")));
    }

    [Fact]
    public void Dry_run_changes_nothing_and_bad_account_ids_are_refused()
    {
        var dry = Run("--dry-run", "--accounts", "444444444444");
        Assert.True(dry.ExitCode == 0, dry.All);
        Assert.Contains("aws lambda add-permission --function-name sg-config-rule-rule --qualifier live --statement-id config-444444444444", dry.Output);
        Assert.Empty(Recorded("add-permission"));

        var bad = Run("--accounts", "12345");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not an account id: 12345", bad.Error);
    }
}

/// <summary>The loopback endpoints as a process (bench/function-memory.sh runs the functions against it): it starts, seeds and serves.</summary>
public sealed class FakeAwsHostTests
{
    [Fact]
    public async Task The_host_prints_its_endpoint_and_serves_a_seeded_account()
    {
        var host = Path.Combine(TestData.RepositoryRoot, "tests", "SgConfigRule.FakeAws.Host", "bin", "Release", "net10.0", "SgConfigRule.FakeAws.Host.dll");
        Assert.True(File.Exists(host), $"{host} is missing: ./test.sh builds the solution");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [host, "--groups", "25"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.NotNull(line);
            Assert.StartsWith("AWS_ENDPOINT_URL=http://127.0.0.1:", line, StringComparison.Ordinal);
            var endpoint = new Uri(line["AWS_ENDPOINT_URL=".Length..]);
            using var ec2 = new Amazon.EC2.AmazonEC2Client(new Amazon.Runtime.BasicAWSCredentials(FakeAws.FakeAwsServer.AccessKey, FakeAws.FakeAwsServer.SecretKey),
                new Amazon.EC2.AmazonEC2Config { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" });
            var groups = await ec2.DescribeSecurityGroupsAsync(new Amazon.EC2.Model.DescribeSecurityGroupsRequest(), TestContext.Current.CancellationToken);
            Assert.Equal(25, groups.SecurityGroups.Count);
            Assert.Contains(groups.SecurityGroups.Single(g => g.GroupId == "sg-00000000000000000").IpPermissions, p => p.FromPort == 22);
        }
        finally
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        Assert.Equal(0, process.ExitCode);
    }
}
