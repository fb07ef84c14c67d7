using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Rule;

namespace SgConfigRule.Bench;

/// <summary>
/// <c>sweep-cost [groups]</c>: what the periodic sweep costs, counted on the loopback AWS endpoints (the rule function
/// in this process, real SDK clients over HTTP). One account of N groups (every seventh opens SSH to the world, one is
/// exempt for four days) is swept four times: the first sweep, a second with nothing changed, one after a group
/// changed, one after the exemption expired. For each: calls per API, evaluations posted (each one billed by AWS
/// Config) and the time the invocation took.
/// </summary>
internal static class SweepCost
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int groups)
    {
        await using var server = await FakeAwsServer.StartAsync(seed: 19);
        var clock = new Clock(Start);
        server.Config.Clock = () => clock.GetUtcNow().UtcDateTime;
        var options = new AwsClientOptions
        {
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials(FakeAwsServer.AccessKey, FakeAwsServer.SecretKey),
            ServiceUrl = server.Url,
        };
        var function = new RuleFunction(new RuleRuntime(options, clock, TextWriter.Null));

        for (var i = 0; i < groups; i++)
        {
            var id = Id(i);
            server.Ec2.AddGroup(id, $"group-{i}");
            server.Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
            if (i % 7 == 0) server.Ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        }
        var exempt = Id(groups - 1);
        server.Ec2.AddIngress(exempt, "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
        server.Ec2.SetTag(exempt, "sg-config-rule:exempt", $"{Start.AddDays(4):yyyy-MM-dd} CHG-19");
        server.Config.RecordAll(server.Ec2, Start.UtcDateTime.AddHours(-2));

        Console.WriteLine($"sweep-cost: {groups:N0} groups on the loopback endpoints ({Environment.ProcessorCount} cores)");
        Console.WriteLine();
        Console.WriteLine("| sweep | ListDiscoveredResources | BatchGetResourceConfig | GetComplianceDetailsByConfigRule | PutEvaluations | calls | bound 3·⌈N/100⌉+pages | evaluations posted | time |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

        await SweepAsync("first (nothing recorded)");
        clock.Advance(TimeSpan.FromDays(1));
        await SweepAsync("second, nothing changed");
        clock.Advance(TimeSpan.FromDays(1));
        server.Ec2.AddIngress(Id(1), "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
        server.Config.Record(server.Config.SecurityGroupItem(server.Ec2.FindGroup(Id(1))!, clock.GetUtcNow().UtcDateTime));
        await SweepAsync("one group changed");
        clock.Advance(TimeSpan.FromDays(3));
        await SweepAsync("one exemption expired");
        return 0;

        async Task SweepAsync(string name)
        {
            server.ClearCalls();
            var before = server.Config.Evaluations.Count;
            var watch = Stopwatch.StartNew();
            var time = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            await function.InvokeAsync(Encoding.UTF8.GetBytes(ScheduledEvent(time)), CancellationToken.None);
            watch.Stop();
            int Count(string operation) => server.CountCalls("config", operation);
            var pages = Count("GetComplianceDetailsByConfigRule");
            var bound = 3 * ((groups + 99) / 100) + pages;
            Console.WriteLine($"| {name} | {Count("ListDiscoveredResources")} | {Count("BatchGetResourceConfig")} | {pages} | " +
                              $"{Count("PutEvaluations")} | {server.Calls.Count} | {bound} | {server.Config.Evaluations.Count - before:N0} | {watch.Elapsed.TotalSeconds:F2} s |");
        }
    }

    private static string Id(int i) => $"sg-{i:x17}";

    private static string ScheduledEvent(string notificationTime)
    {
        var invoking = $$"""{"awsAccountId":"{{FakeEc2.DefaultAccount}}","notificationCreationTime":"{{notificationTime}}","messageType":"ScheduledNotification","recordVersion":"1.0"}""";
        return new System.Text.Json.Nodes.JsonObject
        {
            ["configRuleId"] = "config-rule-abc123",
            ["version"] = "1.0",
            ["configRuleName"] = "sg-config-rule",
            ["configRuleArn"] = $"arn:aws:config:us-east-1:{FakeEc2.DefaultAccount}:config-rule/config-rule-abc123",
            ["invokingEvent"] = invoking,
            ["resultToken"] = "token",
            ["eventLeftScope"] = false,
            ["ruleParameters"] = "{}",
            ["accountId"] = FakeEc2.DefaultAccount,
        }.ToJsonString();
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public void Advance(TimeSpan by) => now += by;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
