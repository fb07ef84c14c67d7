using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Cli.Scan;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Input;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using static SgConfigRule.Tests.Cli.CliProcess;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// `scan --live --role-name ROLE --accounts …`: an organization without an aggregator, a role assumed in each account
/// (STS AssumeRole from the signed-in credentials) and each account's Regions read live, several at once under
/// `--concurrency`, reported in the order account, Region, group whatever order they finish in (issue 17).
/// </summary>
public sealed class RoleListTests
{
    private const string Role = "SgConfigRuleAudit";
    private static readonly string[] Accounts = ["111111111111", "222222222222", "333333333333"];

    /// <summary>In each account and Region two groups, the first open to SSH from anywhere; ids say where they are.</summary>
    private static void Organization(FakeAwsServer server, IEnumerable<string> accounts, IEnumerable<string> regions)
    {
        foreach (var account in accounts)
        {
            foreach (var region in regions)
            {
                var ec2 = server.Ec2In(region, account);
                var stem = $"{account[..1]}{Array.IndexOf(["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2", "sa-east-1"], region)}";
                // Added in descending id order: the report still lists them in ascending order.
                ec2.AddGroup($"sg-{stem}00000000000000b", "web", ownerId: account);
                ec2.AddGroup($"sg-{stem}00000000000000a", "ssh", ownerId: account);
                ec2.AddIngress($"sg-{stem}00000000000000a", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
            }
        }
    }

    private static List<(string Id, string Account, string Region, string Compliance)> Results(string json) =>
        [.. JsonNode.Parse(json)!["results"]!.AsArray().Select(r => (
            r!["resourceId"]!.GetValue<string>(), r["accountId"]!.GetValue<string>(), r["region"]!.GetValue<string>(), r["compliance"]!.GetValue<string>()))];

    [Fact]
    public async Task A_role_that_cannot_be_assumed_costs_only_its_account()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Organization(server, Accounts, ["us-east-1", "eu-west-1"]);
        server.Sts.Deny($"arn:aws:iam::222222222222:role/{Role}");

        var run = await RunAsync(server, null, "scan", "--live", "--role-name", Role, "--accounts", string.Join(',', Accounts),
            "--region", "us-east-1,eu-west-1", "--format", "json");

        Assert.Equal(2, run.ExitCode);
        var results = Results(run.Out);
        Assert.Equal([
            ("sg-1000000000000000a", "111111111111", "us-east-1", "NON_COMPLIANT"), ("sg-1000000000000000b", "111111111111", "us-east-1", "COMPLIANT"),
            ("sg-1100000000000000a", "111111111111", "eu-west-1", "NON_COMPLIANT"), ("sg-1100000000000000b", "111111111111", "eu-west-1", "COMPLIANT"),
            ("sg-3000000000000000a", "333333333333", "us-east-1", "NON_COMPLIANT"), ("sg-3000000000000000b", "333333333333", "us-east-1", "COMPLIANT"),
            ("sg-3100000000000000a", "333333333333", "eu-west-1", "NON_COMPLIANT"), ("sg-3100000000000000b", "333333333333", "eu-west-1", "COMPLIANT"),
        ], results);
        var lines = run.Error.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"error: (account 222222222222): role arn:aws:iam::222222222222:role/{Role} could not be assumed, so the account was not scanned: AccessDenied", lines[0], StringComparison.Ordinal);
        Assert.Equal("1 input error(s): those resources were not evaluated.", lines[1]);
        // Each account's role assumed once, from the signed-in credentials; each account read with its own.
        Assert.Equal(Accounts.Select(a => $"arn:aws:iam::{a}:role/{Role}").Order(), server.Sts.AssumeRoleCalls.Select(c => c.RoleArn).Order());
        Assert.All(server.Sts.AssumeRoleCalls, c => Assert.Equal(FakeAwsServer.AccessKey, c.CallerKey));
        Assert.All(server.Calls.Where(c => c.Service == "ec2"), c => Assert.NotEqual(FakeAwsServer.AccessKey, c.AccessKey));
    }

    [Fact]
    public async Task Region_all_reads_the_Regions_each_account_has_enabled()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Organization(server, ["111111111111"], ["us-east-1", "ap-southeast-2"]);
        Organization(server, ["333333333333"], ["us-east-1"]);
        server.Ec2In("us-east-1", "111111111111").EnabledRegions.Add("ap-southeast-2");

        var run = await RunAsync(server, null, "scan", "--live", "--role-name", Role, "--accounts", "111111111111, 333333333333", "--region", "all", "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Equal([("111111111111", "ap-southeast-2"), ("111111111111", "us-east-1"), ("333333333333", "us-east-1")],
            Results(run.Out).Select(r => (r.Account, r.Region)).Distinct());
    }

    [Fact]
    public async Task Accounts_may_come_from_a_file_and_a_bad_id_stops_before_any_call()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Organization(server, ["111111111111", "333333333333"], ["us-east-1"]);
        var file = CliRunner.WriteTemp("# audit list\n111111111111\n\n333333333333   # payments\n111111111111\n", "accounts.txt");

        var run = await RunAsync(server, null, "scan", "--live", "--role-name", Role, "--accounts", "@" + file, "--format", "json");
        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Equal(["111111111111", "333333333333"], Results(run.Out).Select(r => r.Account).Distinct());
        Assert.Equal(2, server.Sts.AssumeRoleCalls.Count);

        server.ClearCalls();
        var bad = await RunAsync(server, null, "scan", "--live", "--role-name", Role, "--accounts", "111111111111,12345");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --accounts: '12345' is not an AWS account id (12 digits)", bad.Error.Trim());
        var alone = await RunAsync(server, null, "scan", "--live", "--role-name", Role);
        Assert.Equal("error: --role-name and --accounts go together: the role to assume, and the accounts to assume it in", alone.Error.Trim());
        var arn = await RunAsync(server, null, "scan", "--live", "--role-name", $"arn:aws:iam::111111111111:role/{Role}", "--accounts", "111111111111");
        Assert.Contains("is not an IAM role name", arn.Error, StringComparison.Ordinal);
        Assert.Empty(server.Calls);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task No_more_requests_are_in_flight_than_the_concurrency_allows(int concurrency)
    {
        await using var server = await FakeAwsServer.StartAsync();
        string[] regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1"];
        Organization(server, ["111111111111", "333333333333"], regions);
        server.Latency = (_, _) => TimeSpan.FromMilliseconds(40);

        var run = await RunAsync(server, null, "scan", "--live", "--role-name", Role, "--accounts", "111111111111,333333333333",
            "--region", string.Join(',', regions), "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Equal(16, Results(run.Out).Count);
        Assert.InRange(server.MaxInFlight, 1, concurrency);
        // Eight Regions of 40 ms calls, three at a time: they did overlap.
        if (concurrency > 1) Assert.True(server.MaxInFlight > 1, $"at most {server.MaxInFlight} request(s) at once");
    }

    [Fact]
    public async Task The_report_is_the_same_whatever_order_the_Regions_finish_in()
    {
        await using var server = await FakeAwsServer.StartAsync();
        string[] regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"];
        Organization(server, ["111111111111", "333333333333"], regions);
        string[] args = ["scan", "--live", "--role-name", Role, "--accounts", "333333333333,111111111111", "--region", string.Join(',', regions), "--format", "json", "--concurrency", "8"];

        var steady = await RunAsync(server, null, args);
        var random = new Random(17);
        server.Latency = (_, _) => TimeSpan.FromMilliseconds(random.Next(0, 60));
        var jittered = await RunAsync(server, null, args);

        Assert.True(steady.ExitCode == 1, steady.Error);
        Assert.Equal(Results(steady.Out), Results(jittered.Out));
        // Accounts in the order given, then the Regions in the order given, then the groups by id.
        Assert.Equal([.. new[] { "333333333333", "111111111111" }.SelectMany(a => regions.SelectMany(r => new[] { (a, r), (a, r) }))],
            Results(jittered.Out).Select(r => (r.Account, r.Region)));
    }

    /// <summary>EC2 throttling is retried by the SDK; a Region whose calls are refused is one error line, the other Regions reported.</summary>
    [Fact]
    public async Task A_Region_that_cannot_be_read_costs_only_itself_and_throttling_is_retried()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Organization(server, ["111111111111"], ["us-east-1", "eu-west-1", "ap-southeast-2"]);
        server.Faults.Add(FaultRule.Count("ec2", "DescribeSecurityGroupRules", FaultKind.Throttle, 2));
        // One Region at a time: the second one read (eu-west-1) is refused.
        server.Faults.Add(FaultRule.Raw("ec2", "DescribeSecurityGroups", Reply.Ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation."), times: 1) with { Skip = 1 });

        var run = await RunAsync(server, null, "scan", "--live", "--role-name", Role, "--accounts", "111111111111",
            "--region", "us-east-1,eu-west-1,ap-southeast-2", "--concurrency", "1", "--format", "json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal([("111111111111", "us-east-1"), ("111111111111", "ap-southeast-2")], Results(run.Out).Select(r => (r.Account, r.Region)).Distinct());
        Assert.StartsWith("error: (live 111111111111 eu-west-1): the Region was not scanned: UnauthorizedOperation", run.Error.Trim().Split('\n')[0], StringComparison.Ordinal);
        Assert.Equal(2, server.Calls.Count(c => c.ErrorCode == "RequestLimitExceeded"));
    }

    /// <summary>Parts finishing in any order (random delays) are reported in the order given, each part whole.</summary>
    [Fact]
    public async Task Parts_are_reported_in_order_whatever_order_they_finish_in()
    {
        await Gen.Select(Gen.Int[1, 12].Array[1, 10], Gen.Int[0, 1000]).SampleAsync(async (sizes, seed) =>
        {
            var random = new Random(seed);
            var delays = sizes.Select(_ => random.Next(0, 8)).ToArray();
            var units = sizes.Select((size, part) => (ScanUnit)(async (_, cancellationToken) =>
            {
                await Task.Delay(delays[part], cancellationToken);
                return [.. Enumerable.Range(0, size).Select(i => new ScanInput($"part {part}", ReadResult.Failed(new InputException("$", $"{i}")), PrefixListCatalog.Empty))];
            })).ToList();
            var read = new List<(string, string)>();
            await foreach (var input in new OrderedConcurrentSource(units).ReadAsync(PolicyParameters.Default, CancellationToken.None)) read.Add((input.Source, input.Outcome.Error!.Problem));
            var expected = sizes.SelectMany((size, part) => Enumerable.Range(0, size).Select(i => ($"part {part}", $"{i}")));
            Assert.Equal(expected, read);
        }, iter: 60);
    }

    [Theory]
    [InlineData("us-east-1", "arn:aws:iam::111111111111:role/Audit")]
    [InlineData("cn-north-1", "arn:aws-cn:iam::111111111111:role/Audit")]
    [InlineData("us-gov-west-1", "arn:aws-us-gov:iam::111111111111:role/Audit")]
    public void The_role_arn_is_in_the_partition_of_the_Region_signed_in_to(string region, string arn) =>
        Assert.Equal(arn, LiveParts.RoleArn("111111111111", "Audit", region));
}
