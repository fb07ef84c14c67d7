using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Ledger;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>
/// The ledger's journal protocol, transition by transition (<see cref="GroupLedger"/>): intents, the end of a run and
/// what its notice announces, takeovers, uncertain rules, the hand-back of undelivered notices, and pruning.
/// </summary>
public sealed class GroupLedgerTests
{
    private static readonly TimeSpan Interrupted = TimeSpan.FromMinutes(5);
    private static readonly RevokedRule X = Described("sgr-000000000000000x", 22);
    private static readonly RevokedRule Y = Described("sgr-000000000000000y", 3389);
    private static readonly RevokedRule W = Described("sgr-000000000000000w", 3389, "::/0", sourceType: "ipv6");

    private static Completion End(string run, string? execution, DateTimeOffset at, RevokedRule[]? confirmed = null, RevokedRule[]? gone = null,
                                  params string[] inGroup) =>
        new(run, execution, at, Interrupted)
        {
            Confirmed = confirmed ?? [],
            GoneAfterUnknownAnswer = gone ?? [],
            RuleIdsInGroup = new HashSet<string>(inGroup, StringComparer.Ordinal),
        };

    private static RevokedRule Lost(RevokedRule rule) => rule with { Evidence = RevokeEvidence.AnswerLost };

    private static RevokedRule Confirmed(RevokedRule rule) => rule with { Evidence = RevokeEvidence.Confirmed };

    private static (string, RevokeEvidence?)[] Announced(GroupLedger ledger, string run) =>
        [.. ledger.Find(run)!.Revoked.Select(r => (r.RuleId, r.Evidence))];

    private static (string, RevokeEvidence?)[] Uncertain(GroupLedger ledger, string run) =>
        [.. ledger.Find(run)!.Uncertain.Select(r => (r.RuleId, r.Evidence))];

    private static GroupLedger Intent(GroupLedger ledger, string run, string? execution, DateTimeOffset at, params RevokedRule[] rules) =>
        ledger.WithIntent(run, execution, at, rules);

    private static GroupLedger Done(GroupLedger ledger, string run, string? execution, DateTimeOffset at, params RevokedRule[] confirmed) =>
        ledger.WithIntent(run, execution, at, confirmed).WithCompletion(End(run, execution, at, [.. confirmed.Select(Confirmed)]));

    // ----- intents -----

    [Fact]
    public void An_intent_records_the_run_its_execution_its_start_and_its_rules()
    {
        var ledger = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X, Y);
        var entry = Assert.Single(ledger.Runs);
        Assert.Equal(("run-a", "exec-a", Now, RunState.Intent), (entry.RunId, entry.ExecutionId, entry.Started, entry.State));
        Assert.Equal([X, Y], entry.Intended);
        Assert.Empty(entry.Revoked);
        Assert.Null(entry.AnnouncedBy);
        Assert.Null(entry.Finished);
        Assert.Same(entry, ledger.Find("run-a"));
        Assert.Null(ledger.Find("run-b"));
    }

    [Fact]
    public void An_intent_adds_only_what_is_new_and_is_the_same_ledger_when_nothing_is()
    {
        var ledger = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X);
        Assert.Same(ledger, Intent(ledger, "run-a", "exec-a", Now.AddMinutes(1), X));
        // The same rule however it is described.
        Assert.Same(ledger, Intent(ledger, "run-a", "exec-a", Now, X with { Description = "edited", Evidence = RevokeEvidence.Confirmed, Reason = "r" }));
        Assert.Same(ledger, Intent(ledger, "run-a", "exec-a", Now));

        // A later round adds to it; the start stays the first one.
        var more = Intent(ledger, "run-a", "exec-a", Now.AddMinutes(1), X, Y);
        var entry = Assert.Single(more.Runs);
        Assert.Equal([X, Y], entry.Intended);
        Assert.Equal(Now, entry.Started);
        // A rule re-added with a new id, or changed in place, is another rule.
        Assert.Equal(3, Intent(more, "run-a", "exec-a", Now, X with { RuleId = "sgr-0000000000000new" }).Find("run-a")!.Intended.Length);
        Assert.Equal(3, Intent(more, "run-a", "exec-a", Now, X with { FromPort = 23, ToPort = 23 }).Find("run-a")!.Intended.Length);

        // Another run's intent is its own entry; nothing else changes.
        var two = Intent(more, "run-b", "exec-b", Now, X);
        Assert.Equal(["run-a", "run-b"], two.Runs.Select(r => r.RunId));
        Assert.Same(more.Find("run-a"), two.Find("run-a"));
        Assert.Equal(more.Guard, two.Guard);
    }

    // ----- the end of a run -----

    [Fact]
    public void Confirmed_removals_are_always_announced_once()
    {
        var ledger = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X, Y);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddSeconds(5), [Confirmed(X), Confirmed(X), Confirmed(Y)]));
        var entry = done.Find("run-a")!;
        Assert.Equal(RunState.Done, entry.State);
        Assert.Equal(Now.AddSeconds(5), entry.Finished);
        Assert.Equal(Now, entry.Started);
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed), (Y.RuleId, RevokeEvidence.Confirmed)], Announced(done, "run-a"));
        Assert.Empty(entry.Uncertain);
        Assert.Equal(entry.Intended, ledger.Find("run-a")!.Intended);

        // EC2 said this run removed it: announced even when another run claims the same rule.
        var claimed = Done(GroupLedger.Empty, "run-b", "exec-b", Now, X);
        var mine = Intent(claimed, "run-a", "exec-a", Now, X).WithCompletion(End("run-a", "exec-a", Now, [Confirmed(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed)], Announced(mine, "run-a"));
    }

    [Fact]
    public void A_run_without_an_intent_gets_an_entry_at_its_end()
    {
        var done = GroupLedger.Empty.WithCompletion(End("run-a", "exec-a", Now));
        var entry = Assert.Single(done.Runs);
        Assert.Equal(("run-a", "exec-a", Now, RunState.Done, Now), (entry.RunId, entry.ExecutionId, entry.Started, entry.State, entry.Finished));
        Assert.Empty(entry.Revoked);
    }

    [Fact]
    public void The_end_applied_twice_is_the_same_ledger_and_counts_the_guard_once()
    {
        var fingerprint = LoopGuardState.Fingerprint(X);
        var completion = End("run-a", "exec-a", Now, [Confirmed(X)]) with { GuardUpdate = g => g.WithRevoke(fingerprint, Now, 24) };
        var once = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X).WithCompletion(completion);
        Assert.Equal(1, once.Guard.RevokesWithin(fingerprint, Now, 24));
        Assert.Same(once, once.WithCompletion(completion));
        Assert.Same(once, once.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(1), [Confirmed(Y)])));

        // An undelivered run's end is not redone either.
        var undelivered = once.WithUndelivered("exec-a", Now);
        Assert.Same(undelivered, undelivered.WithCompletion(completion));
    }

    [Fact]
    public void A_rule_gone_after_a_lost_answer_is_the_runs_own_when_nobody_else_was_at_it()
    {
        var done = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X).WithCompletion(End("run-a", "exec-a", Now, gone: [Lost(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Announced(done, "run-a"));
        Assert.Empty(done.Find("run-a")!.Uncertain);

        // Confirmed as well as gone (a later round): announced once, as confirmed.
        var both = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X).WithCompletion(End("run-a", "exec-a", Now, [Confirmed(X)], [Lost(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed)], Announced(both, "run-a"));
    }

    [Fact]
    public void A_rule_gone_after_a_lost_answer_waits_while_another_run_is_removing_it()
    {
        var ledger = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-a", "exec-a", Now, X);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(1), gone: [Lost(X)]));
        Assert.Empty(done.Find("run-a")!.Revoked);
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Uncertain(done, "run-a"));
        Assert.True(done.HasWorkFor("run-c", "exec-c", Now.AddMinutes(1), Interrupted));

        // The other run ends: it confirms the removal (it did it) and settles the wait.
        var settled = done.WithCompletion(End("run-b", "exec-b", Now.AddMinutes(2), [Confirmed(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed)], Announced(settled, "run-b"));
        Assert.Empty(settled.Find("run-a")!.Uncertain);
        Assert.Empty(settled.Find("run-a")!.Revoked);

        // Or it removed nothing (its revoke found the rule gone): the last to finish announces it.
        var last = done.WithCompletion(End("run-b", "exec-b", Now.AddMinutes(2)));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(last, "run-b"));
        Assert.Empty(last.Find("run-a")!.Uncertain);
        Assert.False(last.HasWorkFor("run-c", "exec-c", Now.AddMinutes(3), Interrupted));
    }

    [Fact]
    public void Only_a_live_run_of_another_execution_asking_for_the_same_rule_defers_it()
    {
        var started = Now;
        RevokedRule[] Announces(GroupLedger ledger, DateTimeOffset at) =>
            [.. Intent(ledger, "run-a", "exec-a", started, X).WithCompletion(End("run-a", "exec-a", at, gone: [Lost(X)])).Find("run-a")!.Revoked];

        // Another execution, still within its time: deferred.
        Assert.Empty(Announces(Intent(GroupLedger.Empty, "run-b", "exec-b", started, X), started.Add(Interrupted)));
        // Dead by now (started longer ago than a run can last).
        Assert.Single(Announces(Intent(GroupLedger.Empty, "run-b", "exec-b", started, X), started.Add(Interrupted).AddSeconds(1)));
        // An earlier run of the same execution is over (the step was retried).
        Assert.Single(Announces(Intent(GroupLedger.Empty, "run-b", "exec-a", started, X), started));
        // Another rule of the same content (re-added, new id) is not this one.
        Assert.Single(Announces(Intent(GroupLedger.Empty, "run-b", "exec-b", started, X with { RuleId = "sgr-0000000000000new" }), started));
        // A finished run is not in flight.
        Assert.Single(Announces(Done(GroupLedger.Empty, "run-b", "exec-b", started, Y), started));
    }

    [Fact]
    public void A_finished_run_that_asked_for_the_same_rule_does_not_hold_it_back()
    {
        // run-a and run-b both asked for X; run-a's answer was lost; run-b's revoke found X gone and run-b ended first.
        var ledger = Intent(Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X), "run-b", "exec-b", Now, X)
            .WithCompletion(End("run-b", "exec-b", Now.AddMinutes(1), inGroup: [Y.RuleId]));
        Assert.Empty(ledger.Find("run-b")!.Revoked);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(2), gone: [Lost(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Announced(done, "run-a"));
        Assert.Empty(done.Find("run-a")!.Uncertain);
    }

    [Fact]
    public void An_end_leaves_the_entries_it_neither_takes_over_nor_settles_as_they_were()
    {
        var ledger = Done(Intent(Done(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-c", "exec-c", Now, Y), "run-d", "exec-d", Now, W)
            .WithUndelivered("exec-d", Now);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(1)));
        Assert.Same(ledger.Find("run-b"), done.Find("run-b"));
        Assert.Same(ledger.Find("run-c"), done.Find("run-c"));
        Assert.Equal(["run-b", "run-c", "run-d", "run-a"], done.Runs.Select(r => r.RunId));
        Assert.Equal("run-a", done.Find("run-d")!.AnnouncedBy);
    }

    [Fact]
    public void A_rule_gone_after_a_lost_answer_that_another_run_announced_is_not_announced_again()
    {
        var ledger = Intent(Done(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-a", "exec-a", Now, X, Y);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now, gone: [Lost(X), Lost(Y)]));
        Assert.Equal([(Y.RuleId, RevokeEvidence.AnswerLost)], Announced(done, "run-a"));
        Assert.Empty(done.Find("run-a")!.Uncertain);
        Assert.Null(done.Find("run-b")!.AnnouncedBy);
    }

    // ----- takeovers -----

    [Fact]
    public void An_undelivered_run_is_announced_by_the_next_run_as_an_earlier_runs()
    {
        var ledger = Done(GroupLedger.Empty, "run-b", "exec-b", Now, X).WithUndelivered("exec-b", Now.AddMinutes(1));
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(2), [Confirmed(Y)]));
        Assert.Equal([(Y.RuleId, RevokeEvidence.Confirmed), (X.RuleId, RevokeEvidence.EarlierRun)], Announced(done, "run-a"));
        Assert.Equal("run-a", done.Find("run-b")!.AnnouncedBy);
        Assert.Equal(RunState.Undelivered, done.Find("run-b")!.State);
        Assert.Equal(["run-b"], done.TakenOverBy("run-a"));
        Assert.Empty(done.TakenOverBy("run-b"));

        // Taken over once: the run after does not announce it again.
        var after = done.WithCompletion(End("run-c", "exec-c", Now.AddMinutes(3)));
        Assert.Empty(after.Find("run-c")!.Revoked);
        Assert.Equal("run-a", after.Find("run-b")!.AnnouncedBy);
    }

    [Fact]
    public void A_retried_step_replays_its_executions_earlier_end_with_its_evidence()
    {
        var ledger = Intent(GroupLedger.Empty, "run-1", "exec-a", Now, X, Y)
            .WithCompletion(End("run-1", "exec-a", Now, [Confirmed(X)], [Lost(Y)]));
        var retried = ledger.WithCompletion(End("run-2", "exec-a", Now.AddMinutes(1)));
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed), (Y.RuleId, RevokeEvidence.AnswerLost)], Announced(retried, "run-2"));
        Assert.Equal("run-2", retried.Find("run-1")!.AnnouncedBy);
        Assert.Equal(["run-1"], retried.TakenOverBy("run-2"));

        // A run of the same execution handed back undelivered: its notice never went out, so it is an earlier run's removal.
        var handed = ledger.WithUndelivered("exec-a", Now.AddMinutes(1)).WithCompletion(End("run-2", "exec-a", Now.AddMinutes(2)));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun), (Y.RuleId, RevokeEvidence.EarlierRun)], Announced(handed, "run-2"));

        // Another execution's finished run is its own execution's to announce.
        var other = ledger.WithCompletion(End("run-2", "exec-b", Now.AddMinutes(1)));
        Assert.Empty(other.Find("run-2")!.Revoked);
        Assert.Null(other.Find("run-1")!.AnnouncedBy);
        // Without an execution id, no run is "the same execution".
        var local = Done(GroupLedger.Empty, "run-1", null, Now, X).WithCompletion(End("run-2", null, Now));
        Assert.Empty(local.Find("run-2")!.Revoked);
        Assert.Null(local.Find("run-1")!.AnnouncedBy);
    }

    [Fact]
    public void An_interrupted_run_of_the_same_execution_is_announced_for_what_is_gone_from_the_group()
    {
        var ledger = Intent(GroupLedger.Empty, "run-1", "exec-a", Now, X, Y);
        // X is gone, Y still there: the crashed run removed X (or someone did) and never got to Y.
        var retried = ledger.WithCompletion(End("run-2", "exec-a", Now.AddSeconds(30), inGroup: [Y.RuleId, "sgr-other"]));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(retried, "run-2"));
        Assert.Equal("run-2", retried.Find("run-1")!.AnnouncedBy);
        Assert.Equal(RunState.Intent, retried.Find("run-1")!.State);

        // Nothing gone: nothing announced, but the entry is settled all the same.
        var nothing = ledger.WithCompletion(End("run-2", "exec-a", Now.AddSeconds(30), inGroup: [X.RuleId, Y.RuleId]));
        Assert.Empty(nothing.Find("run-2")!.Revoked);
        Assert.Equal("run-2", nothing.Find("run-1")!.AnnouncedBy);
    }

    [Fact]
    public void Another_executions_intent_is_taken_over_only_once_it_is_older_than_any_run_lasts()
    {
        var ledger = Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X);
        var fresh = ledger.WithCompletion(End("run-a", "exec-a", Now.Add(Interrupted)));
        Assert.Empty(fresh.Find("run-a")!.Revoked);
        Assert.Null(fresh.Find("run-b")!.AnnouncedBy);
        Assert.False(ledger.HasWorkFor("run-a", "exec-a", Now.Add(Interrupted), Interrupted));

        var stale = ledger.WithCompletion(End("run-a", "exec-a", Now.Add(Interrupted).AddSeconds(1)));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(stale, "run-a"));
        Assert.Equal("run-a", stale.Find("run-b")!.AnnouncedBy);
        Assert.True(ledger.HasWorkFor("run-a", "exec-a", Now.Add(Interrupted).AddSeconds(1), Interrupted));
    }

    [Fact]
    public void Another_executions_intent_is_taken_over_only_on_a_read_of_the_group_made_after_it_surely_ended()
    {
        // The run ends long after the dead run's time, but it read the group while the dead run might still have been
        // acting: what the dead run removed after that read would look like something it never removed.
        var ledger = Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X);
        var end = Now.Add(Interrupted).AddMinutes(1);
        var staleRead = ledger.WithCompletion(End("run-a", "exec-a", end) with { GroupReadAt = Now.Add(Interrupted) });
        Assert.Empty(staleRead.Find("run-a")!.Revoked);
        Assert.Null(staleRead.Find("run-b")!.AnnouncedBy);

        var lateRead = ledger.WithCompletion(End("run-a", "exec-a", end) with { GroupReadAt = Now.Add(Interrupted).AddSeconds(1) });
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(lateRead, "run-a"));

        // An earlier run of the same execution ended before the retry began: any read of the retry will do.
        var retry = ledger.WithCompletion(End("run-c", "exec-b", end) with { GroupReadAt = Now.AddSeconds(1) });
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(retry, "run-c"));
    }

    [Fact]
    public void An_interrupted_runs_rule_that_another_run_announced_is_not_announced_again()
    {
        var ledger = Done(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X, Y), "run-c", "exec-c", Now, X);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(10)));
        Assert.Equal([(Y.RuleId, RevokeEvidence.EarlierRun)], Announced(done, "run-a"));
    }

    [Fact]
    public void An_interrupted_runs_rule_that_a_live_run_is_removing_waits_for_it()
    {
        // run-b died asking for X; run-c (alive) asks for X too: which of them removed it is not known yet.
        var ledger = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-c", "exec-c", Now.AddMinutes(8), X);
        var done = ledger.WithCompletion(End("run-a", "exec-a", Now.AddMinutes(10)));
        Assert.Empty(done.Find("run-a")!.Revoked);
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Uncertain(done, "run-a"));
        Assert.Equal("run-a", done.Find("run-b")!.AnnouncedBy);

        // run-c confirms it: it announces, and the wait is over.
        var confirmed = done.WithCompletion(End("run-c", "exec-c", Now.AddMinutes(11), [Confirmed(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed)], Announced(confirmed, "run-c"));
        Assert.Empty(confirmed.Find("run-a")!.Uncertain);
        // run-c removed nothing: being the last, it announces the earlier removal.
        var nothing = done.WithCompletion(End("run-c", "exec-c", Now.AddMinutes(11)));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(nothing, "run-c"));
        Assert.Empty(nothing.Find("run-a")!.Uncertain);
    }

    [Fact]
    public void An_uncertain_rule_nobody_can_settle_any_more_is_announced_by_the_next_run()
    {
        var ledger = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-a", "exec-a", Now, X)
            .WithCompletion(End("run-a", "exec-a", Now.AddMinutes(1), gone: [Lost(X)]));
        // run-b died: a run after its time announces the rule once, whether through run-b's intent or run-a's wait.
        var later = ledger.WithCompletion(End("run-c", "exec-c", Now.AddMinutes(6)));
        Assert.Single(later.Find("run-c")!.Revoked);
        Assert.Equal(RevokeEvidence.EarlierRun, later.Find("run-c")!.Revoked[0].Evidence);
        Assert.Empty(later.Find("run-a")!.Uncertain);
        Assert.Equal("run-c", later.Find("run-b")!.AnnouncedBy);

        // Before then, the wait goes on.
        var early = ledger.WithCompletion(End("run-c", "exec-c", Now.AddMinutes(2)));
        Assert.Empty(early.Find("run-c")!.Revoked);
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Uncertain(early, "run-a"));
    }

    [Fact]
    public void An_uncertain_rule_of_an_undelivered_run_is_settled_too()
    {
        var ledger = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-a", "exec-a", Now, X, Y)
            .WithCompletion(End("run-a", "exec-a", Now.AddMinutes(1), [Confirmed(Y)], [Lost(X)]))
            .WithUndelivered("exec-a", Now.AddMinutes(2));
        Assert.Equal(RunState.Undelivered, ledger.Find("run-a")!.State);
        var done = ledger.WithCompletion(End("run-b", "exec-b", Now.AddMinutes(3)));
        Assert.Equal([(Y.RuleId, RevokeEvidence.EarlierRun), (X.RuleId, RevokeEvidence.EarlierRun)], Announced(done, "run-b"));
        Assert.Empty(done.Find("run-a")!.Uncertain);
        Assert.Equal("run-b", done.Find("run-a")!.AnnouncedBy);
    }

    [Fact]
    public void An_uncertain_rule_that_another_run_announced_meanwhile_is_dropped()
    {
        // run-a waits on X; run-c already announced X (a re-read ledger would show it): the next end just clears the wait.
        var waiting = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-a", "exec-a", Now, X)
            .WithCompletion(End("run-a", "exec-a", Now.AddMinutes(1), gone: [Lost(X)]));
        var announced = waiting with { Runs = [.. waiting.Runs, new RunEntry { RunId = "run-c", ExecutionId = "exec-c", Started = Now, State = RunState.Done, Revoked = [Confirmed(X)], Finished = Now }] };
        var done = announced.WithCompletion(End("run-d", "exec-d", Now.AddMinutes(2)));
        Assert.Empty(done.Find("run-d")!.Revoked);
        Assert.Empty(done.Find("run-a")!.Uncertain);
    }

    [Fact]
    public void A_rule_does_not_wait_on_a_run_that_was_already_taken_over()
    {
        // run-z (exec-z) asked for X and crashed; its retry run-z2 took it over while run-b (exec-b) was removing X too.
        var ledger = Intent(Intent(GroupLedger.Empty, "run-z", "exec-z", Now, X), "run-b", "exec-b", Now, X)
            .WithCompletion(End("run-z2", "exec-z", Now.AddMinutes(1)));
        Assert.Equal("run-z2", ledger.Find("run-z")!.AnnouncedBy);
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Uncertain(ledger, "run-z2"));

        // run-b ends, the last live run that asked for X: it announces X; a dead run cannot settle it any more.
        var lost = ledger.WithCompletion(End("run-b", "exec-b", Now.AddMinutes(2), gone: [Lost(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Announced(lost, "run-b"));
        Assert.Empty(lost.Find("run-b")!.Uncertain);
        Assert.Empty(lost.Find("run-z2")!.Uncertain);
        Assert.False(lost.HasWorkFor("run-c", "exec-c", Now.AddMinutes(2), Interrupted));

        var nothing = ledger.WithCompletion(End("run-b", "exec-b", Now.AddMinutes(2), inGroup: [Y.RuleId]));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(nothing, "run-b"));
        Assert.Empty(nothing.Find("run-z2")!.Uncertain);

        // Likewise a run gone after a lost answer does not wait on a taken-over intent.
        var taken = Intent(GroupLedger.Empty, "run-z", "exec-z", Now, X).WithCompletion(End("run-z2", "exec-z", Now, inGroup: [X.RuleId]));
        var own = Intent(taken, "run-b", "exec-b", Now, X).WithCompletion(End("run-b", "exec-b", Now.AddMinutes(1), gone: [Lost(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Announced(own, "run-b"));
    }

    [Fact]
    public void Runs_without_an_execution_wait_on_each_other_like_any_two_runs()
    {
        // Two direct invocations (no automation execution) remove X at once; run-a's answer was lost.
        var ledger = Intent(Intent(GroupLedger.Empty, "run-b", null, Now, X), "run-a", null, Now, X)
            .WithCompletion(End("run-a", null, Now.AddMinutes(1), gone: [Lost(X)]));
        Assert.Empty(ledger.Find("run-a")!.Revoked);
        Assert.Equal([(X.RuleId, RevokeEvidence.AnswerLost)], Uncertain(ledger, "run-a"));
        var done = ledger.WithCompletion(End("run-b", null, Now.AddMinutes(2), [Confirmed(X)]));
        Assert.Equal([(X.RuleId, RevokeEvidence.Confirmed)], Announced(done, "run-b"));
        Assert.Empty(done.Find("run-a")!.Uncertain);
    }

    [Fact]
    public void The_run_that_announced_a_rule_is_kept_while_an_intent_nobody_took_over_names_it()
    {
        // run-z asked for X and died before its revoke; run-b removed X and announced it; nobody else came for a day.
        var ledger = Done(Intent(GroupLedger.Empty, "run-z", "exec-z", Now, X), "run-b", "exec-b", Now.AddMinutes(1), X);
        var dayLater = Now.AddDays(1).AddHours(1);
        // The next run records its intent (the write prunes), then ends: X was announced already.
        var intent = Intent(ledger, "run-c", "exec-c", dayLater, Y).Pruned(dayLater);
        Assert.NotNull(intent.Find("run-b"));
        var done = intent.WithCompletion(End("run-c", "exec-c", dayLater, [Confirmed(Y)]));
        Assert.Equal([(Y.RuleId, RevokeEvidence.Confirmed)], Announced(done, "run-c"));
        Assert.Equal("run-c", done.Find("run-z")!.AnnouncedBy);
        // Once the intent is taken over, the announcing run goes after its day like any other.
        Assert.Null(done.Pruned(dayLater).Find("run-b"));
        // A run whose removals no pending intent names is not kept.
        var unrelated = Done(Intent(GroupLedger.Empty, "run-z", "exec-z", Now, Y), "run-b", "exec-b", Now, X);
        Assert.Null(unrelated.Pruned(dayLater).Find("run-b"));
        Assert.NotNull(unrelated.Pruned(dayLater).Find("run-z"));
        // One named rule among several is enough; a run that announced nothing is evidence of nothing.
        var several = Done(Intent(GroupLedger.Empty, "run-z", "exec-z", Now, Y), "run-b", "exec-b", Now, X, Y);
        Assert.NotNull(several.Pruned(dayLater).Find("run-b"));
        var none = Intent(GroupLedger.Empty, "run-z", "exec-z", Now, Y).WithCompletion(End("run-b", "exec-b", Now));
        Assert.Null(none.Pruned(dayLater).Find("run-b"));
    }

    // ----- notices that did not go out -----

    [Fact]
    public void An_execution_that_published_nothing_hands_its_finished_runs_back()
    {
        var ledger = Done(Done(GroupLedger.Empty, "run-1", "exec-a", Now, X), "run-b", "exec-b", Now, W);
        ledger = Intent(ledger, "run-2", "exec-a", Now.AddMinutes(1), Y);
        var kept = ledger.WithUndelivered("exec-a", Now.AddMinutes(2));
        Assert.Equal((RunState.Undelivered, Now.AddMinutes(2)), (kept.Find("run-1")!.State, kept.Find("run-1")!.Finished));
        Assert.Equal([X], kept.Find("run-1")!.Revoked.Select(r => r with { Evidence = null }));
        // A crashed run stays an intent (the next run reads the group to see what it removed); other executions are untouched.
        Assert.Same(ledger.Find("run-2"), kept.Find("run-2"));
        Assert.Same(ledger.Find("run-b"), kept.Find("run-b"));

        // Twice is once: the first hand-back's time stays.
        Assert.Same(kept, kept.WithUndelivered("exec-a", Now.AddMinutes(3)));
        // Nothing of that execution: the same ledger.
        Assert.Same(ledger, ledger.WithUndelivered("exec-z", Now));
    }

    [Fact]
    public void A_run_already_taken_over_is_left_to_the_run_that_took_it()
    {
        // run-1 (exec-a) finished; its answer was lost; run-2 (exec-a) replayed it; then exec-a's publish failed.
        var ledger = Done(GroupLedger.Empty, "run-1", "exec-a", Now, X).WithCompletion(End("run-2", "exec-a", Now.AddMinutes(1)));
        var kept = ledger.WithUndelivered("exec-a", Now.AddMinutes(2));
        Assert.Equal((RunState.Done, "run-2"), (kept.Find("run-1")!.State, kept.Find("run-1")!.AnnouncedBy));
        Assert.Equal(RunState.Undelivered, kept.Find("run-2")!.State);
        // The next run announces X once, through run-2.
        var next = kept.WithCompletion(End("run-3", "exec-b", Now.AddMinutes(3)));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(next, "run-3"));

        // Taken over by another execution's run: that execution hands it back if it cannot publish.
        var undelivered = Done(GroupLedger.Empty, "run-1", "exec-a", Now, X).WithUndelivered("exec-a", Now)
            .WithCompletion(End("run-b", "exec-b", Now.AddMinutes(1)));
        var again = undelivered.WithUndelivered("exec-a", Now.AddMinutes(2));
        Assert.Same(undelivered, again);
        var handed = undelivered.WithUndelivered("exec-b", Now.AddMinutes(2));
        Assert.Equal("run-b", handed.Find("run-1")!.AnnouncedBy);
        Assert.Equal(RunState.Undelivered, handed.Find("run-b")!.State);
        var last = handed.WithCompletion(End("run-c", "exec-c", Now.AddMinutes(3)));
        Assert.Equal([(X.RuleId, RevokeEvidence.EarlierRun)], Announced(last, "run-c"));
    }

    [Fact]
    public void Published_runs_and_the_runs_they_carried_are_not_handed_back()
    {
        // exec-a: run-1 ended, its answer was lost; run-2 replayed run-1 and failed; run-2's notice went out.
        var ledger = Done(GroupLedger.Empty, "run-1", "exec-a", Now, X).WithCompletion(End("run-2", "exec-a", Now.AddMinutes(1), [Confirmed(Y)]));
        Assert.Same(ledger, ledger.WithUndelivered("exec-a", Now.AddMinutes(2), ["run-2", "run-1"]));
        Assert.Same(ledger, ledger.WithUndelivered("exec-a", Now.AddMinutes(2), ["run-2"]));

        // A failed run whose end could not be recorded carried nothing: its published notice leaves the earlier run's
        // removals of the execution to be handed back.
        var failed = Intent(Done(GroupLedger.Empty, "run-1", "exec-a", Now, X), "run-2", "exec-a", Now.AddMinutes(1), Y);
        foreach (var published in new[] { Array.Empty<string>(), ["run-2"] })
        {
            var kept = failed.WithUndelivered("exec-a", Now.AddMinutes(2), published);
            Assert.Equal(RunState.Undelivered, kept.Find("run-1")!.State);
            Assert.Same(failed.Find("run-2"), kept.Find("run-2"));
            Assert.Same(kept, kept.WithUndelivered("exec-a", Now.AddMinutes(3), published));
        }
        Assert.Same(failed, failed.WithUndelivered("exec-a", Now.AddMinutes(2), ["run-1"]));
    }

    // ----- pruning -----

    [Fact]
    public void Finished_runs_are_kept_a_day_unannounced_ones_a_month()
    {
        var day = GroupLedger.FinishedRetention;
        var month = GroupLedger.UnannouncedRetention;
        Assert.Equal(TimeSpan.FromDays(1), day);
        Assert.Equal(TimeSpan.FromDays(30), month);

        var done = Done(GroupLedger.Empty, "run-a", "exec-a", Now, X) with { Version = 7, Guard = LoopGuardState.Empty.WithRevoke("0123abcd", Now, 24) };
        Assert.Single(done.Pruned(Now.Add(day).AddTicks(-1)).Runs);
        Assert.Empty(done.Pruned(Now.Add(day)).Runs);
        var pruned = done.Pruned(Now.Add(day));
        Assert.Equal((7L, done.Guard), (pruned.Version, pruned.Guard));

        // The day counts from the end (a run without an end time: from its start).
        var late = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X).WithCompletion(End("run-a", "exec-a", Now.AddHours(5)));
        Assert.Single(late.Pruned(Now.Add(day).AddHours(4)).Runs);
        Assert.Empty(late.Pruned(Now.Add(day).AddHours(5)).Runs);
        var noEnd = new GroupLedger(0, LoopGuardState.Empty, [new RunEntry { RunId = "r", Started = Now, State = RunState.Done }]);
        Assert.Empty(noEnd.Pruned(Now.Add(day)).Runs);

        // Unannounced: an undelivered run, an intent nobody took over, a run still waiting on an uncertain rule.
        var undelivered = done.WithUndelivered("exec-a", Now);
        var intent = Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X);
        var waiting = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-a", "exec-a", Now, X)
            .WithCompletion(End("run-a", "exec-a", Now, gone: [Lost(X)]));
        foreach (var ledger in new[] { undelivered, intent })
        {
            Assert.Single(ledger.Pruned(Now.Add(month).AddTicks(-1)).Runs);
            Assert.Empty(ledger.Pruned(Now.Add(month)).Runs);
        }
        Assert.NotNull(waiting.Pruned(Now.Add(month).AddTicks(-1)).Find("run-a"));
        Assert.Null(waiting.Pruned(Now.Add(month)).Find("run-a"));

        // Taken over: announced by another run, kept a day.
        var taken = intent.WithCompletion(End("run-c", "exec-a", Now));
        Assert.NotNull(taken.Pruned(Now.Add(day).AddTicks(-1)).Find("run-a"));
        Assert.Null(taken.Pruned(Now.Add(day)).Find("run-a"));
    }

    // ----- whether a run's end must be written -----

    [Fact]
    public void A_run_has_work_at_its_end_only_when_there_is_something_to_announce_or_settle()
    {
        var at = Now.AddMinutes(1);
        Assert.False(GroupLedger.Empty.HasWorkFor("run-a", "exec-a", at, Interrupted));
        // Its own entry is not work.
        Assert.False(Intent(GroupLedger.Empty, "run-a", "exec-a", Now, X).HasWorkFor("run-a", "exec-a", at.AddHours(1), Interrupted));
        // Another execution's finished run is not; its own execution's is, until taken over.
        var done = Done(GroupLedger.Empty, "run-b", "exec-b", Now, X);
        Assert.False(done.HasWorkFor("run-a", "exec-a", at, Interrupted));
        Assert.True(done.HasWorkFor("run-a", "exec-b", at, Interrupted));
        Assert.False(done.WithCompletion(End("run-c", "exec-b", at)).HasWorkFor("run-c", "exec-b", at, Interrupted));
        Assert.False(Done(GroupLedger.Empty, "run-b", null, Now, X).HasWorkFor("run-a", null, at, Interrupted));
        // An undelivered run always is.
        Assert.True(done.WithUndelivered("exec-b", at).HasWorkFor("run-a", "exec-a", at, Interrupted));
        // An intent: of its own execution, or once stale.
        var intent = Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X);
        Assert.False(intent.HasWorkFor("run-a", "exec-a", at, Interrupted));
        Assert.True(intent.HasWorkFor("run-a", "exec-b", at, Interrupted));
        Assert.True(intent.HasWorkFor("run-a", "exec-a", Now.Add(Interrupted).AddTicks(1), Interrupted));
        // A rule another run waits on.
        var waiting = Intent(Intent(GroupLedger.Empty, "run-b", "exec-b", Now, X), "run-c", "exec-c", Now, X)
            .WithCompletion(End("run-c", "exec-c", at, gone: [Lost(X)]));
        Assert.True(waiting.HasWorkFor("run-a", "exec-a", at, Interrupted));
        Assert.False(waiting.HasWorkFor("run-c", "exec-a", at, Interrupted));
    }
}
