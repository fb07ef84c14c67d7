using System.Diagnostics;
using System.Globalization;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.Ec2;

namespace SgConfigRule.Bench;

/// <summary>
/// `scan --live` over a whole organization on the loopback AWS endpoints: ACCOUNTS accounts × REGIONS Regions with
/// GROUPS groups each, read once through an AWS Config aggregator and once through a role assumed in each account.
/// Runs the built CLI as a process (as a user does) and prints the API calls it made and the wall time.
/// </summary>
public static class OrganizationBench
{
    private static readonly string[] AllRegions =
    [
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
        "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ];

    public sealed record Settings(string Cli, int Accounts = 100, int Regions = 17, int Groups = 5, int Concurrency = 4, int LatencyMs = 0, string Ways = "aggregator,roles");

    public static async Task<int> RunAsync(Settings settings)
    {
        await using var server = await FakeAwsServer.StartAsync();
        var regions = AllRegions.Take(settings.Regions).ToArray();
        var accounts = Enumerable.Range(0, settings.Accounts).Select(i => (100000000000L + i).ToString(CultureInfo.InvariantCulture)).ToArray();
        var items = new List<FakeConfigItem>();
        var n = 0;
        foreach (var account in accounts)
        {
            foreach (var region in regions)
            {
                var ec2 = server.Ec2In(region, account);
                for (var g = 0; g < settings.Groups; g++, n++)
                {
                    var id = $"sg-{n:x17}";
                    ec2.AddGroup(id, $"group-{n}", ownerId: account);
                    ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("10.0.0.0/8"));
                    if (n % 10 == 0) ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
                    items.Add(server.Config.SecurityGroupItem(ec2.FindGroup(id)!, DateTime.UtcNow, region));
                }
            }
        }
        server.Config.Aggregate("org", items);
        if (settings.LatencyMs > 0) server.Latency = (_, _) => TimeSpan.FromMilliseconds(settings.LatencyMs);

        Console.WriteLine($"{settings.Accounts} accounts x {regions.Length} Regions x {settings.Groups} groups = {n:N0} groups; " +
                          $"--concurrency {settings.Concurrency}; {settings.LatencyMs} ms added to each answer");
        Console.WriteLine("| way | exit | wall time (s) | groups reported | API calls | calls by operation | most requests at once | time the endpoints took (s) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|");
        var code = 0;
        foreach (var way in settings.Ways.Split(','))
        {
            string[] args = way switch
            {
                "aggregator" => ["scan", "--live", "--aggregator", "org", "--format", "csv", "--all"],
                "roles" => ["scan", "--live", "--role-name", "SgConfigRuleAudit", "--accounts", string.Join(',', accounts),
                    "--region", string.Join(',', regions), "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture), "--format", "csv", "--all"],
                _ => throw new ArgumentException($"unknown way '{way}' (aggregator, roles)"),
            };
            server.ClearCalls();
            var clock = Stopwatch.StartNew();
            var (exit, rows, error) = await RunCliAsync(settings.Cli, server, args);
            clock.Stop();
            if (exit is not (0 or 1))
            {
                Console.Error.WriteLine(error);
                code = 2;
            }
            var calls = server.Calls;
            var byOperation = string.Join(", ", calls.GroupBy(c => c.Operation).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}"));
            Console.WriteLine($"| {way} | {exit} | {clock.Elapsed.TotalSeconds:0.00} | {rows:N0} | {calls.Count:N0} | {byOperation} | {server.MaxInFlight} | {calls.Sum(c => c.Elapsed.TotalSeconds):0.00} |");
        }
        return code;
    }

    /// <summary>The CLI as its own process, pointed at the loopback server only through its environment; CSV rows counted.</summary>
    private static async Task<(int Exit, int Rows, string Error)> RunCliAsync(string cli, FakeAwsServer server, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/config";
        start.Environment["AWS_ENDPOINT_URL"] = server.Url.ToString();
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["AWS_ACCESS_KEY_ID"] = FakeAwsServer.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = FakeAwsServer.SecretKey;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var rows = -1; // the header
        while (await process.StandardOutput.ReadLineAsync() is not null) rows++;
        await process.WaitForExitAsync();
        return (process.ExitCode, rows, await error);
    }
}
