using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.Tests.Aws.AwsTestSupport;
using ConfigEvaluation = SgConfigRule.Aws.ConfigService.Model.Evaluation;

namespace SgConfigRule.Tests.Aws;

/// <summary>Retries with full jitter on throttling, 5xx, timeouts and dropped connections; a typed error when they run out.</summary>
public class RetryTests
{
    private static PutEvaluationsRequest Batch(int first, int count) => new()
    {
        ResultToken = "token",
        Evaluations = [.. Enumerable.Range(first, count).Select(i => new ConfigEvaluation
        {
            ComplianceResourceType = ResourceType.AWSEC2SecurityGroup,
            ComplianceResourceId = $"sg-{i:x8}",
            ComplianceType = i % 3 == 0 ? ComplianceType.NON_COMPLIANT : ComplianceType.COMPLIANT,
            OrderingTimestamp = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc),
        })],
    };

    [Fact]
    public async Task A_thousand_evaluations_all_arrive_under_30_percent_throttling()
    {
        await using var server = await FakeAwsServer.StartAsync(seed: 42);
        server.Faults.Add(new FaultRule("config", "PutEvaluations", FaultKind.Throttle, Probability: 0.3));
        var retries = 0;
        var config = new AmazonConfigServiceClient(Options(server) with { OnRetry = (_, _) => Interlocked.Increment(ref retries) });

        for (var first = 0; first < 1000; first += 100)
        {
            var response = await config.PutEvaluationsAsync(Batch(first, 100), TestContext.Current.CancellationToken);
            Assert.Empty(response.FailedEvaluations);
        }

        var stored = server.Config.Evaluations;
        Assert.Equal(1000, stored.Count);
        Assert.Equal(1000, stored.Select(e => e.ResourceId).Distinct().Count());
        var throttled = server.Calls.Count(c => c.Fault == FaultKind.Throttle);
        Assert.True(throttled > 0, "the fault plan should have throttled some calls");
        Assert.Equal(throttled, retries);
        Assert.Equal(10 + throttled, server.CountCalls("config", "PutEvaluations"));
    }

    [Theory]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.Unavailable)]
    [InlineData(FaultKind.Drop)]
    public async Task Server_errors_and_dropped_connections_are_retried(FaultKind kind)
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Faults.Add(FaultRule.Count("config", "PutEvaluations", kind, 2));
        var config = new AmazonConfigServiceClient(Options(server));
        await config.PutEvaluationsAsync(Batch(0, 3), TestContext.Current.CancellationToken);
        Assert.Equal(3, server.Config.Evaluations.Count);
        Assert.Equal(3, server.CountCalls("config", "PutEvaluations"));
    }

    [Fact]
    public async Task A_slow_answer_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Faults.Add(FaultRule.Count("config", "ListDiscoveredResources", FaultKind.Slow, 1) with { Delay = TimeSpan.FromSeconds(3) });
        var config = new AmazonConfigServiceClient(Options(server, FastRetry with { AttemptTimeout = TimeSpan.FromMilliseconds(300) }));
        var response = await config.ListDiscoveredResourcesAsync(new() { ResourceType = ResourceType.AWSEC2SecurityGroup }, TestContext.Current.CancellationToken);
        Assert.Empty(response.ResourceIdentifiers);
        Assert.Equal(2, server.CountCalls("config", "ListDiscoveredResources"));
    }

    [Fact]
    public async Task When_retries_run_out_the_caller_gets_a_typed_error_and_nothing_partial()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Faults.Add(FaultRule.Always("config", "PutEvaluations", FaultKind.Throttle));
        var config = new AmazonConfigServiceClient(Options(server, FastRetry with { MaxAttempts = 4 }));
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => config.PutEvaluationsAsync(Batch(0, 10), TestContext.Current.CancellationToken));
        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.True(e.IsThrottling);
        Assert.Equal(4, e.Attempts);
        Assert.Contains("after 4 attempts", e.Message);
        Assert.Equal(4, server.CountCalls("config", "PutEvaluations"));
        Assert.Empty(server.Config.Evaluations);
    }

    [Fact]
    public async Task The_total_budget_bounds_the_whole_call()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Faults.Add(FaultRule.Always("config", "PutEvaluations", FaultKind.Slow) with { Delay = TimeSpan.FromSeconds(5) });
        var config = new AmazonConfigServiceClient(Options(server, FastRetry with
        {
            AttemptTimeout = TimeSpan.FromMilliseconds(200),
            TotalBudget = TimeSpan.FromMilliseconds(900),
            MaxAttempts = 100,
        }));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<AwsTimeBudgetExceededException>(() => config.PutEvaluationsAsync(Batch(0, 1), TestContext.Current.CancellationToken));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.True(e.Attempts >= 2, $"{e.Attempts} attempts");
        Assert.IsType<AwsTransportException>(e.InnerException);
        Assert.Equal("PutEvaluations", e.Operation);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var config = new AmazonConfigServiceClient(Options(server));
        await Assert.ThrowsAsync<AwsServiceException>(() => config.GetResourceConfigHistoryAsync(
            new() { ResourceType = ResourceType.AWSEC2SecurityGroup, ResourceId = "sg-missing" }, TestContext.Current.CancellationToken));
        Assert.Equal(1, server.CountCalls("config", "GetResourceConfigHistory"));
    }

    [Fact]
    public void Full_jitter_waits_between_zero_and_the_capped_exponential()
    {
        var settings = new RetrySettings { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };
        Assert.Equal(TimeSpan.Zero, settings.FullJitterDelay(5, 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.FullJitterDelay(0, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(400), settings.FullJitterDelay(3, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), settings.FullJitterDelay(10, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), settings.FullJitterDelay(1000, 0.5));
    }

    [Fact]
    public async Task The_waits_actually_taken_follow_full_jitter()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Faults.Add(FaultRule.Count("config", "PutEvaluations", FaultKind.Throttle, 4));
        var waits = new List<TimeSpan>();
        var settings = FastRetry with { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(40) };
        var config = new AmazonConfigServiceClient(Options(server, settings) with { JitterSample = () => 0.5, OnRetry = (_, wait) => waits.Add(wait) });
        await config.PutEvaluationsAsync(Batch(0, 1), TestContext.Current.CancellationToken);
        Assert.Equal([5, 10, 20, 20], waits.Select(w => w.TotalMilliseconds));
    }

    [Theory]
    [InlineData("com.amazonaws.config#ThrottlingException", "ThrottlingException")]
    [InlineData("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException")]
    [InlineData("InvalidResultTokenException", "InvalidResultTokenException")]
    [InlineData("  ", null)]
    public void Error_codes_are_read_from_every_form_AWS_uses(string raw, string? code) =>
        Assert.Equal(code, AwsJsonProtocolClient.NormaliseCode(raw));
}
