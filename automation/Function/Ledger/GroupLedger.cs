using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace SgConfigRule.Remediation.Ledger;

/// <summary>Where a run stands in the ledger.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    /// <summary>The run is about to revoke (or was, when it stopped): <see cref="RunEntry.Intended"/> may be gone from the group.</summary>
    Intent,

    /// <summary>The run finished; <see cref="RunEntry.Revoked"/> is what its notice announces.</summary>
    Done,

    /// <summary>The run finished, but the document published nothing: the next run for the group announces it.</summary>
    Undelivered,
}

/// <summary>
/// One invocation of the revoke function that revoked, or was about to: a write-ahead record, so that no removal goes
/// unannounced when the function dies after EC2 acted, when its answer to the document is lost, or when the notice
/// cannot be published — and none is announced twice when two runs act on the group at once.
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

    /// <summary>What its notice announces: its own removals and those it took over from earlier runs.</summary>
    public ImmutableArray<RevokedRule> Revoked { get; init; } = [];

    /// <summary>
    /// Rules it asked for whose answer never came and that were gone afterwards, while another run was removing the same
    /// rule: which of the two removed it is not known yet, so the last of them to finish announces it.
    /// </summary>
    public ImmutableArray<RevokedRule> Uncertain { get; init; } = [];

    /// <summary>The run that took over this entry's announcement (an interrupted or undelivered run's), once one has.</summary>
    public string? AnnouncedBy { get; init; }

    /// <summary>When it ended (or was handed back undelivered).</summary>
    public DateTimeOffset? Finished { get; init; }
}

/// <summary>What a run brings to its end record (see <see cref="GroupLedger.WithCompletion"/>).</summary>
public sealed record Completion(string RunId, string? ExecutionId, DateTimeOffset Now, TimeSpan InterruptedAfter)
{
    /// <summary>Removals EC2's answer confirmed.</summary>
    public IReadOnlyList<RevokedRule> Confirmed { get; init; } = [];

    /// <summary>Rules it asked for, got no answer, and found gone (or could not check): its own, unless another run's.</summary>
    public IReadOnlyList<RevokedRule> GoneAfterUnknownAnswer { get; init; } = [];

    /// <summary>The rule ids in the group at the run's last read (empty when the group is gone).</summary>
    public IReadOnlySet<string> RuleIdsInGroup { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>When that read was made (null: now). An interrupted run of another execution is taken over only if the
    /// read came after it surely ended — else a removal it made after the read would look like one it never made.</summary>
    public DateTimeOffset? GroupReadAt { get; init; }

    public Func<LoopGuardState, LoopGuardState> GuardUpdate { get; init; } = g => g;
}

/// <summary>
/// The remediation's memory of one security group, kept where only the revoke function writes (a DynamoDB table in the
/// remediation account): the loop guard's counts, and the journal of recent runs. Workload owners can tag their groups
/// but not write here, so neither can switch remediation off or hide a removal. Every change is a pure transition on a
/// read version, stored only if nobody wrote in between (optimistic concurrency) — so each decision below is made on
/// exactly the state it is stored over — and transitions are idempotent, so a write whose answer was lost can be
/// applied again safely.
/// </summary>
public sealed record GroupLedger(long Version, LoopGuardState Guard, ImmutableArray<RunEntry> Runs)
{
    /// <summary>How long finished runs are kept (a retried step replays its execution's earlier run within this time).</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromDays(1);

    /// <summary>How long an unannounced removal is kept for the next run of the group.</summary>
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

    /// <summary>Whether <paramref name="runId"/>'s end would announce anything or settle anything (else it need not be written).</summary>
    public bool HasWorkFor(string runId, string? executionId, DateTimeOffset now, TimeSpan interruptedAfter) =>
        Runs.Any(e => e.RunId != runId && e.AnnouncedBy is null && TakenOver(e, executionId, now, interruptedAfter))
        || Runs.Any(e => e.RunId != runId && !e.Uncertain.IsEmpty);

    /// <summary>
    /// The end of a run, decided on the state it is stored over: what its notice announces, and the loop guard's counts.
    /// <list type="bullet">
    /// <item>its confirmed removals, always;</item>
    /// <item>a rule it found gone after an unknown answer: not if another run confirmed or announced it; left
    /// <see cref="RunEntry.Uncertain"/> while another run that asked for it is still in flight (that run, or whoever
    /// finishes last, announces it); else its own (<c>AnswerLost</c>/<c>Unverified</c>);</item>
    /// <item>what earlier runs left unannounced (<c>EarlierRun</c>): the earlier runs of its execution (a retried
    /// step: their answer never reached the document), runs handed back undelivered, runs that stopped between their
    /// intent and their end — of an interrupted run's rules, those whose id is no longer in the group — and uncertain
    /// rules nobody else can settle any more.</item>
    /// </list>
    /// Applying it twice changes nothing the second time.
    /// </summary>
    public GroupLedger WithCompletion(Completion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var me = completion.RunId;
        if (Find(me) is { State: not RunState.Intent }) return this;
        var now = completion.Now;
        var others = Runs.Where(r => r.RunId != me).ToList();
        bool Announced(RevokedRule r) => others.Any(e => e.Revoked.Any(x => RuleContent.SameRule(x, r)));
        // Still removing it: an intent nobody took over (a taken-over run is over), younger than any run lasts, of another
        // execution (an execution's runs follow each other; runs without one are each their own).
        bool InFlight(RevokedRule r, string? besides = null) => others.Any(e => e.RunId != besides && e.State == RunState.Intent && e.AnnouncedBy is null
            && now - e.Started <= completion.InterruptedAfter && (completion.ExecutionId is null || e.ExecutionId != completion.ExecutionId)
            && e.Intended.Any(x => RuleContent.SameRule(x, r)));

        var revoked = new List<RevokedRule>();
        void Announce(RevokedRule rule)
        {
            if (!revoked.Any(r => RuleContent.SameRule(r, rule))) revoked.Add(rule);
        }
        foreach (var rule in completion.Confirmed) Announce(rule);
        var uncertain = new List<RevokedRule>();
        foreach (var rule in completion.GoneAfterUnknownAnswer.Where(r => !revoked.Any(x => RuleContent.SameRule(x, r)) && !Announced(r)))
        {
            if (InFlight(rule)) uncertain.Add(rule);
            else Announce(rule);
        }

        var next = this;
        foreach (var entry in others)
        {
            var updated = entry;
            if (entry.AnnouncedBy is null && TakenOver(entry, completion.ExecutionId, completion.GroupReadAt ?? now, completion.InterruptedAfter))
            {
                if (entry.State == RunState.Intent)
                {
                    // An interrupted run: of what it asked for, what is gone now. Another run still removing the same
                    // rule may be the one that did it: then whoever finishes last announces it.
                    foreach (var rule in entry.Intended.Where(r => !completion.RuleIdsInGroup.Contains(r.RuleId) && !Announced(r)))
                    {
                        var earlier = rule with { Evidence = RevokeEvidence.EarlierRun };
                        if (InFlight(rule, entry.RunId)) uncertain.Add(earlier);
                        else Announce(earlier);
                    }
                }
                else
                {
                    var replay = entry.State == RunState.Done && entry.ExecutionId == completion.ExecutionId;
                    foreach (var rule in entry.Revoked) Announce(replay ? rule : rule with { Evidence = RevokeEvidence.EarlierRun });
                }
                updated = updated with { AnnouncedBy = me };
            }
            if (!entry.Uncertain.IsEmpty && entry.State != RunState.Intent)
            {
                // Settled: someone announced it (now or before), or nobody else in flight can any more: this run does.
                var settled = entry.Uncertain.Where(u => revoked.Any(r => RuleContent.SameRule(r, u)) || Announced(u) || !InFlight(u, entry.RunId)).ToList();
                foreach (var rule in settled.Where(u => !revoked.Any(r => RuleContent.SameRule(r, u)) && !Announced(u)))
                {
                    Announce(rule with { Evidence = RevokeEvidence.EarlierRun });
                }
                updated = updated with { Uncertain = [.. entry.Uncertain.Where(u => !settled.Contains(u))] };
            }
            if (updated != entry) next = next.Replace(updated);
        }

        var own = Find(me) ?? new RunEntry { RunId = me, ExecutionId = completion.ExecutionId, Started = now, State = RunState.Intent };
        var stillUncertain = uncertain.Where(u => !revoked.Any(r => RuleContent.SameRule(r, u))).DistinctBy(u => (u.RuleId, RuleContent.Key(u)));
        next = next.Replace(own with { State = RunState.Done, Revoked = [.. revoked], Uncertain = [.. stillUncertain], Finished = now });
        return next with { Guard = completion.GuardUpdate(Guard) };
    }

    /// <summary>The runs whose announcement <paramref name="runId"/> took over.</summary>
    public IReadOnlyList<string> TakenOverBy(string runId) => [.. Runs.Where(r => r.AnnouncedBy == runId).Select(r => r.RunId)];

    /// <summary>
    /// The document of <paramref name="executionId"/> published none of its runs' notices but <paramref name="published"/>
    /// (the publish kept failing, the function kept failing, or the run that answered failed before it could replay an
    /// earlier one): what the others announce is unannounced again — the next run of the group announces it. Applying
    /// it twice changes nothing the second time.
    /// </summary>
    public GroupLedger WithUndelivered(string executionId, DateTimeOffset now, IReadOnlyCollection<string>? published = null)
    {
        var own = Runs.Where(r => r.ExecutionId == executionId && published?.Contains(r.RunId) != true).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        var settledByPublished = Runs.Where(r => r.AnnouncedBy is { } by && published?.Contains(by) == true).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        own.ExceptWith(settledByPublished);
        var next = this;
        var changed = false;
        foreach (var entry in Runs)
        {
            // Not this execution's; or already taken over by another run (of this execution: its own entry carries it;
            // of another: that run's notice announces it, and its execution hands it back if it cannot).
            if (!own.Contains(entry.RunId) || entry.AnnouncedBy is not null) continue;
            // Its notice carried what it took over too, so those runs stay settled through it. A crashed run of this
            // execution stays an intent: the next run reads the group to see what it removed.
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
    /// Drops what nobody will need: finished runs after a day — unless an intent nobody took over yet names a rule they
    /// announced (the run that takes it over must see that it was announced) — and what no run announced after a month.
    /// </summary>
    public GroupLedger Pruned(DateTimeOffset now)
    {
        var pending = Runs.Where(r => r.State == RunState.Intent && r.AnnouncedBy is null).ToList();
        bool Evidence(RunEntry r) => pending.Any(i => i.Intended.Any(x => r.Revoked.Any(y => RuleContent.SameRule(x, y))));
        return this with
        {
            Runs = [.. Runs.Where(r =>
                (r.State == RunState.Done || r.AnnouncedBy is not null) && r.Uncertain.IsEmpty ? now - (r.Finished ?? r.Started) < FinishedRetention || Evidence(r)
                : now - r.Started < UnannouncedRetention)],
        };
    }

    /// <summary>
    /// Whether a run takes over <paramref name="entry"/>'s announcement, <paramref name="now"/> being when it last read the
    /// group: an interrupted run of another execution only once that read came after it surely ended (an earlier run of
    /// the same execution ended before the retry began).
    /// </summary>
    private static bool TakenOver(RunEntry entry, string? executionId, DateTimeOffset now, TimeSpan interruptedAfter)
    {
        var sameExecution = executionId is not null && entry.ExecutionId == executionId;
        return entry.State switch
        {
            RunState.Undelivered => true,
            RunState.Done => sameExecution,
            RunState.Intent => sameExecution || now - entry.Started > interruptedAfter,
            _ => false,
        };
    }

    private GroupLedger Replace(RunEntry entry) => this with { Runs = [.. Runs.Where(r => r.RunId != entry.RunId), entry] };
}
