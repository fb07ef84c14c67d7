using System.Text;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Remediation;
using SgConfigRule.Rule;
using SgConfigRule.Rule.Handling;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Remediation;
using SgConfigRule.Tests.Rule;

namespace SgConfigRule.Tests.Reliability;

/// <summary>
/// Faults on every AWS call of the change path, the sweep and the remediation — throttling storms, 500s, 503s,
/// timeouts, dropped connections and replies lost after the work was done — at random, seeded, over many runs. The
/// outcome is always either complete and correct, or a failure AWS retries: never a lost or wrong evaluation, never an
/// allowed rule revoked, never a revoke reported when the rule is still there.
/// Runs per scenario: <c>SGCR_FAULT_RUNS</c> (default 8; the change scenario runs three times as many, the remediation twice — the EC2 SDK's own backoff makes those slower); <c>SGCR_FAULT_RUNS=500 ./test.sh</c> for a long run.
/// </summary>
public sealed class FaultInjectionTests
{
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FAULT_RUNS"), out var n) && n > 0 ? n : 8;

    private static readonly FaultKind[] Kinds = [FaultKind.Throttle, FaultKind.ServerError, FaultKind.Unavailable, FaultKind.Slow, FaultKind.Drop, FaultKind.LostReply];

    /// <summary>Short attempts so timeouts happen; enough attempts that most runs complete.</summary>
    private static readonly RetrySettings Retry = new()
    {
        MaxAttempts = 6,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromMilliseconds(200),
        TotalBudget = TimeSpan.FromSeconds(2),
    };

    /// <summary>Faults on each service, of random kinds and rates; slow answers outlast an attempt.</summary>
    private static void Storm(FakeAwsServer server, Random random, params string[] services)
    {
        foreach (var service in services)
        {
            for (var i = 0; i < 2; i++)
            {
                server.Faults.Add(new FaultRule(service, null, Kinds[random.Next(Kinds.Length)], Probability: 0.1 + random.NextDouble() * 0.5)
                {
                    Delay = TimeSpan.FromMilliseconds(300),
                });
            }
        }
    }

    private static int Faulted(FakeAwsServer server) => server.Calls.Count(c => c.Fault is not null);

    /// <summary>A synthetic account: groups that are compliant, open SSH or RDP, all traffic, IPv6, references.</summary>
    private static void Seed(FakeAwsServer server, int groups)
    {
        var random = new Random(42);
        for (var i = 0; i < groups; i++)
        {
            var id = $"sg-{i:x17}";
            server.Ec2.AddGroup(id, $"group-{i}");
            server.Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
            switch (random.Next(5))
            {
                case 0: server.Ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4($"198.51.100.{i % 250}/32")); break;
                case 1: server.Ec2.AddIngress(id, "tcp", 3389, 3389, Ec2Source.Ipv6("::/0")); break;
                case 2: server.Ec2.AddIngress(id, "-1", -1, -1, Ec2Source.Ipv4("0.0.0.0/0")); break;
                case 3 when i > 0: server.Ec2.AddIngress(id, "-1", -1, -1, Ec2Source.Group($"sg-{i - 1:x17}")); break;
            }
        }
        server.Config.RecordAll(server.Ec2, RuleHarness.Now.UtcDateTime.AddMinutes(-30));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static RuleFunction Rule(FakeAwsServer server) =>
        new(new RuleRuntime(AwsTestSupport.Options(server, Retry), new FixedClock(RuleHarness.Now), TextWriter.Null));

    private static async Task<Dictionary<string, string>> CleanVerdictsAsync(int groups)
    {
        await using var server = await FakeAwsServer.StartAsync();
        Seed(server, groups);
        var result = await Rule(server).InvokeAsync(Encoding.UTF8.GetBytes(RuleHarness.ScheduledEvent()), TestContext.Current.CancellationToken);
        return result.Posted.ToDictionary(p => p.ResourceId, p => p.ComplianceType);
    }

    [Fact]
    public async Task The_sweep_under_faults_posts_every_verdict_right_or_fails_for_a_retry()
    {
        const int groups = 130;
        var expected = await CleanVerdictsAsync(groups);
        Assert.Equal(groups, expected.Count);
        Assert.Contains("NON_COMPLIANT", expected.Values);
        Assert.Contains("COMPLIANT", expected.Values);

        int completed = 0, failed = 0, faults = 0;
        var timings = new FaultTimings("sweep");
        for (var run = 0; run < Runs; run++)
        {
            await using var server = await FakeAwsServer.StartAsync(seed: 1000 + run);
            Seed(server, groups);
            Storm(server, new Random(run), "config");
            var succeeded = true;
            try
            {
                await timings.TimeAsync(run, server,
                    () => Rule(server).InvokeAsync(Encoding.UTF8.GetBytes(RuleHarness.ScheduledEvent()), TestContext.Current.CancellationToken), _ => "complete");
            }
            catch (Exception e) when (e is RuleInvocationException or AwsRequestException or OperationCanceledException)
            {
                succeeded = false;
            }
            faults += Faulted(server);
            // Never a wrong verdict, whatever happened.
            foreach (var posted in server.Config.Evaluations)
            {
                Assert.True(expected[posted.ResourceId] == posted.ComplianceType, $"run {run}: {posted.ResourceId} posted {posted.ComplianceType}, expected {expected[posted.ResourceId]}");
            }
            if (succeeded)
            {
                // Complete: every group has its verdict.
                var latest = server.Config.LatestResults();
                Assert.Equal(expected.Keys.Order(), latest.Select(e => e.ResourceId).Order());
                completed++;
            }
            else
            {
                failed++;
            }
        }
        Assert.True(faults > Runs, $"only {faults} faults were injected in {Runs} runs");
        TestContext.Current.TestOutputHelper?.WriteLine($"sweep: {Runs} runs, {completed} complete, {failed} failed for a retry, {faults} faults injected");
        TestContext.Current.TestOutputHelper?.WriteLine(timings.Report());
    }

    [Fact]
    public async Task A_change_under_faults_is_evaluated_right_or_fails_for_a_retry()
    {
        int completed = 0, faults = 0;
        var timings = new FaultTimings("change");
        for (var run = 0; run < Runs * 3; run++)
        {
            await using var server = await FakeAwsServer.StartAsync(seed: 2000 + run);
            server.Ec2.AddGroup("sg-0f3c6a1e2b4d58a90", "Web Server Security Group");
            server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
            server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"));
            Storm(server, new Random(run), "config");
            var item = RuleHarness.ItemFor(server, "sg-0f3c6a1e2b4d58a90", RuleHarness.Now.UtcDateTime.AddMinutes(-1));
            try
            {
                var result = await timings.TimeAsync(run, server,
                    () => Rule(server).InvokeAsync(Encoding.UTF8.GetBytes(RuleHarness.ChangeEvent(item)), TestContext.Current.CancellationToken), _ => "complete");
                Assert.Equal("NON_COMPLIANT", Assert.Single(result.Posted).ComplianceType);
                completed++;
            }
            catch (Exception e) when (e is RuleInvocationException or AwsRequestException or OperationCanceledException)
            {
                // A failed invocation: Config retries it.
            }
            Assert.All(server.Config.Evaluations, e => Assert.Equal("NON_COMPLIANT", e.ComplianceType));
            faults += Faulted(server);
        }
        Assert.True(completed > 0, "no run completed: the storm is too strong to say anything");
        TestContext.Current.TestOutputHelper?.WriteLine($"change: {Runs * 3} runs, {completed} complete, {faults} faults injected");
        TestContext.Current.TestOutputHelper?.WriteLine(timings.Report());
    }

    [Fact]
    public async Task The_remediation_under_faults_never_removes_an_allowed_rule_and_never_claims_a_revoke_it_did_not_make()
    {
        int revoked = 0, failedRuns = 0, faults = 0;
        var statuses = new Dictionary<RemediationStatus, int>();
        var timings = new FaultTimings("remediation");
        for (var run = 0; run < Runs * 2; run++)
        {
            await using var harness = await RemediationHarness.StartAsync(seed: 3000 + run, configure: r => r with { Aws = r.Aws with { Retry = Retry } });
            var ssh = await harness.WebServerWithSshAsync();
            harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule", "{}", "arn:aws:lambda:us-east-1:111122223333:function:sg-config-rule-rule:live"));
            harness.Server.ClearCalls();
            Storm(harness.Server, new Random(run), "ec2", "cloudtrail", "config");

            var outcome = await timings.TimeAsync(run, harness.Server, () => harness.RunAsync(configRuleName: "sg-config-rule"), o => o.Status.ToString());
            faults += Faulted(harness.Server);
            statuses[outcome.Status] = statuses.GetValueOrDefault(outcome.Status) + 1;
            var rules = harness.Server.Ec2.Rules(RemediationHarness.WebGroup);
            var sshPresent = rules.Any(r => r.RuleId == ssh);

            // The allowed HTTPS rules are always there, and a removed SSH rule is always reported.
            Assert.Equal(2, rules.Count(r => r.FromPort == 443));
            if (!sshPresent)
            {
                Assert.True(outcome.Revoked.Any(r => r.RuleId == ssh), $"run {run}: the SSH rule is gone and the outcome ({outcome.Status}) does not say so; calls:\n"
                    + string.Join("\n", harness.Server.Calls.Where(c => c.Service is "ec2").Select(c => $"{c.Operation} {c.StatusCode} {c.Fault} {c.ErrorCode}")));
            }
            switch (outcome.Status)
            {
                case RemediationStatus.Revoked:
                    Assert.False(sshPresent, $"run {run}: Revoked reported while the SSH rule is still there");
                    Assert.Equal(ssh, Assert.Single(outcome.Revoked).RuleId);
                    revoked++;
                    break;
                case RemediationStatus.Failed:
                    Assert.False(string.IsNullOrEmpty(outcome.Error));
                    // A failed run claims no removal, except as possible when neither EC2's answer nor the group could be read.
                    Assert.All(outcome.Revoked, r => Assert.Equal(RevokeEvidence.Unverified, r.Evidence));
                    failedRuns++;
                    break;
                default:
                    Assert.Fail($"run {run}: unexpected status {outcome.Status} ({outcome.Error ?? outcome.Note})");
                    break;
            }
        }
        Assert.True(revoked > 0, "no run revoked: the storm is too strong to say anything");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"remediation: {Runs * 2} runs, {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}, {faults} faults injected");
        TestContext.Current.TestOutputHelper?.WriteLine(timings.Report());
    }
}
