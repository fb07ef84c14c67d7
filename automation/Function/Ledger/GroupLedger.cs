using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace SgConfigRule.Remediation.Ledger;

/// <summary>Where a run stands in the ledger.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    /// <summary>The run is about to revoke (or was, when it stopped): <see cref="RunEntry.Intended"/> may be gone from the group.</summary>
    Intent,

    /// <summary>The run finished; <see cref="RunEntry.Revoked"/> is what it removed, announced in its own notice.</summary>
    Done,

    /// <summary>The run finished, but the document could not publish its notice: the next run for the group announces it.</summary>
    Undelivered,
}

/// <summary>
/// One invocation of the revoke function that revoked, or was about to: a write-ahead record, so that no removal goes
/// unannounced when the function dies after EC2 acted, when its answer to the document is lost, or when the notice
/// cannot be published.
/// </summary>
public sealed record RunEntry
{
    /// <summary>This invocation (a new id every time the function runs).</summary>
    public required string RunId { get; init; }

    /// <summary>The automation execution it ran for: a retried step is a new run of the same execution.</summary>
    public string? ExecutionId { get; init; }

    public required DateTimeOffset Started { get; init; }
    public required RunState State { get; init; }

    /// <summary>The rules the run asked EC2 to remove, as it read them (id and content).</summary>
    public ImmutableArray<RevokedRule> Intended { get; init; } = [];

    /// <summary>What it removed (filled when <see cref="State"/> leaves <see cref="RunState.Intent"/>).</summary>
    public ImmutableArray<RevokedRule> Revoked { get; init; } = [];

    /// <summary>The run that took over this entry's announcement (an interrupted or undelivered run's), once one has.</summary>
    public string? AnnouncedBy { get; init; }

    /// <summary>Since when nobody announces it (set with <see cref="RunState.Undelivered"/>, or when the run was interrupted).</summary>
    public DateTimeOffset? Finished { get; init; }
}

/// <summary>
/// The remediation's memory of one security group, kept where only the revoke function writes (a DynamoDB table in the
/// remediation account): the loop guard's counts, and the journal of recent runs. Workload owners can tag their groups
/// but not write here, so neither can switch remediation off or hide a removal. Every change is a pure transition on a
/// read version, stored only if nobody wrote in between (optimistic concurrency), and transitions are idempotent, so a
/// write whose answer was lost can be applied again safely.
/// </summary>
public sealed record GroupLedger(long Version, LoopGuardState Guard, ImmutableArray<RunEntry> Runs)
{
    /// <summary>How long finished runs are kept (a retried step replays its execution's earlier run within this time).</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromDays(1);

    /// <summary>How long an unannounced removal is kept for the next run of the group before it is dropped (with a log line).</summary>
    public static readonly TimeSpan UnannouncedRetention = TimeSpan.FromDays(30);

    public static GroupLedger Empty { get; } = new(0, LoopGuardState.Empty, []);

    /// <summary>What was wrong with the stored entry when it was read (it was read as far as it could be): for the notice.</summary>
    public string? ReadProblem { get; init; }

    public RunEntry? Find(string runId) => Runs.FirstOrDefault(r => r.RunId == runId);

    /// <summary>Records that <paramref name="runId"/> is about to revoke <paramref name="rules"/> (adding to what it intended before).</summary>
    public GroupLedger WithIntent(string runId, string? executionId, DateTimeOffset now, IEnumerable<RevokedRule> rules)
    {
        var existing = Find(runId);
        var entry = existing ?? new RunEntry { RunId = runId, ExecutionId = executionId, Started = now, State = RunState.Intent };
        var added = rules.Where(r => !entry.Intended.Any(i => RuleContent.SameRule(i, r))).ToList();
        if (existing is not null && added.Count == 0) return this;
        return Replace(entry with { Intended = entry.Intended.AddRange(added) });
    }

    /// <summary>
    /// Records the end of <paramref name="runId"/>: what it removed, the earlier runs whose removals it announces, and
    /// the loop guard's new counts. Applying it twice changes nothing the second time.
    /// </summary>
    public GroupLedger WithCompletion(string runId, string? executionId, DateTimeOffset now, IReadOnlyList<RevokedRule> revoked,
                                      IReadOnlyList<string> announces, Func<LoopGuardState, LoopGuardState> guardUpdate)
    {
        ArgumentNullException.ThrowIfNull(guardUpdate);
        if (Find(runId) is { State: not RunState.Intent }) return this;
        var entry = Find(runId) ?? new RunEntry { RunId = runId, ExecutionId = executionId, Started = now, State = RunState.Intent };
        var next = Replace(entry with { State = RunState.Done, Revoked = [.. revoked], Finished = now });
        foreach (var earlier in announces)
        {
            if (next.Find(earlier) is { } other && other.RunId != runId) next = next.Replace(other with { AnnouncedBy = runId });
        }
        return next with { Guard = guardUpdate(Guard) };
    }

    /// <summary>
    /// The document of <paramref name="executionId"/> published nothing (the publish kept failing, or the function kept
    /// failing): what its runs removed, and what they took over from earlier runs, is unannounced again — the next run
    /// of the group announces it. Applying it twice changes nothing the second time.
    /// </summary>
    public GroupLedger WithUndelivered(string executionId, DateTimeOffset now)
    {
        var own = Runs.Where(r => r.ExecutionId == executionId).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        var next = this;
        var changed = false;
        foreach (var entry in Runs)
        {
            var mine = own.Contains(entry.RunId);
            var takenOverByMine = entry.AnnouncedBy is { } by && own.Contains(by);
            if (!mine && !takenOverByMine) continue;
            // A crashed run of this execution stays an intent: the next run reads the group to see what it removed.
            var updated = entry.State == RunState.Intent
                ? entry with { AnnouncedBy = null }
                : entry with { State = RunState.Undelivered, AnnouncedBy = null, Finished = entry.State == RunState.Undelivered ? entry.Finished : now };
            if (updated == entry) continue;
            next = next.Replace(updated);
            changed = true;
        }
        return changed ? next : this;
    }

    /// <summary>
    /// The removals this run must announce besides its own, and the runs they come from: the earlier runs of the same
    /// execution (a retried step: their answer never reached the document), runs that stopped between their intent and
    /// their end longer than <paramref name="interruptedAfter"/> ago (an earlier run of the same execution at once),
    /// and runs whose notice could not be delivered. Of an interrupted run's intended rules, those whose id is no longer
    /// in the group are reported (EC2 may have acted before the run stopped); a rule still there was not removed.
    /// </summary>
    public (IReadOnlyList<RevokedRule> Rules, IReadOnlyList<string> Runs) Unannounced(string runId, string? executionId, DateTimeOffset now,
                                                                                   TimeSpan interruptedAfter, IReadOnlySet<string> ruleIdsInGroup)
    {
        ArgumentNullException.ThrowIfNull(ruleIdsInGroup);
        var rules = new List<RevokedRule>();
        var runs = new List<string>();
        foreach (var entry in Runs.Where(r => r.RunId != runId && r.AnnouncedBy is null))
        {
            var sameExecution = executionId is not null && entry.ExecutionId == executionId;
            IEnumerable<RevokedRule>? carried = entry.State switch
            {
                RunState.Done when sameExecution => entry.Revoked,
                RunState.Undelivered => entry.Revoked,
                RunState.Intent when sameExecution || now - entry.Started > interruptedAfter =>
                    entry.Intended.Where(r => !ruleIdsInGroup.Contains(r.RuleId)),
                _ => null,
            };
            if (carried is null) continue;
            runs.Add(entry.RunId);
            foreach (var rule in carried)
            {
                if (rules.Any(r => RuleContent.SameRule(r, rule))) continue;
                var evidence = entry.State == RunState.Done && sameExecution ? rule.Evidence : RevokeEvidence.EarlierRun;
                rules.Add(rule with { Evidence = evidence });
            }
        }
        return (rules, runs);
    }

    /// <summary>Drops what nobody will need: finished runs after a day, and what no run announced after a month.</summary>
    public GroupLedger Pruned(DateTimeOffset now) => this with
    {
        Runs = [.. Runs.Where(r =>
            (r.State == RunState.Done || r.AnnouncedBy is not null) ? now - (r.Finished ?? r.Started) < FinishedRetention
            : now - r.Started < UnannouncedRetention)],
    };

    private GroupLedger Replace(RunEntry entry) => this with { Runs = [.. Runs.Where(r => r.RunId != entry.RunId), entry] };
}
