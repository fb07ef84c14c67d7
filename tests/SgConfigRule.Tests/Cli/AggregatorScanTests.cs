using System.Text.Json.Nodes;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.Tests.Cli.CliProcess;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// `scan --live --aggregator NAME`: a whole organization through an AWS Config aggregator's advanced query
/// (SelectAggregateResourceConfig, https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html:
/// ConfigurationAggregatorName, Expression, Limit 0-100 rows a page, NextToken; Results a list of JSON texts, QueryInfo),
/// on the loopback Config, which answers with the rows' real shape (configuration an object, tags key/value objects;
/// as in the recorded SelectResourceConfig responses in tests/data/recorded/config_items) — issue 17.
/// </summary>
public sealed class AggregatorScanTests
{
    private const string Aggregator = "org-aggregator";
    private static readonly string[] Accounts = ["111111111111", "222222222222", "333333333333"];
    private static readonly string[] Regions = ["eu-west-1", "us-east-1"];

    /// <summary>
    /// <paramref name="perPart"/> groups in each account and Region, every third open to SSH from anywhere, every fifth
    /// exempt, some with a prefix list no one here can resolve; the aggregator collects them all.
    /// </summary>
    private static List<FakeConfigItem> Organization(FakeAwsServer server, int perPart)
    {
        var items = new List<FakeConfigItem>();
        var n = 0;
        foreach (var account in Accounts)
        {
            foreach (var region in Regions)
            {
                var ec2 = new FakeEc2(region);
                for (var i = 0; i < perPart; i++, n++)
                {
                    var id = $"sg-{n:x17}";
                    ec2.AddGroup(id, $"group-{n}", ownerId: account);
                    if (n % 3 == 0) ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
                    if (n % 7 == 0) ec2.AddIngress(id, "tcp", 3389, 3389, Ec2Source.PrefixList("pl-0123456789abcdef0"));
                    ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("10.0.0.0/8"));
                    if (n % 5 == 0) ec2.SetTag(id, "sg-config-rule:exempt", "2099-01-01 CHG-1");
                    items.Add(server.Config.SecurityGroupItem(ec2.FindGroup(id)!, new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), region));
                }
            }
        }
        server.Config.Aggregate(Aggregator, items);
        return items;
    }

    private static List<(string Id, string Account, string Region, string Compliance, string Findings)> Results(string json) =>
        [.. JsonNode.Parse(json)!["results"]!.AsArray().Select(r => (
            r!["resourceId"]!.GetValue<string>(), r["accountId"]!.GetValue<string>(), r["region"]!.GetValue<string>(),
            r["compliance"]!.GetValue<string>(), r["findings"]?.ToJsonString() ?? ""))];

    [Fact]
    public async Task Every_page_is_read_and_each_group_reported_with_its_account_and_Region_as_from_an_export()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var items = Organization(server, perPart: 42);

        var run = await RunAsync(server, null, "scan", "--live", "--aggregator", Aggregator, "--format", "json", "--at", "2026-12-05");

        Assert.True(run.ExitCode == 1, run.Error);
        var live = Results(run.Out);
        Assert.Equal(items.Count, live.Count);
        Assert.Equal(items.Select(i => (i.ResourceId, i.AccountId, i.Region)), live.Select(r => (r.Id, r.Account, r.Region)));
        // 252 rows: three pages of at most 100, each asked for 100.
        Assert.Equal(3, server.CountCalls("config", "SelectAggregateResourceConfig"));
        Assert.Equal([100, 100, 100], server.Config.SelectLimits);
        Assert.All(server.Calls, c => Assert.Equal("us-east-1", c.Region));
        Assert.Contains(live, r => r.Compliance == "NON_COMPLIANT");
        Assert.Contains(live, r => r.Compliance == "COMPLIANT");

        // The same rows saved by `aws configservice select-aggregate-resource-config` and scanned as a file: the same verdicts.
        var rows = new JsonArray();
        string? token = null;
        do
        {
            var page = await SelectPageAsync(server, token);
            foreach (var row in page["Results"]!.AsArray()) rows.Add(row!.GetValue<string>());
            token = page["NextToken"]?.GetValue<string>();
        }
        while (token is not null);
        var export = CliRunner.WriteTemp(new JsonObject { ["Results"] = rows }.ToJsonString(), "org.json");
        var offline = CliRunner.Run("scan", export, "--format", "json", "--at", "2026-12-05");
        Assert.Equal(Results(offline.Out), live);
    }

    /// <summary>A prefix list of another account cannot be resolved through the aggregator: the rule fails closed, with a note.</summary>
    [Fact]
    public async Task A_prefix_list_that_cannot_be_resolved_fails_closed_with_a_note()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var ec2 = new FakeEc2("eu-west-1");
        ec2.AddGroup("sg-00000000000000a01", "behind-a-list", ownerId: "222222222222");
        ec2.AddIngress("sg-00000000000000a01", "tcp", 22, 22, Ec2Source.PrefixList("pl-0123456789abcdef0"));
        server.Config.Aggregate(Aggregator, [server.Config.SecurityGroupItem(ec2.FindGroup("sg-00000000000000a01")!, DateTime.UtcNow, "eu-west-1")]);

        var run = await RunAsync(server, null, "scan", "--live", "--aggregator", Aggregator, "--format", "json", "--params", """{"sourceScope":"world"}""");

        Assert.True(run.ExitCode == 1, run.Error);
        var group = JsonNode.Parse(run.Out)!["results"]![0]!;
        Assert.Equal("NON_COMPLIANT", group["compliance"]!.GetValue<string>());
        Assert.Contains("prefix list unresolved", group.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_retried_and_the_scan_completes()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var items = Organization(server, perPart: 20);
        server.Faults.Add(new FaultRule("config", "SelectAggregateResourceConfig", FaultKind.Throttle, Times: 2) { Skip = 1 });

        var run = await RunAsync(server, null, "scan", "--live", "--aggregator", Aggregator, "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Equal(items.Count, Results(run.Out).Count);
        var calls = server.Calls.Where(c => c.Operation == "SelectAggregateResourceConfig").ToList();
        Assert.Equal(2, calls.Count(c => c.ErrorCode == "ThrottlingException"));
        Assert.Equal(2, calls.Count(c => c.StatusCode == 200));
    }

    [Fact]
    public async Task An_aggregator_that_does_not_exist_is_one_error_line()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Organization(server, perPart: 1);

        var run = await RunAsync(server, null, "scan", "--live", "--aggregator", "no-such-aggregator", "--region", "eu-west-1");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: the scan stopped: --aggregator: there is no configuration aggregator 'no-such-aggregator' in eu-west-1 " +
                     "(NoSuchConfigurationAggregatorException); an aggregator lives in one Region: pass that Region with --region",
            run.Error.Trim());
    }

    [Fact]
    public async Task Access_denied_names_the_permission()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Organization(server, perPart: 1);
        server.Faults.Add(FaultRule.Raw("config", "SelectAggregateResourceConfig", Reply.JsonError(400, "AccessDeniedException",
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: config:SelectAggregateResourceConfig", "com.amazonaws.starlingdove")));

        var run = await RunAsync(server, null, "scan", "--live", "--aggregator", Aggregator);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("error: the scan stopped: --aggregator org-aggregator: access denied (AccessDeniedException): the caller needs config:SelectAggregateResourceConfig", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--aggregator,org,--role-name,r,--accounts,111111111111", "give one way")]
    [InlineData("--aggregator,org,--region,all", "--region names the one Region the aggregator is in")]
    [InlineData("--aggregator,org/evil", "is not an aggregator name")]
    public async Task Wrong_combinations_stop_before_any_call(string args, string said)
    {
        await using var server = await FakeAwsServer.StartAsync();
        var run = await RunAsync(server, null, ["scan", "--live", .. args.Split(',')]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(said, run.Error, StringComparison.Ordinal);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public void The_aggregator_options_go_with_live()
    {
        var run = CliRunner.Run("scan", "--aggregator", "org");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --aggregator, --role-name, --accounts and --concurrency go with --live", run.Error.Trim());
    }

    /// <summary>A page as the service answers it (our client, signed, against the loopback), for the export comparison.</summary>
    private static async Task<JsonObject> SelectPageAsync(FakeAwsServer server, string? token)
    {
        var config = new SgConfigRule.Aws.ConfigService.AmazonConfigServiceClient(new SgConfigRule.Aws.Protocol.AwsClientOptions
        {
            Region = "us-east-1",
            Credentials = new Amazon.Runtime.BasicAWSCredentials(FakeAwsServer.AccessKey, FakeAwsServer.SecretKey),
            ServiceUrl = server.Url,
        });
        var page = await config.SelectAggregateResourceConfigAsync(new SgConfigRule.Aws.ConfigService.Model.SelectAggregateResourceConfigRequest
        {
            Expression = SgConfigRule.Cli.Scan.AggregatorScanSource.Expression,
            ConfigurationAggregatorName = Aggregator,
            Limit = 100,
            NextToken = token,
        }, TestContext.Current.CancellationToken);
        var response = new JsonObject { ["Results"] = new JsonArray([.. page.Results.Select(r => (JsonNode)r)]) };
        if (page.NextToken is not null) response["NextToken"] = page.NextToken;
        return response;
    }
}
