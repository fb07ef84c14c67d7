using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Rule.Handling;

namespace SgConfigRule.Tests.Rule;

/// <summary>The scheduled sweep: list, fetch by 100, evaluate, post by 100 — with call counts, faults and clean-up.</summary>
public class SweepTests
{
    private static readonly DateTime Recorded = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Notification = new(2026, 11, 26, 11, 0, 0, DateTimeKind.Utc);

    /// <summary>N groups; every seventh opens SSH to the world, every eleventh opens all traffic from a /16.</summary>
    private static void Groups(RuleHarness harness, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = $"sg-{i:x17}";
            harness.Server.Ec2.AddGroup(id, $"group-{i}");
            harness.Server.Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
            if (i % 7 == 0) harness.Server.Ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
            if (i % 11 == 0) harness.Server.Ec2.AddIngress(id, "-1", -1, -1, Ec2Source.Ipv4("10.1.0.0/16"));
        }
        harness.Server.Config.RecordAll(harness.Server.Ec2, Recorded);
    }

    private static int ExpectedNonCompliant(int count) => Enumerable.Range(0, count).Count(i => i % 7 == 0 || i % 11 == 0);

    [Theory]
    [InlineData(250)]
    [InlineData(10_000)]
    public async Task A_sweep_posts_one_evaluation_per_group_within_the_call_budget(int count)
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, count);
        var result = await harness.InvokeAsync(RuleHarness.ScheduledEvent());

        var stored = harness.Server.Config.Evaluations;
        Assert.Equal(count, stored.Count);
        Assert.Equal(count, stored.Select(e => e.ResourceId).Distinct().Count());
        Assert.Equal(ExpectedNonCompliant(count), stored.Count(e => e.ComplianceType == "NON_COMPLIANT"));
        Assert.All(stored, e => Assert.Equal(Notification, e.OrderingTimestamp));
        Assert.Equal(count, result.Posted.Count);

        var chunks = (count + 99) / 100;
        Assert.Equal(chunks, harness.Server.CountCalls("config", "ListDiscoveredResources"));
        Assert.Equal(chunks, harness.Server.CountCalls("config", "BatchGetResourceConfig"));
        Assert.Equal(chunks, harness.Server.CountCalls("config", "PutEvaluations"));
        var pagination = harness.Server.CountCalls("config", "GetComplianceDetailsByConfigRule");
        Assert.Equal(1, pagination);
        Assert.True(harness.Server.Calls.Count <= 3 * chunks + pagination, $"{harness.Server.Calls.Count} calls");
        Assert.DoesNotContain(harness.Server.Calls, c => c.Service == "ec2");
    }

    [Fact]
    public async Task The_functions_response_lists_at_most_the_limit_and_counts_the_rest_so_Lambda_accepts_it()
    {
        await using var harness = await RuleHarness.StartAsync();
        var count = SgConfigRule.Rule.RuleFunction.ResponseEvaluationLimit + 500;
        Groups(harness, count);

        await using var response = await harness.Function.HandleAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(RuleHarness.ScheduledEvent())));

        Assert.Equal(count, harness.Server.Config.Evaluations.Count);   // every evaluation is posted, whatever the response lists
        var bytes = new MemoryStream();
        await response.CopyToAsync(bytes, TestContext.Current.CancellationToken);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(bytes.ToArray())!;
        Assert.Equal(SgConfigRule.Rule.RuleFunction.ResponseEvaluationLimit, summary["evaluations"]!.AsArray().Count);
        Assert.Equal(500, summary["evaluationsOmitted"]!.GetValue<int>());
        // A listed evaluation is at most about 550 bytes (with a 256-character annotation): the limit keeps a response
        // under a tenth of Lambda's 6 MB.
        Assert.True(bytes.Length < SgConfigRule.Rule.RuleFunction.ResponseEvaluationLimit * 550, $"{bytes.Length} bytes");
    }

    [Fact]
    public async Task Groups_evaluated_before_and_gone_now_become_NOT_APPLICABLE()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 5);
        await harness.InvokeAsync(RuleHarness.ScheduledEvent());
        harness.Server.Ec2.DeleteGroup("sg-00000000000000003");
        harness.Server.Config.RecordDeletion("sg-00000000000000003", Recorded.AddMinutes(30));

        await harness.InvokeAsync(RuleHarness.ScheduledEvent(notificationTime: "2026-11-26T12:00:00.000Z"));

        var latest = harness.Server.Config.LatestResults().ToDictionary(e => e.ResourceId);
        Assert.Equal(("NOT_APPLICABLE", "Resource no longer exists"), (latest["sg-00000000000000003"].ComplianceType, latest["sg-00000000000000003"].Annotation));
        Assert.Equal(4, latest.Values.Count(e => e.ComplianceType != "NOT_APPLICABLE"));
    }

    [Fact]
    public async Task A_sweep_catches_an_exemption_that_expired_while_nothing_changed()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-vendor", "vendor-sftp");
        harness.Server.Ec2.AddIngress("sg-vendor", "tcp", 22, 22, Ec2Source.Ipv4("198.51.100.0/24"));
        harness.Server.Ec2.SetTag("sg-vendor", "sg-config-rule:exempt", "2026-11-25 CHG-4711");
        harness.Server.Config.RecordAll(harness.Server.Ec2, Recorded.AddDays(-30));
        await harness.InvokeAsync(RuleHarness.ScheduledEvent());
        var posted = Assert.Single(harness.Server.Config.Evaluations);
        Assert.Equal("NON_COMPLIANT", posted.ComplianceType);
        Assert.StartsWith("Exemption expired 2026-11-25. ", posted.Annotation);
    }

    [Fact]
    public async Task Throttling_mid_sweep_is_absorbed_by_retries()
    {
        await using var harness = await RuleHarness.StartAsync(seed: 99);
        Groups(harness, 1_000);
        harness.Server.Faults.Add(new FaultRule("config", null, FaultKind.Throttle, Probability: 0.3));
        await harness.InvokeAsync(RuleHarness.ScheduledEvent());
        Assert.Equal(1_000, harness.Server.Config.Evaluations.Select(e => e.ResourceId).Distinct().Count());
        Assert.Contains(harness.Server.Calls, c => c.Fault == FaultKind.Throttle && c.Operation == "BatchGetResourceConfig");
    }

    [Fact]
    public async Task Unprocessed_keys_are_asked_for_again()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 150);
        harness.Server.Config.LeaveUnprocessedOnNextBatch(30);
        await harness.InvokeAsync(RuleHarness.ScheduledEvent());
        Assert.Equal(150, harness.Server.Config.Evaluations.Count);
        Assert.Equal(3, harness.Server.CountCalls("config", "BatchGetResourceConfig"));
    }

    [Fact]
    public async Task When_an_AWS_call_fails_for_good_the_sweep_posts_what_it_evaluated_then_fails()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 300);
        harness.Server.Faults.Add(new FaultRule("config", "BatchGetResourceConfig", FaultKind.ServerError) { Skip = 1 });
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.ScheduledEvent()));
        Assert.IsType<AwsServiceException>(e.InnerException);
        Assert.Equal(100, harness.Server.Config.Evaluations.Count);
        Assert.Equal(100, e.Result.Posted.Count);
        Assert.Contains(e.Result.Failures, f => f.Cause.Contains("BatchGetResourceConfig", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_group_gets_no_verdict_the_others_do_and_the_invocation_fails()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 3);
        harness.Server.Config.Record(new FakeConfigItem("AWS::EC2::SecurityGroup", "sg-broken", "broken", "OK", Recorded,
            """{"groupId":"sg-broken","ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":21,"ipRanges":["0.0.0.0/0"]}]}""",
            new Dictionary<string, string>(), FakeEc2.DefaultAccount, "us-east-1"));
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.ScheduledEvent()));
        var failure = Assert.Single(e.Result.Failures);
        Assert.Equal("sg-broken", failure.ResourceId);
        Assert.Contains("$.configuration(json).ipPermissions[0].fromPort", failure.Cause);
        Assert.Equal(3, harness.Server.Config.Evaluations.Count);
        Assert.DoesNotContain(harness.Server.Config.Evaluations, ev => ev.ResourceId == "sg-broken");
    }

    [Fact]
    public async Task Evaluations_the_service_keeps_failing_fail_the_invocation_by_name()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 5);
        harness.Server.Config.FailEvaluationFor = id => id == "sg-00000000000000002";
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.ScheduledEvent()));
        Assert.Equal("sg-00000000000000002", Assert.Single(e.Result.Failures).ResourceId);
        Assert.Equal(4, harness.Server.Config.Evaluations.Count);
    }
}
