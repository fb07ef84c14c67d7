using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Remediation;

namespace SgConfigRule.Tests.Reliability;

/// <summary>
/// The remediation's three promises, checked against a model of what people and AWS actually do, in random
/// interleavings a person cannot out-guess. Each interleaving is one security group in a loopback EC2 that behaves like
/// EC2 (rules changed in place keep their ids, revoke by content fails or skips a changed rule, per-Region state, an
/// IAM deny on the exemption tag), a loopback DynamoDB holding the ledger, and the real SSM document run step by step
/// with the real revoke function:
/// <list type="bullet">
/// <item>a <b>person</b> edits the group at random moments of the remediation (at a random call it makes): adds rules,
/// removes them, changes them in place, edits descriptions, tags the group exempt or removes the tag;</item>
/// <item><b>faults</b> on every AWS call (throttling, 5xx, slow answers, dropped connections, answers lost after the
/// work was done), on the function itself (its answer lost, or it is killed right after its revoke), and on SNS
/// (refused, answer lost, down for the whole execution);</item>
/// <item><b>runs</b>: AWS Config's execution, sometimes the fast path's at the same moment, Config's retries of a
/// failed execution, and finally the next change's execution.</item>
/// </list>
/// After every interleaving: (a) no rule the policy allowed at the moment of the revoke call was removed; (b) every
/// removal EC2 made appears in exactly one published notice (one notice id; SNS may carry it twice) whose restore
/// command re-adds exactly it; (c) nothing changed outside the requested Region, every EC2 call was signed for it and
/// the ledger's for the function's own; (d) a deployment in DryRun never called a revoke.
/// <para>Interleavings: <c>SGCR_MODEL_RUNS</c> (default 500) from <c>SGCR_MODEL_FIRST</c> (default 0), seed
/// <c>SGCR_MODEL_SEED</c>, in <c>SGCR_MODEL_WORKERS</c> parallel workers (default 4), each with its own loopback AWS;
/// <c>SGCR_MODEL_REPORT</c> names a file the figures are appended to. A failure names its interleaving and seed: the
/// same choices replay with <c>SGCR_MODEL_FIRST=i SGCR_MODEL_RUNS=1</c> (the threads' timing may still differ).</para>
/// </summary>
public sealed class RemediationModelTests
{
    private const string Ledger = "sg-config-rule-ledger";
    private const string ExemptKey = "sg-config-rule:exempt";
    private const string HomeRegion = "us-east-1";

    private static int Runs => int.TryParse(Environment.GetEnvironmentVariable("SGCR_MODEL_RUNS"), out var n) && n > 0 ? n : 500;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SGCR_MODEL_SEED"), out var n) ? n : 20261205;
    private static int First => int.TryParse(Environment.GetEnvironmentVariable("SGCR_MODEL_FIRST"), out var n) && n >= 0 ? n : 0;
    private static int Workers => int.TryParse(Environment.GetEnvironmentVariable("SGCR_MODEL_WORKERS"), out var n) && n > 0 ? n : 4;

    /// <summary>What people add: allowed and disallowed content under the default policy (blocked 22 and 3389 from any address).</summary>
    private static readonly (string Protocol, int From, int To, Ec2Source Source)[] Universe =
    [
        ("tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0")),
        ("tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32")),
        ("tcp", 3389, 3389, Ec2Source.Ipv6("::/0")),
        ("tcp", 20, 30, Ec2Source.Ipv4("10.0.0.0/8")),
        ("udp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0")),
        ("-1", -1, -1, Ec2Source.Ipv4("198.51.100.0/24")),
        ("tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0")),
        ("tcp", 8443, 8443, Ec2Source.Ipv4("0.0.0.0/0")),
        ("tcp", 80, 80, Ec2Source.Ipv6("::/0")),
        ("udp", 53, 53, Ec2Source.Ipv4("10.0.0.0/8")),
        ("tcp", 22, 22, Ec2Source.Group("sg-0aaaaaaaaaaaaaaaa")),
        ("icmp", 8, 0, Ec2Source.Ipv4("0.0.0.0/0")),
    ];

    /// <summary>An independent statement of the policy the model runs with (the rule's defaults): TCP, UDP or all
    /// protocols reaching port 22 or 3389 from any address (CIDR or prefix list); referenced groups never count.</summary>
    private static bool Disallowed(Ec2Rule rule)
    {
        if (rule.Source.GroupId is not null) return false;
        if (rule.Protocol == "-1") return true;
        if (rule.Protocol is not ("tcp" or "udp")) return false;
        return (rule.FromPort <= 22 && 22 <= rule.ToPort) || (rule.FromPort <= 3389 && 3389 <= rule.ToPort);
    }

    private static string Content(string protocol, int from, int to, Ec2Source source) =>
        string.Create(CultureInfo.InvariantCulture, $"{protocol}|{(protocol == "-1" ? -1 : from)}|{(protocol == "-1" ? -1 : to)}|{source}");

    private static string Content(Ec2Rule r) => Content(r.Protocol, r.FromPort, r.ToPort, r.Source);

    private sealed class Stats
    {
        public int Interleavings, Revocations, Executions, Concurrent, Crashes, LostAnswers, PersonEdits, EditsDuringRuns, SnsDown, SnsFlaky,
            KeptNotices, AnswerLostEvidence, EarlierRunEvidence, UnverifiedEvidence, RepeatsAllowed, IdentifiedByContent, DryRunDeployments, DefaultVpc, Faults;
        public readonly ConcurrentDictionary<string, int> Statuses = new(StringComparer.Ordinal);
    }

    [Fact]
    public async Task Remediation_never_over_revokes_never_goes_silent_and_acts_only_where_and_how_deployed()
    {
        var stats = new Stats();
        var watch = Stopwatch.StartNew();
        var next = First - 1;
        var workers = Enumerable.Range(0, Math.Min(Workers, Runs)).Select(async _ =>
        {
            await using var server = await FakeAwsServer.StartAsync(Seed);
            server.DynamoDb.CreateTable(Ledger, "pk");
            int i;
            while ((i = Interlocked.Increment(ref next)) < First + Runs)
            {
                // A fixed mix (HashCode.Combine differs between processes): SGCR_MODEL_FIRST=i replays interleaving i's choices.
                var model = new Interleaving(server, i, new Random(unchecked((Seed * 1_000_003) + i)), stats);
                try
                {
                    await model.RunAsync();
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"interleaving {i} (SGCR_MODEL_SEED={Seed}): {e.Message}\n--- what happened:\n{model.Trace}\n--- {e.GetType().Name}: {e.StackTrace}");
                }
            }
        }).ToList();
        await Task.WhenAll(workers);

        var summary = $"model: {stats.Interleavings} interleavings in {watch.Elapsed.TotalSeconds:0.0} s, {stats.Executions} executions " +
                      $"({stats.Concurrent} with two at once), {stats.Revocations} revokes by EC2, {stats.PersonEdits} edits by people " +
                      $"({stats.EditsDuringRuns} while a run was in flight), {stats.Faults} AWS faults, {stats.Crashes} functions killed after a revoke, " +
                      $"{stats.LostAnswers} function answers lost, SNS down {stats.SnsDown} / flaky {stats.SnsFlaky}, {stats.KeptNotices} notices kept for " +
                      $"the next run, evidence AnswerLost {stats.AnswerLostEvidence} / EarlierRun {stats.EarlierRunEvidence} / Unverified {stats.UnverifiedEvidence}, " +
                      $"{stats.RepeatsAllowed} repeats after an answer SNS lost, an unrecorded end or a possible removal, {stats.IdentifiedByContent} removals known only by content, {stats.DryRunDeployments} DryRun deployments, {stats.DefaultVpc} default VPCs; " +
                      $"statuses {string.Join(", ", stats.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        // The figures for docs/reliability.md: SGCR_MODEL_REPORT=file keeps them (the test output shows them only on failure).
        if (Environment.GetEnvironmentVariable("SGCR_MODEL_REPORT") is { Length: > 0 } report) await File.AppendAllTextAsync(report, summary + Environment.NewLine, TestContext.Current.CancellationToken);
        if (Runs >= 300)
        {
            // The model must have exercised what it is for, or its silence proves nothing.
            Assert.True(stats.Revocations > Runs / 4, summary);
            Assert.True(stats.EditsDuringRuns > 0 && stats.Crashes > 0 && stats.LostAnswers > 0 && stats.KeptNotices > 0, summary);
            Assert.True(stats.AnswerLostEvidence > 0 && stats.EarlierRunEvidence > 0 && stats.Concurrent > 0 && stats.DryRunDeployments > 0, summary);
        }
    }

    /// <summary>One interleaving: its group, its person, its faults, its runs, and the checks.</summary>
    private sealed class Interleaving(FakeAwsServer server, int number, Random random, Stats stats)
    {
        private readonly StringBuilder trace = new();
        private readonly string groupId = $"sg-{0x5000000 + number:x17}";
        private readonly string region = random.Next(2) == 0 ? HomeRegion : "eu-west-1";
        private readonly Lock gate = new();
        private readonly List<(int AtCall, Action Edit)> edits = [];
        private readonly List<AutomationRunner.Publish> published = [];

        /// <summary>Notices SNS took and said so; notices SNS took but whose answer was lost (the document cannot know they went out).</summary>
        private readonly HashSet<string> acknowledged = new(StringComparer.Ordinal);
        private readonly HashSet<string> answerLost = new(StringComparer.Ordinal);

        private static string? RunIdOf(AutomationRunner.Publish publish) =>
            publish.MessageStructure == "json" ? JsonNode.Parse(JsonNode.Parse(publish.Message)!["sqs"]!.GetValue<string>())!["RunId"]?.GetValue<string>() : null;
        private int calls;
        private int inFlight;
        private bool revokeSeen;
        private CancellationTokenSource? armedKill;
        private DateTimeOffset now = DateTimeOffset.UtcNow;

        public string Trace
        {
            get
            {
                lock (gate) return trace.ToString();
            }
        }

        private void Note(string line)
        {
            lock (gate) trace.AppendLine(line);
        }

        private FakeEc2 Ec2 => server.Ec2In(region);
        private FakeEc2 Decoy => server.Ec2In(region == HomeRegion ? "eu-west-1" : HomeRegion);

        public async Task RunAsync()
        {
            Interlocked.Increment(ref stats.Interleavings);
            server.ClearCalls();
            server.Faults.Clear();
            var defaultVpc = random.NextDouble() < 0.3;
            if (defaultVpc) Interlocked.Increment(ref stats.DefaultVpc);
            Ec2.AddGroup(groupId, "model", inDefaultVpc: defaultVpc);
            Decoy.AddGroup(groupId, "decoy");
            Ec2.DenyRevokeWhenTagged.Add(ExemptKey);
            foreach (var pick in Enumerable.Range(0, random.Next(1, 6)).Select(_ => Universe[random.Next(Universe.Length)]).DistinctBy(u => Content(u.Protocol, u.From, u.To, u.Source)))
            {
                Described(Ec2.AddIngress(groupId, pick.Protocol, pick.From, pick.To, pick.Source, $"initial {pick.From}").RuleId, $"initial {pick.From}");
                Decoy.AddIngress(groupId, pick.Protocol, pick.From, pick.To, pick.Source, $"initial {pick.From}");
            }
            var decoyBefore = Decoy.Rules(groupId).Select(r => (Content(r), r.Description)).Order().ToList();
            var revocationsBefore = Ec2.Revocations.Count;
            var deployedRevoke = random.NextDouble() < 0.85;
            if (!deployedRevoke) Interlocked.Increment(ref stats.DryRunDeployments);
            var mode = deployedRevoke || random.Next(2) == 0 ? "Revoke" : "DryRun";
            Note($"group {groupId} in {region}{(defaultVpc ? " (default VPC)" : "")}, deployed {(deployedRevoke ? "Revoke" : "DryRun")}, document Mode {mode}; rules: {Rules()}");

            var function = new RevokeFunction(new RemediationRuntime(Options(), new Clock(() => now), TextWriter.Null)
            {
                ModeCeiling = deployedRevoke ? RemediationMode.Revoke : RemediationMode.DryRun,
                LedgerTable = Ledger,
                ExemptionTagProtectedByIam = true,
                TimeBudget = TimeSpan.FromSeconds(6),
                AttributionBudget = TimeSpan.FromMilliseconds(300),
            });
            var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath) { Region = region, AccountId = FakeEc2.DefaultAccount };
            runner.Functions["sg-config-rule-revoke"] = payload => InvokeAsync(function, payload);
            server.BeforeDispatch = (service, operation) => BeforeCall(operation);
            var parameters = new Dictionary<string, string>
            {
                ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
                ["SecurityGroupId"] = groupId,
                ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
                ["Mode"] = mode,
                ["ConfigRuleName"] = "",
                ["RuleParameters"] = "{}",
            };

            // AWS Config's execution, sometimes the fast path's at the same moment; Config's retries of a failed one.
            ScheduleEdits();
            Storm();
            var first = random.NextDouble() < 0.25
                ? await Task.WhenAll(ExecuteAsync(runner, parameters), ExecuteAsync(runner, parameters))
                : [await ExecuteAsync(runner, parameters)];
            if (first.Length == 2) Interlocked.Increment(ref stats.Concurrent);
            var failed = first.Any(s => s == "Failed");
            for (var retry = 0; failed && retry < 2; retry++)
            {
                now += TimeSpan.FromMinutes(2);
                ScheduleEdits();
                Storm();
                failed = await ExecuteAsync(runner, parameters) == "Failed";
            }
            // The next change's execution, much later, with nothing failing: it announces whatever is still unannounced.
            now += TimeSpan.FromMinutes(15);
            lock (gate) edits.Clear();
            server.Faults.Clear();
            snsMode = SnsMode.Up;
            await ExecuteAsync(runner, parameters, faultsOnFunction: false);
            server.BeforeDispatch = null;

            Check(deployedRevoke, decoyBefore, revocationsBefore);
        }

        private AwsClientOptions Options() => new()
        {
            Region = HomeRegion,
            Credentials = AwsTestSupport.Credentials,
            ServiceUrl = server.Url,
            Retry = new RetrySettings
            {
                MaxAttempts = 3,
                BaseDelay = TimeSpan.FromMilliseconds(1),
                MaxDelay = TimeSpan.FromMilliseconds(5),
                AttemptTimeout = TimeSpan.FromMilliseconds(150),
                TotalBudget = TimeSpan.FromSeconds(1),
            },
        };

        private sealed class Clock(Func<DateTimeOffset> now) : TimeProvider
        {
            public override DateTimeOffset GetUtcNow() => now();
        }

        private string Rules() => string.Join("; ", Ec2.Rules(groupId).Where(r => !r.IsEgress).Select(r => $"{r.RuleId} {Content(r)} \"{r.Description}\""));

        // ---- the person ----

        private void ScheduleEdits()
        {
            lock (gate)
            {
                edits.Clear();
                var start = calls;
                for (var k = random.Next(0, 4); k > 0; k--)
                {
                    var at = start + random.Next(1, 14);
                    var edit = random.Next(7);
                    var pick = Universe[random.Next(Universe.Length)];
                    var choice = random.Next(1000);
                    var validDays = random.Next(2) == 0 ? 10 : -10;
                    edits.Add((at, () => Edit(edit, pick, choice, validDays)));
                }
            }
        }

        private void Edit(int edit, (string Protocol, int From, int To, Ec2Source Source) pick, int choice, int days)
        {
            var rules = Ec2.Rules(groupId).Where(r => !r.IsEgress).ToList();
            var target = rules.Count == 0 ? null : rules[choice % rules.Count];
            var exists = rules.Any(r => Content(r) == Content(pick.Protocol, pick.From, pick.To, pick.Source));
            string? done = null;
            try
            {
                switch (edit)
                {
                    case 0 when !exists:
                        var added = Ec2.AddIngress(groupId, pick.Protocol, pick.From, pick.To, pick.Source, "added by a person").RuleId;
                        Described(added, "added by a person");
                        done = $"adds {added} {Content(pick.Protocol, pick.From, pick.To, pick.Source)}";
                        break;
                    case 1 when target is not null:
                        Ec2.RemoveRule(groupId, target.RuleId);
                        done = $"removes {target.RuleId}";
                        break;
                    case 2 when target is not null && !exists:
                        Ec2.ModifyRule(groupId, target.RuleId, pick.Protocol, pick.From, pick.To, pick.Source, "changed in place");
                        Described(target.RuleId, "changed in place");
                        done = $"changes {target.RuleId} in place to {Content(pick.Protocol, pick.From, pick.To, pick.Source)}";
                        break;
                    case 3 when target is not null:
                        Ec2.UpdateDescription(groupId, target.RuleId, $"edited {choice}");
                        Described(target.RuleId, $"edited {choice}");
                        done = $"edits the description of {target.RuleId}";
                        break;
                    case 4:
                        var until = now.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                        Ec2.SetTag(groupId, ExemptKey, $"{until} change window");
                        done = $"tags the group exempt until {until}";
                        break;
                    case 5:
                        Ec2.RemoveTag(groupId, ExemptKey);
                        done = "removes the exemption tag";
                        break;
                    default:
                        break;
                }
            }
            catch (ServiceFaultException e)
            {
                done = $"tries an edit EC2 refuses ({e.Reply.ErrorCode})";
            }
            if (done is null) return;
            Interlocked.Increment(ref stats.PersonEdits);
            if (Volatile.Read(ref inFlight) > 0) Interlocked.Increment(ref stats.EditsDuringRuns);
            Note($"  person {done}");
        }

        private Task BeforeCall(string operation)
        {
            List<Action> due;
            CancellationTokenSource? kill = null;
            lock (gate)
            {
                var at = ++calls;
                due = [.. edits.Where(e => e.AtCall == at).Select(e => e.Edit)];
                if (operation == "RevokeSecurityGroupIngress")
                {
                    revokeSeen = true;
                }
                else if (revokeSeen && armedKill is not null)
                {
                    // The function dies right after EC2 acted on its revoke: nothing after it reaches anyone.
                    kill = armedKill;
                    armedKill = null;
                }
            }
            foreach (var edit in due) edit();
            kill?.Cancel();
            return Task.CompletedTask;
        }

        // ---- faults ----

        private enum SnsMode { Up, Flaky, Down }

        private SnsMode snsMode = SnsMode.Up;

        private static readonly FaultKind[] Kinds = [FaultKind.Throttle, FaultKind.ServerError, FaultKind.Unavailable, FaultKind.Slow, FaultKind.Drop, FaultKind.LostReply];

        private void Storm()
        {
            server.Faults.Clear();
            foreach (var (service, operations) in new[]
                     {
                         ("ec2", new[] { (string?)null, "RevokeSecurityGroupIngress", "DescribeSecurityGroupRules", "DescribeSecurityGroups" }),
                         ("dynamodb", [null, "PutItem", "GetItem"]),
                         ("cloudtrail", [null]),
                     })
            {
                if (random.NextDouble() > 0.5) continue;
                var kind = Kinds[random.Next(Kinds.Length)];
                var operation = operations[random.Next(operations.Length)];
                server.Faults.Add(new FaultRule(service, operation, kind, Probability: 0.3 + random.NextDouble() * 0.5, Times: random.Next(1, 4))
                {
                    Delay = TimeSpan.FromMilliseconds(220),
                    Skip = random.Next(0, 3),
                });
                Note($"  faults: {kind} on {service} {operation ?? "(any)"}");
            }
            // The revoke itself, often: its answer lost after EC2 acted, dropped before, slow, or a server error.
            if (random.NextDouble() < 0.2)
            {
                var kind = new[] { FaultKind.LostReply, FaultKind.LostReply, FaultKind.Drop, FaultKind.Slow, FaultKind.ServerError }[random.Next(5)];
                server.Faults.Add(new FaultRule("ec2", "RevokeSecurityGroupIngress", kind, Times: 1) { Delay = TimeSpan.FromMilliseconds(220) });
                Note($"  faults: {kind} on the revoke");
            }
            snsMode = random.NextDouble() switch { < 0.1 => SnsMode.Down, < 0.3 => SnsMode.Flaky, _ => SnsMode.Up };
            if (snsMode == SnsMode.Down) Interlocked.Increment(ref stats.SnsDown);
            if (snsMode == SnsMode.Flaky) Interlocked.Increment(ref stats.SnsFlaky);
        }

        private AutomationRunner.SnsAnswer Sns(AutomationRunner.Publish publish)
        {
            var answer = snsMode switch
            {
                SnsMode.Down => AutomationRunner.SnsAnswer.Refused,
                SnsMode.Flaky => random.NextDouble() switch
                {
                    < 0.5 => AutomationRunner.SnsAnswer.Refused,
                    < 0.65 => AutomationRunner.SnsAnswer.AnswerLost,
                    _ => AutomationRunner.SnsAnswer.Published,
                },
                _ => AutomationRunner.SnsAnswer.Published,
            };
            if (answer != AutomationRunner.SnsAnswer.Refused)
            {
                lock (gate)
                {
                    published.Add(publish);
                    if (RunIdOf(publish) is { } runId)
                    {
                        if (answer == AutomationRunner.SnsAnswer.Published) acknowledged.Add(runId);
                        else answerLost.Add(runId);
                    }
                }
            }
            Note($"  SNS {answer}: {publish.Subject}");
            return answer;
        }

        // ---- the runs ----

        private bool functionFaults = true;

        private async Task<string> ExecuteAsync(AutomationRunner runner, Dictionary<string, string> parameters, bool faultsOnFunction = true)
        {
            functionFaults = faultsOnFunction;
            runner.Sns = Sns;
            Interlocked.Increment(ref stats.Executions);
            Interlocked.Increment(ref inFlight);
            var execution = await runner.RunAsync(parameters);
            Interlocked.Decrement(ref inFlight);
            var status = execution.Outputs.GetValueOrDefault("ReadOutcome.Status")?.ToString() ?? "(none)";
            stats.Statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
            if (execution.Steps.Any(s => s.Name == "KeepNotice")) Interlocked.Increment(ref stats.KeptNotices);
            Note($"execution: {execution.Status}, outcome {status}, steps {string.Join(" ", execution.Steps.Select(s => s.Succeeded ? s.Name : s.Name + "!"))}; rules now: {Rules()}");
            return execution.Status;
        }

        private async Task<string> InvokeAsync(RevokeFunction function, string payload)
        {
            var fault = functionFaults ? random.NextDouble() : 1.0;
            using var kill = new CancellationTokenSource();
            if (fault < 0.1)
            {
                lock (gate)
                {
                    armedKill = kill;
                    revokeSeen = false;
                }
            }
            RemediationOutcome outcome;
            try
            {
                outcome = await function.InvokeAsync(Encoding.UTF8.GetBytes(payload), kill.Token);
            }
            catch (OperationCanceledException) when (kill.IsCancellationRequested)
            {
                outcome = null!;
            }
            lock (gate)
            {
                if (ReferenceEquals(armedKill, kill)) armedKill = null;
            }
            if (kill.IsCancellationRequested)
            {
                Interlocked.Increment(ref stats.Crashes);
                Note("  function killed after its revoke");
                throw new InvalidOperationException("Lambda: the function was killed (injected)");
            }
            Note($"  function {JsonNode.Parse(payload)!["Mode"]}: {outcome.Status}{(outcome.Revoked.Count > 0 ? $", revoked {string.Join(", ", outcome.Revoked.Select(r => $"{r.RuleId} ({r.Evidence})"))}" : "")}{(outcome.Error is null ? "" : $", error {outcome.Error}")}");
            if (fault is >= 0.1 and < 0.2)
            {
                Interlocked.Increment(ref stats.LostAnswers);
                Note("  function's answer lost");
                throw new InvalidOperationException("Lambda: the answer was lost (injected)");
            }
            return JsonSerializer.Serialize(outcome, RemediationJsonContext.Default.RemediationOutcome);
        }

        // ---- the promises ----

        private sealed record Notice(string RunId, string Status, JsonArray Revoked, string? RestoreCommand, string? Note);

        private void Check(bool deployedRevoke, List<(string, string?)> decoyBefore, int revocationsBefore)
        {
            var revocations = Ec2.Revocations.Skip(revocationsBefore).Where(r => r.GroupId == groupId).ToList();
            Interlocked.Add(ref stats.Faults, server.Calls.Count(c => c.Fault is not null));

            // (d) A deployment in DryRun never calls a revoke.
            if (!deployedRevoke) Assert.DoesNotContain(server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");

            // (c) Nothing outside the requested Region; every call signed for the Region it belongs to.
            Assert.Equal(decoyBefore, Decoy.Rules(groupId).Select(r => (Content(r), r.Description)).Order().ToList());
            Assert.All(server.Calls.Where(c => c.Service == "ec2"), c => Assert.Equal(region, c.Region));
            Assert.All(server.Calls.Where(c => c.Service == "dynamodb"), c => Assert.Equal(HomeRegion, c.Region));

            // (a) Never a rule the policy allowed at the moment of the revoke call.
            foreach (var revocation in revocations)
            {
                Interlocked.Add(ref stats.Revocations, revocation.Removed.Count);
                Assert.False(revocation.TagsAtCall.ContainsKey(ExemptKey), $"a revoke on a group tagged {ExemptKey}");
                Assert.All(revocation.Removed, r => Assert.True(Disallowed(r), $"revoked an allowed rule: {r.RuleId} {Content(r)}"));
            }

            // (b) Every removal in exactly one notice, whose restore command re-adds exactly it.
            List<Notice> notices;
            lock (gate)
            {
                notices = [.. published.Where(p => p.MessageStructure == "json")
                    .Select(p => JsonNode.Parse(JsonNode.Parse(p.Message)!["sqs"]!.GetValue<string>())!)
                    .Where(m => m["Status"]!.GetValue<string>() != "Attributed")
                    .Select(m => new Notice(m["RunId"]!.GetValue<string>(), m["Status"]!.GetValue<string>(), m["Revoked"]!.AsArray(),
                        m["RestoreCommand"]?.GetValue<string>(), m["Note"]?.GetValue<string>()))
                    .DistinctBy(n => n.RunId)];
            }
            foreach (var removed in revocations.SelectMany(r => r.Removed))
            {
                bool SameContent(JsonNode? x) =>
                    Content(x!["Protocol"]!.GetValue<string>(), x["FromPort"]!.GetValue<int>(), x["ToPort"]!.GetValue<int>(), Source(x)) == Content(removed);
                bool ById(JsonNode? x) => x!["RuleId"]!.GetValue<string>() == removed.RuleId && SameContent(x);
                // Without EC2's answer (lost, or the function killed) a run knows a removal only by the content it asked
                // to remove, with the id and description it read: a rule someone deleted and another re-added with the
                // same content in that instant cannot be told apart. Such a claim is never "Confirmed".
                bool ByContent(JsonNode? x) => SameContent(x) && x!["Evidence"]?.GetValue<string>() is not "Confirmed";
                var carrying = notices.Where(n => n.Revoked.Any(ById)).ToList();
                var claimOf = (Func<Notice, JsonNode>)(n => n.Revoked.First(ById)!);
                if (carrying.Count == 0)
                {
                    carrying = [.. notices.Where(n => n.Revoked.Any(ByContent))];
                    claimOf = n => n.Revoked.First(ByContent)!;
                    if (carrying.Count > 0) Interlocked.Increment(ref stats.IdentifiedByContent);
                }
                Assert.True(carrying.Count > 0, $"{removed.RuleId} {Content(removed)} was removed and no published notice says so");
                if (carrying.Count > 1)
                {
                    // Three cases where a removal may be announced twice, all unknowable when they happen: SNS took a
                    // notice but its answer was lost and every later try failed (the execution counted it undelivered);
                    // the run could not record its end in the ledger (its notice said so); or the run could not tell
                    // whether EC2 acted and said "possibly removed" (Unverified). A later run then announces it again.
                    bool Unknowable(Notice n)
                    {
                        var unverified = claimOf(n)["Evidence"]?.GetValue<string>() == "Unverified";
                        lock (gate) return unverified
                                           || (answerLost.Contains(n.RunId) && !acknowledged.Contains(n.RunId))
                                           || n.Note?.Contains("Could not record the end of this run", StringComparison.Ordinal) == true;
                    }
                    Assert.True(carrying.Count(n => !Unknowable(n)) <= 1 && carrying.Any(Unknowable),
                        $"{removed.RuleId} is in {carrying.Count} notices: {string.Join(", ", carrying.Select(n => n.RunId))}");
                    Interlocked.Increment(ref stats.RepeatsAllowed);
                }
                foreach (var notice in carrying)
                {
                    // With EC2's answer, the description as EC2 removed it. Without (the answer lost, the function
                    // killed), the description as the run read it: one edited in the same moment is not known.
                    var claim = claimOf(notice);
                    var confirmedByEc2 = claim["Evidence"]?.GetValue<string>() == "Confirmed";
                    IReadOnlySet<string?> descriptions;
                    lock (gate) descriptions = confirmedByEc2 ? new HashSet<string?> { removed.Description }
                        : [.. DescriptionsOf(removed.RuleId), .. DescriptionsOf(claim["RuleId"]!.GetValue<string>())];
                    Assert.True(Restores(notice.RestoreCommand, removed, descriptions), $"the restore command of {notice.RunId} does not re-add {removed.RuleId} exactly: {notice.RestoreCommand}");
                }
            }
            // And no notice claims, as confirmed by EC2, a removal EC2 did not make.
            var removedIds = revocations.SelectMany(r => r.Removed).Select(r => r.RuleId).ToHashSet(StringComparer.Ordinal);
            foreach (var claim in notices.SelectMany(n => n.Revoked))
            {
                var evidence = claim!["Evidence"]?.GetValue<string>();
                switch (evidence)
                {
                    case "Confirmed":
                        Assert.Contains(claim["RuleId"]!.GetValue<string>(), removedIds);
                        break;
                    case "AnswerLost": Interlocked.Increment(ref stats.AnswerLostEvidence); break;
                    case "EarlierRun": Interlocked.Increment(ref stats.EarlierRunEvidence); break;
                    case "Unverified": Interlocked.Increment(ref stats.UnverifiedEvidence); break;
                    default: break;
                }
            }
        }

        private static Ec2Source Source(JsonNode rule)
        {
            var source = rule["Source"]!.GetValue<string>();
            return rule["SourceType"]!.GetValue<string>() switch
            {
                "ipv4" => Ec2Source.Ipv4(source),
                "ipv6" => Ec2Source.Ipv6(source),
                "prefixList" => Ec2Source.PrefixList(source),
                _ => Ec2Source.Group(source),
            };
        }

        /// <summary>Every description a rule had, as people set it.</summary>
        private readonly Dictionary<string, HashSet<string?>> descriptions = new(StringComparer.Ordinal);

        private HashSet<string?> DescriptionsOf(string ruleId) => descriptions.TryGetValue(ruleId, out var set) ? set : [];

        private void Described(string ruleId, string? description)
        {
            lock (gate)
            {
                if (!descriptions.TryGetValue(ruleId, out var set)) descriptions[ruleId] = set = [];
                set.Add(description);
            }
        }

        /// <summary>Whether the command's <c>--ip-permissions</c> hold the removed rule's content with one of <paramref name="descriptions"/>.</summary>
        private static bool Restores(string? command, Ec2Rule removed, IReadOnlySet<string?> descriptions)
        {
            if (command is null) return false;
            var start = command.IndexOf("--ip-permissions '", StringComparison.Ordinal);
            if (start < 0) return false;
            var json = command[(start + "--ip-permissions '".Length)..^1].Replace("'\\''", "'", StringComparison.Ordinal);
            foreach (var permission in JsonNode.Parse(json)!.AsArray())
            {
                var protocol = permission!["IpProtocol"]!.GetValue<string>();
                var from = permission["FromPort"]?.GetValue<int>() ?? -1;
                var to = permission["ToPort"]?.GetValue<int>() ?? -1;
                foreach (var (list, field, make) in new (string, string, Func<string, Ec2Source>)[]
                         {
                             ("IpRanges", "CidrIp", Ec2Source.Ipv4), ("Ipv6Ranges", "CidrIpv6", Ec2Source.Ipv6),
                             ("PrefixListIds", "PrefixListId", Ec2Source.PrefixList), ("UserIdGroupPairs", "GroupId", id => Ec2Source.Group(id)),
                         })
                {
                    foreach (var entry in permission[list]?.AsArray() ?? [])
                    {
                        if (Content(protocol, from, to, make(entry![field]!.GetValue<string>())) == Content(removed)
                            && descriptions.Contains(entry["Description"]?.GetValue<string>()))
                        {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }
}
