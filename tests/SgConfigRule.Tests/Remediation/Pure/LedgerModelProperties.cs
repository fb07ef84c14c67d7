using System.Globalization;
using System.Text;
using Amazon.EC2.Model;
using CsCheck;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Execution;
using SgConfigRule.Remediation.Ledger;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>
/// The ledger's promise, checked statefully without HTTP: random sequences of what several runs of the revoke function
/// do to one group — record an intent, revoke (EC2 answers, refuses, or the answer is lost and the group is read
/// again), crash, end, answer the document or not — and what the document does with each execution (publish, fail to
/// publish and hand the removals back, retry the step, give up), with time passing in between, all through an
/// in-memory ledger with optimistic concurrency (<see cref="InMemoryLedger"/> and <see cref="LedgerUpdates.UpdateAsync"/>;
/// every run works from the version it read last). A model keeps which removals EC2 really made. After every step, no
/// removal is announced by two delivered notices and no notice announces a removal that did not happen; after the
/// sequence and one final clean run, every removal is announced by exactly one delivered notice.
/// Sequences: SGCR_LEDGER_MODEL_ITER (default 5000); SGCR_LEDGER_MODEL_REPORT names a file the figures are appended to.
/// </summary>
public sealed class LedgerModelProperties
{
    private static readonly TimeSpan Interrupted = TimeSpan.FromMinutes(5);

    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SGCR_LEDGER_MODEL_ITER"), out var n) && n > 0 ? n : 5000;

    private enum Kind
    {
        StartExecution,
        StepRun,
        SmallTimeStep,
        LargeTimeStep,
        CrashRun,
        DocumentDecides,
        PersonAddsRule,
    }

    public readonly record struct Op(int Kind, int Target, int Choice)
    {
        public override string ToString() => $"{(Kind)Kind}({Target},{Choice})";
    }

    private static readonly Gen<Op> Ops = Gen.Select(
        Gen.Frequency((2, Gen.Const(Kind.StartExecution)), (12, Gen.Const(Kind.StepRun)), (2, Gen.Const(Kind.SmallTimeStep)), (1, Gen.Const(Kind.LargeTimeStep)),
                      (1, Gen.Const(Kind.CrashRun)), (3, Gen.Const(Kind.DocumentDecides)), (1, Gen.Const(Kind.PersonAddsRule))),
        Gen.Int[0, 7], Gen.Int[0, 4095]).Select(t => new Op((int)t.Item1, t.Item2, t.Item3));

    [Fact]
    public async Task Every_removal_is_announced_by_exactly_one_delivered_notice()
    {
        await Gen.Select(Ops.Array[1, 80], Gen.Int[1, 5], Gen.Bool).SampleAsync(async (ops, rules, defaultVpc) =>
        {
            var world = new World(rules, defaultVpc);
            foreach (var op in ops)
            {
                await world.ApplyAsync(op);
                world.CheckSafe();
            }
            await world.FinishAsync();
            world.CheckComplete();
            Interlocked.Increment(ref Stats.Sequences);
        }, iter: Iterations, print: t => $"rules {t.Item2}, {(t.Item3 ? "default VPC" : "VPC")}: {string.Join(" ", t.Item1)}");
        TestContext.Current.TestOutputHelper?.WriteLine(Stats.Line());
        if (Environment.GetEnvironmentVariable("SGCR_LEDGER_MODEL_REPORT") is { Length: > 0 } report)
        {
            await File.AppendAllTextAsync(report, Stats.Line() + Environment.NewLine, TestContext.Current.CancellationToken);
        }
        if (Iterations >= 1000)
        {
            Assert.True(Stats.Uncertain > 0 && Stats.Takeovers > 0 && Stats.EarlierRun > 0 && Stats.HandBacks > 0 && Stats.Conflicts > 0
                        && Stats.LostAnswers > 0 && Stats.Direct > 0 && Stats.FinalWithoutWait > 0 && Stats.KeptUnannounced > 0, Stats.Line());
        }
    }

    /// <summary>What the sequences exercised (so that a green run is not a vacuous one).</summary>
    private static class Stats
    {
        public static int KeptUnannounced;
        public static int Sequences, Removals, LostAnswers, Uncertain, Takeovers, EarlierRun, HandBacks, Conflicts, Direct, FinalWithoutWait;

        public static string Line() =>
            $"ledger model: {Sequences} sequences, {Removals} removals, {LostAnswers} lost answers, {Uncertain} ends with uncertain rules, " +
            $"{Takeovers} ends taking over runs, {EarlierRun} removals announced for an earlier run, {HandBacks} hand-backs, " +
            $"{Conflicts} writes retried after a conflict, {Direct} direct invocations, {FinalWithoutWait} final runs without waiting, " +
            $"{KeptUnannounced} failed runs whose execution handed back the rest";
    }

    private enum Phase { Plan, Revoke, Reread, ReadForEnd, End, Answered, Over }

    private sealed class Run(string id, Execution execution, DateTimeOffset started, int index)
    {
        public string Id { get; } = id;
        public Execution Execution { get; } = execution;
        public DateTimeOffset Started { get; } = started;
        public string Fingerprint { get; } = index.ToString("x8", CultureInfo.InvariantCulture);
        public Phase Phase { get; set; } = Phase.Plan;
        public GroupLedger Stored { get; set; } = GroupLedger.Empty;
        public List<RevokedRule> Asked { get; } = [];
        public List<RevokedRule> Confirmed { get; } = [];
        public List<RevokedRule> Gone { get; } = [];
        public HashSet<string>? ReadIds { get; set; }
        public bool IntentRecorded { get; set; }
        public int Rounds { get; set; }
        public IReadOnlyList<RevokedRule> Notice { get; set; } = [];
        public bool Alive => Phase is not (Phase.Answered or Phase.Over);
    }

    /// <summary>An automation execution; or, without an id, a direct invocation whose caller reads the answer itself.</summary>
    private sealed class Execution(string name, string? id)
    {
        public string Name { get; } = name;
        public string? Id { get; } = id;
        public List<Run> Runs { get; } = [];
        public Run Current => Runs[^1];
        public bool Closed { get; set; }

        /// <summary>The step's invocation ended without an answer the document could use: it retries or gives up.</summary>
        public bool Waiting => !Closed && Current.Phase == Phase.Over;
    }

    private sealed class World
    {
        private readonly InMemoryLedger ledger = new();
        private readonly LedgerKey key = new("111122223333", "us-east-1", GroupId);
        private readonly bool defaultVpc;
        private readonly Dictionary<string, RevokedRule> group = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> removedBy = new(StringComparer.Ordinal);
        private readonly List<(string Run, IReadOnlyList<RevokedRule> Rules)> delivered = [];
        private readonly List<Execution> executions = [];
        private readonly StringBuilder trace = new();
        private DateTimeOffset now = Now;
        private int nextRule;
        private int nextRun;

        public World(int rules, bool defaultVpc)
        {
            this.defaultVpc = defaultVpc;
            for (var i = 0; i < rules; i++) AddRule();
        }

        private void AddRule()
        {
            var n = nextRule++;
            var rule = Described($"sgr-{n:x17}", 1000 + n);
            group[rule.RuleId] = rule;
        }

        private void Log(string line) => trace.Append(CultureInfo.InvariantCulture, $"[{(now - Now).TotalMinutes:0}m] {line}\n");

        private IEnumerable<Run> Alive => executions.Where(e => !e.Closed && e.Current.Alive).Select(e => e.Current);

        private Run NewRun(Execution execution, GroupLedger stored)
        {
            var run = new Run($"run-{nextRun}", execution, now, nextRun) { Stored = stored };
            nextRun++;
            execution.Runs.Add(run);
            return run;
        }

        public async Task ApplyAsync(Op op)
        {
            switch ((Kind)op.Kind)
            {
                case Kind.StartExecution when executions.Count(e => !e.Closed) < 4:
                {
                    var name = op.Choice % 4 == 0 ? $"direct-{executions.Count}" : $"exec-{executions.Count}";
                    var execution = new Execution(name, op.Choice % 4 == 0 ? null : name);
                    executions.Add(execution);
                    var run = NewRun(execution, await ReadAsync());
                    if (execution.Id is null) Interlocked.Increment(ref Stats.Direct);
                    Log($"{execution.Name} starts {run.Id}");
                    break;
                }
                case Kind.StepRun when Pick(Alive, op.Target) is { } run:
                    await StepAsync(run, op.Choice);
                    break;
                case Kind.SmallTimeStep:
                    Pass(TimeSpan.FromMinutes(1 + op.Choice % 4));
                    break;
                case Kind.LargeTimeStep:
                    // An execution lasts minutes (its retries, the wait to notify again): hours later every one has ended.
                    Pass(Interrupted + TimeSpan.FromMinutes(1));
                    foreach (var execution in executions.Where(e => !e.Closed).ToList()) await KeepNoticeAsync(execution, "the execution ends");
                    Pass((op.Choice % 3) switch { 0 => TimeSpan.FromHours(2), 1 => TimeSpan.FromHours(13), _ => TimeSpan.FromHours(25) });
                    break;
                case Kind.CrashRun when Pick(Alive, op.Target) is { } run:
                    Log($"{run.Id} crashes in {run.Phase}");
                    run.Phase = Phase.Over;
                    break;
                case Kind.DocumentDecides when Pick(executions.Where(e => e.Waiting), op.Target) is { } execution:
                    if (op.Choice % 3 != 0 && execution.Runs.Count < 4 && execution.Id is not null)
                    {
                        var run = NewRun(execution, await ReadAsync());
                        Log($"{execution.Name} retries the step: {run.Id}");
                    }
                    else
                    {
                        await KeepNoticeAsync(execution, "the function kept failing");
                    }
                    break;
                case Kind.PersonAddsRule when group.Count < 8:
                    AddRule();
                    Log($"a person adds sgr-{nextRule - 1:x17}");
                    break;
            }
        }

        private static T? Pick<T>(IEnumerable<T> items, int target) where T : class
        {
            var list = items.ToList();
            return list.Count == 0 ? null : list[target % list.Count];
        }

        private void Pass(TimeSpan span)
        {
            now += span;
            Log($"{span.TotalMinutes:0} minutes pass");
            foreach (var run in Alive.ToList())
            {
                if (now - run.Started > Interrupted)
                {
                    // No invocation outlives its time budget: Lambda stops it.
                    Log($"{run.Id} is stopped at its timeout in {run.Phase}");
                    run.Phase = Phase.Over;
                }
                else if (run.Phase == Phase.End)
                {
                    // The read its end is based on is made just before the end is written.
                    run.Phase = Phase.ReadForEnd;
                }
            }
        }

        private Task<GroupLedger> ReadAsync() => ledger.ReadAsync(key, now, CancellationToken.None);

        private async Task<GroupLedger> UpdateAsync(GroupLedger read, Func<GroupLedger, GroupLedger> transition)
        {
            var stored = await LedgerUpdates.UpdateAsync(ledger, key, read, transition, now, CancellationToken.None);
            if (stored.Version > read.Version + 1) Interlocked.Increment(ref Stats.Conflicts);
            return stored;
        }

        private async Task StepAsync(Run run, int choice)
        {
            switch (run.Phase)
            {
                case Phase.Plan:
                {
                    var candidates = group.Values.OrderBy(r => r.RuleId, StringComparer.Ordinal).ToList();
                    var asked = candidates.Where((_, i) => (choice >> i & 1) == 1).Take(3).ToList();
                    if (asked.Count == 0 || run.Rounds == 3 || choice % 5 == 0)
                    {
                        run.Phase = Phase.ReadForEnd;
                        break;
                    }
                    run.Rounds++;
                    run.Stored = await UpdateAsync(run.Stored, l => l.WithIntent(run.Id, run.Execution.Id, run.Started, asked));
                    run.IntentRecorded = true;
                    run.Asked.Clear();
                    run.Asked.AddRange(asked);
                    run.Phase = Phase.Revoke;
                    Log($"{run.Id} intends {Ids(asked)}");
                    break;
                }
                case Phase.Revoke:
                {
                    // EC2 revokes by content; in a VPC a permission that matches nothing refuses the whole call.
                    var present = run.Asked.Where(r => group.ContainsKey(r.RuleId)).ToList();
                    var missing = run.Asked.Except(present).ToList();
                    var removed = defaultVpc || missing.Count == 0 ? present : [];
                    foreach (var rule in removed)
                    {
                        group.Remove(rule.RuleId);
                        removedBy[rule.RuleId] = run.Id;
                    }
                    var outcome = choice % 4;
                    Log($"{run.Id} revokes {Ids(run.Asked)}: EC2 removes {Ids(removed)}; {(outcome == 0 ? "the answer is lost" : outcome == 1 && choice % 7 == 0 ? "the function dies" : "answered")}");
                    if (outcome == 0)
                    {
                        Interlocked.Increment(ref Stats.LostAnswers);
                        run.Phase = Phase.Reread;
                    }
                    else if (outcome == 1 && choice % 7 == 0)
                    {
                        run.Phase = Phase.Over;
                    }
                    else if (removed.Count == 0 && missing.Count > 0 && !defaultVpc)
                    {
                        // InvalidPermission.NotFound: read again and decide again.
                        run.Phase = Phase.Plan;
                    }
                    else
                    {
                        var response = new RevokeSecurityGroupIngressResponse
                        {
                            Return = true,
                            RevokedSecurityGroupRules = [.. removed.Select(r => new RevokedSecurityGroupRule
                            {
                                SecurityGroupRuleId = r.RuleId, IpProtocol = r.Protocol, FromPort = r.FromPort, ToPort = r.ToPort, CidrIpv4 = r.Source, IsEgress = false,
                            })],
                            UnknownIpPermissions = [.. missing.Select(RuleContent.ToIpPermission)],
                        };
                        run.Confirmed.AddRange(Ec2Revoker.Interpret(run.Asked, response).Revoked);
                        run.Phase = Phase.Plan;
                    }
                    break;
                }
                case Phase.Reread:
                {
                    var gone = run.Asked.Where(r => !group.ContainsKey(r.RuleId)).Select(r => r with { Evidence = RevokeEvidence.AnswerLost }).ToList();
                    run.Gone.AddRange(gone);
                    run.Phase = Phase.Plan;
                    Log($"{run.Id} reads the group again: {Ids(gone)} gone");
                    break;
                }
                case Phase.ReadForEnd:
                    run.ReadIds = new HashSet<string>(group.Keys, StringComparer.Ordinal);
                    run.Phase = Phase.End;
                    break;
                case Phase.End:
                {
                    var completion = new Completion(run.Id, run.Execution.Id, now, Interrupted)
                    {
                        Confirmed = run.Confirmed,
                        GoneAfterUnknownAnswer = run.Gone,
                        RuleIdsInGroup = run.ReadIds!,
                        GuardUpdate = g => g.WithRevoke(run.Fingerprint, now, 24 * 365),
                    };
                    if (!run.IntentRecorded && !run.Stored.HasWorkFor(run.Id, run.Execution.Id, now, Interrupted))
                    {
                        run.Notice = [];
                        Log($"{run.Id} ends with nothing to record");
                    }
                    else
                    {
                        run.Stored = await UpdateAsync(run.Stored, l => l.WithCompletion(completion));
                        run.Notice = run.Stored.Find(run.Id)!.Revoked;
                        if (!run.Stored.Find(run.Id)!.Uncertain.IsEmpty) Interlocked.Increment(ref Stats.Uncertain);
                        if (run.Stored.TakenOverBy(run.Id).Count > 0) Interlocked.Increment(ref Stats.Takeovers);
                        Interlocked.Add(ref Stats.EarlierRun, run.Notice.Count(r => r.Evidence == RevokeEvidence.EarlierRun));
                        Assert.True(run.Stored.Guard.RevokesWithin(run.Fingerprint, now, 24 * 365) == 1, $"{run.Id}'s end was counted more than once\n{trace}");
                        Log($"{run.Id} ends: its notice announces {Ids(run.Notice)}{(run.Stored.Find(run.Id)!.Uncertain is { IsEmpty: false } u ? $", uncertain {Ids(u)}" : "")}; takes over {string.Join(",", run.Stored.TakenOverBy(run.Id))}");
                    }
                    run.Phase = Phase.Answered;
                    break;
                }
            }
            if (run.Phase == Phase.Answered) await DocumentReadsAsync(run, choice >> 4);
        }

        /// <summary>The document has the run's answer — or it was lost: then the step is retried or the execution gives up.</summary>
        private async Task DocumentReadsAsync(Run run, int choice)
        {
            // A direct invocation's caller reads the answer itself.
            switch (run.Execution.Id is null ? 2 : choice % 5)
            {
                case 0:
                    Log($"{run.Id}'s answer to the document is lost");
                    run.Phase = Phase.Over;
                    break;
                case 1:
                    await KeepNoticeAsync(run.Execution, $"{run.Id}'s notice could not be published");
                    break;
                case 3 when run.Notice.Count == 0:
                {
                    // The run failed after its intent with nothing to announce (status Failed): the failure notice goes out,
                    // then KeepUnannounced hands back what the execution's other runs removed — all but the runs it names.
                    run.Execution.Closed = true;
                    string[] published = [.. run.Stored.TakenOverBy(run.Id)];
                    await UpdateAsync(await ReadAsync(), l => l.WithUndelivered(run.Execution.Id!, now, published));
                    Interlocked.Increment(ref Stats.KeptUnannounced);
                    Log($"{run.Id} failed; its notice is published; {run.Execution.Name} hands back all but {string.Join(",", published)}");
                    break;
                }
                default:
                    run.Execution.Closed = true;
                    if (run.Notice.Count > 0) delivered.Add((run.Id, run.Notice));
                    Log($"{run.Id}'s notice is published: {Ids(run.Notice)}");
                    break;
            }
        }

        private async Task KeepNoticeAsync(Execution execution, string why)
        {
            execution.Closed = true;
            if (execution.Id is null)
            {
                Log($"{execution.Name} ends: its caller got no answer");
                return;
            }
            var stored = await ReadAsync();
            await UpdateAsync(stored, l => l.WithUndelivered(execution.Id, now));
            Interlocked.Increment(ref Stats.HandBacks);
            Log($"{why}: {execution.Name} hands its removals back");
        }

        /// <summary>Every run still going stops at its timeout; every execution ends; then one more run, whose notice goes out.</summary>
        public async Task FinishAsync()
        {
            // Nothing can be in flight any more once every run has ended and every intent was taken over: the next run
            // settles everything at once. Else it comes after any run could still be going.
            var waited = Alive.Any() || (await ReadAsync()).Runs.Any(r => r.State == RunState.Intent && r.AnnouncedBy is null);
            if (waited) Pass(Interrupted + TimeSpan.FromMinutes(1));
            else Interlocked.Increment(ref Stats.FinalWithoutWait);
            foreach (var execution in executions.Where(e => !e.Closed).ToList()) await KeepNoticeAsync(execution, "the execution ends");
            var last = new Execution("exec-final", "exec-final");
            executions.Add(last);
            var run = NewRun(last, await ReadAsync());
            await StepAsync(run, 0);
            await StepAsync(run, 0);
            Assert.Equal(Phase.End, run.Phase);
            await StepAsync(run, 2 << 4);
            Assert.True(last.Closed);
        }

        public void CheckSafe()
        {
            foreach (var (run, rules) in delivered)
            {
                foreach (var rule in rules)
                {
                    Assert.True(removedBy.ContainsKey(rule.RuleId), $"{run}'s notice announces {rule.RuleId}, which nobody removed\n{trace}");
                }
            }
            foreach (var twice in delivered.SelectMany(d => d.Rules.Select(r => (d.Run, r.RuleId))).GroupBy(x => x.RuleId).Where(g => g.Count() > 1))
            {
                Assert.Fail($"{twice.Key} is announced by {string.Join(" and ", twice.Select(x => x.Run))}\n{trace}");
            }
        }

        public void CheckComplete()
        {
            CheckSafe();
            Interlocked.Add(ref Stats.Removals, removedBy.Count);
            foreach (var (rule, run) in removedBy)
            {
                Assert.True(delivered.Any(d => d.Rules.Any(r => r.RuleId == rule)), $"{rule}, removed by {run}, was never announced\n{trace}");
            }
        }

        private static string Ids(IEnumerable<RevokedRule> rules)
        {
            var ids = rules.Select(r => r.RuleId[^2..] + (r.Evidence is { } e ? $"({e})" : "")).ToList();
            return ids.Count == 0 ? "nothing" : string.Join(",", ids);
        }
    }
}
