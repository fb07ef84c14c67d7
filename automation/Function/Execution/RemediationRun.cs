using Amazon.EC2;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Live;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation.Ledger;
using SgConfigRule.Remediation.Plan;
using PolicyGroup = SgConfigRule.Policy.Model.SecurityGroup;

namespace SgConfigRule.Remediation.Execution;

/// <summary>What one run is asked to do, and within which limits.</summary>
public sealed record RunSettings(
    string RunId,
    string? ExecutionId,
    LedgerKey Key,
    PolicyParameters Policy,
    bool DryRun,
    bool ExemptionTagProtectedByIam,
    LoopGuardSettings Guard,
    DateTimeOffset RevokeCutoff)
{
    public string GroupId => Key.GroupId;

    /// <summary>After this long without an end, another execution's run is taken to have died (it cannot outlive its Lambda timeout).</summary>
    public TimeSpan InterruptedAfter { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxRounds { get; init; } = 4;
}

/// <summary>How a run ended, with everything the notice needs.</summary>
public sealed record RunResult(RemediationStatus Status, PolicyGroup? Group)
{
    public IReadOnlyList<RevokedRule> Revoked { get; init; } = [];
    public IReadOnlyList<RevokedRule> WouldRevoke { get; init; } = [];
    public IReadOnlyList<RevokedRule> Skipped { get; init; } = [];
    public IReadOnlyList<RevokedRule> Remaining { get; init; } = [];
    public IReadOnlyList<RevokedRule> Guarded { get; init; } = [];
    public IReadOnlyList<string> NoticeRuns { get; init; } = [];
    public string? Note { get; init; }

    /// <summary>What went wrong after rules were removed (the run still reports them).</summary>
    public string? Error { get; init; }
}

/// <summary>
/// The executor: carries out <see cref="RevocationPlan"/>'s decisions against EC2, with the ledger as its write-ahead
/// log. Read the ledger and the group; announce what earlier runs left unannounced; then, until the plan stops: record
/// the intent, revoke by content, and take EC2's answer as the truth of what went — after a refusal because the group
/// changed, or an answer that never came, read the group again and decide again (bounded in rounds and time). Finally
/// record the end and the loop guard's counts. Once anything was removed, nothing that fails afterwards hides it: the
/// result always carries the removed rules.
/// </summary>
public sealed class RemediationRun(IAmazonEC2 ec2, Ec2Revoker revoker, IRemediationLedger ledger, PrefixListCache prefixLists,
                                   TimeProvider time, RunSettings settings)
{
    /// <summary>Removals EC2's answer confirmed.</summary>
    private readonly List<RevokedRule> confirmed = [];

    /// <summary>Rules asked for whose answer never came, gone afterwards (<c>AnswerLost</c>) or unknown (<c>Unverified</c>).</summary>
    private readonly List<RevokedRule> goneAfterUnknown = [];

    private readonly List<string> notes = [];
    private GroupLedger stored = GroupLedger.Empty;
    private bool intentRecorded;
    private PolicyGroup? lastRead;
    private DateTimeOffset? lastReadAt;

    /// <summary>What the notice announces, as the ledger decided at the end (or this run's own, if it could not be recorded).</summary>
    private IReadOnlyList<RevokedRule> announced = [];
    private IReadOnlyList<string> takenOver = [];

    private bool RemovedSomething => confirmed.Count > 0 || goneAfterUnknown.Count > 0;

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RemovedSomething || (intentRecorded && e is not RequestRefusedException))
        {
            // Rules may be gone: whatever failed, the end is recorded (so a later run can settle it) and people are told.
            await RecordEndAsync([], cancellationToken).ConfigureAwait(false);
            // Removed for certain (or carried from an earlier run): Revoked. Only possibly removed: the run failed, and says what it may have removed.
            var status = announced.Any(r => r.Evidence != RevokeEvidence.Unverified) ? RemediationStatus.Revoked : RemediationStatus.Failed;
            return new RunResult(status, lastRead)
            {
                Revoked = announced,
                NoticeRuns = Runs(),
                Note = Notes(),
                Error = $"the run stopped {(RemovedSomething ? "after removing rules" : "after it had started to revoke")}: {Describe(e)}",
            };
        }
    }

    private async Task<RunResult> RunCoreAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!settings.DryRun)
        {
            stored = await ledger.ReadAsync(settings.Key, now, cancellationToken).ConfigureAwait(false);
            if (stored.ReadProblem is { } problem) notes.Add(problem);
        }
        var group = await ReadGroupAsync(cancellationToken).ConfigureAwait(false);
        if (group is null) return await EndAsync(RemediationStatus.GroupNotFound, null, new PlanDecision(), [], cancellationToken).ConfigureAwait(false);

        var sawDisallowed = false;
        string? lastProblem = null;
        var newlyGuarded = new List<RevokedRule>();
        for (var round = 1; round <= settings.MaxRounds; round++)
        {
            var catalog = await prefixLists.CatalogForAsync([group], settings.Policy, cancellationToken).ConfigureAwait(false);
            var decision = RevocationPlan.Decide(new PlanInput(group, settings.Policy, catalog, now, settings.DryRun,
                settings.ExemptionTagProtectedByIam, settings.Guard, stored.Guard)
            {
                RevokedAlready = RemovedSomething,
                SawDisallowed = sawDisallowed,
            });
            sawDisallowed |= decision.SawDisallowed;
            foreach (var rule in decision.NewlyGuarded.Where(r => !newlyGuarded.Any(g => RuleContent.SameContent(g, r)))) newlyGuarded.Add(rule);
            if (decision.Stops)
            {
                return await EndAsync(decision.Status!.Value, group, decision, newlyGuarded, cancellationToken).ConfigureAwait(false);
            }
            // EC2 said these went, yet the group still lists them: AWS notes that changes take a moment to show.
            // Asking again would only get the same answer; the next evaluation looks again.
            var stillListed = decision.Revoke.Where(r => confirmed.Any(o => RuleContent.SameRule(o, r))).ToList();
            if (stillListed.Count > 0)
            {
                notes.Add($"EC2 reported removing {string.Join(", ", stillListed.Select(r => r.Display))}, but the group still listed {(stillListed.Count == 1 ? "it" : "them")} right after; the next evaluation checks again.");
                decision = decision with { Revoke = [.. decision.Revoke.Except(stillListed)] };
                if (decision.Revoke.IsEmpty) return await EndAsync(RemediationStatus.Revoked, group, decision, newlyGuarded, cancellationToken).ConfigureAwait(false);
            }
            if (time.GetUtcNow() >= settings.RevokeCutoff)
            {
                throw new GroupKeptChangingException($"the time budget for revoking ran out after {round - 1} rounds; nothing more was revoked");
            }

            stored = await LedgerUpdates.UpdateAsync(ledger, settings.Key, stored,
                l => l.WithIntent(settings.RunId, settings.ExecutionId, now, decision.Revoke), now, cancellationToken).ConfigureAwait(false);
            intentRecorded = true;

            var attempt = await revoker.RevokeAsync(settings.GroupId, decision.Revoke, cancellationToken).ConfigureAwait(false);
            switch (attempt)
            {
                case RevokeAttempt.Answered answered:
                    confirmed.AddRange(answered.Revoked);
                    if (answered.Unmatched == 0)
                    {
                        // The check after the revoke: what is left (rules added meanwhile are revoked in another round).
                        var after = await ReadAfterRevokeAsync(group, cancellationToken).ConfigureAwait(false);
                        if (after is null) return await EndAsync(RemediationStatus.Revoked, group, decision, newlyGuarded, cancellationToken).ConfigureAwait(false);
                        group = after;
                        if (!HasRevocable(group, catalog)) continue;
                    }
                    break;
                case RevokeAttempt.Refused refused when refused.GroupGone:
                    return await EndAsync(RemediationStatus.GroupNotFound, null, new PlanDecision(), newlyGuarded, cancellationToken).ConfigureAwait(false);
                case RevokeAttempt.Refused refused when refused.ChangedMeanwhile:
                    notes.Add("The group's rules changed while the remediation ran; it read them again and revoked only what was still disallowed.");
                    break;
                case RevokeAttempt.Refused refused when refused.Throttled:
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * round), time, cancellationToken).ConfigureAwait(false);
                    break;
                case RevokeAttempt.Refused refused when refused.Unauthorized && round == 1:
                    // IAM refused (perhaps an exemption tag arrived after the read): look again; the plan knows the tag.
                    break;
                case RevokeAttempt.Refused refused:
                    throw new RevokeFailedException($"EC2 refused to revoke from {settings.GroupId}: {refused.ErrorCode}: {refused.Message}");
                case RevokeAttempt.Unknown unknown:
                    lastProblem = unknown.Problem;
                    PolicyGroup? fresh;
                    try
                    {
                        fresh = await ReadGroupAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not RequestRefusedException)
                    {
                        // Neither EC2's answer nor the group: the rules may be gone. Say so rather than stay silent.
                        goneAfterUnknown.AddRange(decision.Revoke.Select(r => r with { Evidence = RevokeEvidence.Unverified }));
                        notes.Add($"EC2's answer to the revoke was lost ({unknown.Problem}) and the group could not be read again: the rules it was asked to remove are reported as possibly removed.");
                        throw;
                    }
                    var present = fresh?.Ingress.Select(r => r.RuleId).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
                    var gone = decision.Revoke.Where(r => !present.Contains(r.RuleId)).ToList();
                    goneAfterUnknown.AddRange(gone.Select(r => r with { Evidence = RevokeEvidence.AnswerLost }));
                    if (gone.Count > 0)
                    {
                        notes.Add($"EC2's answer to the revoke was lost ({unknown.Problem}); the rules it was asked to remove that are gone are reported as removed.");
                    }
                    if (fresh is null) return await EndAsync(RemediationStatus.GroupNotFound, null, new PlanDecision(), newlyGuarded, cancellationToken).ConfigureAwait(false);
                    group = fresh;
                    continue;
            }
            group = await ReadGroupAsync(cancellationToken).ConfigureAwait(false);
            if (group is null) return await EndAsync(RemediationStatus.GroupNotFound, null, new PlanDecision(), newlyGuarded, cancellationToken).ConfigureAwait(false);
        }
        throw lastProblem is not null
            ? new RevokeFailedException($"EC2 did not confirm the revoke in {settings.MaxRounds} attempts; the last one: {lastProblem}")
            : new GroupKeptChangingException($"the rules of {settings.GroupId} kept changing during {settings.MaxRounds} attempts to revoke them");
    }

    private async Task<RunResult> EndAsync(RemediationStatus status, PolicyGroup? group, PlanDecision decision, IReadOnlyList<RevokedRule> newlyGuarded,
                                           CancellationToken cancellationToken)
    {
        if (group is null && RemovedSomething) notes.Add("The group was deleted during the remediation.");
        await RecordEndAsync(newlyGuarded, cancellationToken).ConfigureAwait(false);
        var remaining = group is null ? [] : await RemainingAsync(group, decision, cancellationToken).ConfigureAwait(false);
        return new RunResult(Final(status), group ?? lastRead)
        {
            Revoked = announced,
            WouldRevoke = decision.WouldRevoke,
            Skipped = decision.Skipped,
            Guarded = decision.Guarded,
            Remaining = remaining,
            NoticeRuns = Runs(),
            Note = Notes(decision.Note),
        };
    }

    /// <summary>
    /// The status, once the ledger has said what this notice announces: removals carried from earlier runs make it
    /// <c>Revoked</c>; a removal another run turned out to own (or will announce) leaves <c>AlreadyRevoked</c>.
    /// </summary>
    private RemediationStatus Final(RemediationStatus planned)
    {
        if (announced.Count > 0)
        {
            return planned is RemediationStatus.LoopGuardTripped or RemediationStatus.DryRun or RemediationStatus.BlockedByExemptionTag
                ? planned : RemediationStatus.Revoked;
        }
        return planned is RemediationStatus.Revoked or RemediationStatus.GroupNotFound && RemovedSomething ? RemediationStatus.AlreadyRevoked : planned;
    }

    private IReadOnlyList<string> Runs() => [.. takenOver, .. announced.Any(r => r.Evidence != RevokeEvidence.EarlierRun) ? [settings.RunId] : Array.Empty<string>()];

    /// <summary>Rules still disallowed after the run, other than the ones the loop guard keeps on purpose.</summary>
    private async Task<IReadOnlyList<RevokedRule>> RemainingAsync(PolicyGroup group, PlanDecision decision, CancellationToken cancellationToken)
    {
        if (decision.Status is RemediationStatus.DryRun or RemediationStatus.OutOfScope or RemediationStatus.Exempt) return [];
        var catalog = await prefixLists.CatalogForAsync([group], settings.Policy, cancellationToken).ConfigureAwait(false);
        var remaining = RevocationPlan.Disallowed(group, settings.Policy, catalog)
            .Where(r => !decision.Guarded.Any(g => RuleContent.SameContent(g, r))).ToList();
        if (RemovedSomething && remaining.Count > decision.Skipped.Length)
        {
            notes.Add("Disallowed rules were added while the remediation ran; the next evaluation will handle them.");
        }
        return remaining;
    }

    /// <summary>
    /// The end of the run in the ledger, decided there on the state it is stored over (<see cref="GroupLedger.WithCompletion"/>):
    /// what this notice announces — its own removals and those earlier runs left unannounced, not a removal another run
    /// owns — and the loop guard's counts. If the end cannot be recorded, the notice announces this run's own removals
    /// and says a later run may announce them again.
    /// </summary>
    private async Task RecordEndAsync(IReadOnlyList<RevokedRule> newlyGuarded, CancellationToken cancellationToken)
    {
        var own = confirmed.Concat(goneAfterUnknown).DistinctBy(r => (r.RuleId, RuleContent.Key(r))).ToList();
        announced = own;
        if (settings.DryRun) return;
        var now = time.GetUtcNow();
        if (!intentRecorded && newlyGuarded.Count == 0 && !stored.HasWorkFor(settings.RunId, settings.ExecutionId, now, settings.InterruptedAfter)) return;
        LoopGuardState Counted(LoopGuardState guard)
        {
            var counted = guard.Pruned(now, settings.Guard.WindowHours);
            if (!settings.Guard.Enabled) return counted;
            counted = own.Aggregate(counted, (s, r) => s.WithRevoke(LoopGuardState.Fingerprint(r), now, settings.Guard.WindowHours));
            return newlyGuarded.Aggregate(counted, (s, r) => s.WithEscalation(LoopGuardState.Fingerprint(r), now, settings.Guard.WindowHours));
        }
        var completion = new Completion(settings.RunId, settings.ExecutionId, now, settings.InterruptedAfter)
        {
            Confirmed = confirmed,
            GoneAfterUnknownAnswer = goneAfterUnknown,
            RuleIdsInGroup = (lastRead?.Ingress.Select(r => r.RuleId).OfType<string>() ?? []).ToHashSet(StringComparer.Ordinal),
            GroupReadAt = lastReadAt,
            GuardUpdate = Counted,
        };
        try
        {
            stored = await LedgerUpdates.UpdateAsync(ledger, settings.Key, stored, l => l.WithCompletion(completion), now, cancellationToken).ConfigureAwait(false);
            announced = stored.Find(settings.RunId)?.Revoked ?? [];
            takenOver = stored.TakenOverBy(settings.RunId);
            var carried = announced.Count(r => r.Evidence == RevokeEvidence.EarlierRun);
            if (carried > 0) notes.Add($"{Count(carried)} removed by an earlier run that could not announce {(carried == 1 ? "it" : "them")} {(carried == 1 ? "is" : "are")} reported here.");
            var deferred = own.Count(r => !announced.Any(a => RuleContent.SameRule(a, r)));
            if (deferred > 0) notes.Add($"{Count(deferred)} this run asked for went at the same moment another run removed {(deferred == 1 ? "it" : "them")}; that run's notice reports {(deferred == 1 ? "it" : "them")}.");
        }
        catch (Exception e) when (AwsCallFailure.Is(e) || e is LedgerUnavailableException or OperationCanceledException)
        {
            // Decided on the state read at the start instead: what this run would have taken over is announced too (a
            // retried step's earlier run whose answer was lost, say) — twice, perhaps, but never not at all.
            var decided = stored.WithCompletion(completion);
            announced = decided.Find(settings.RunId) is { } entry ? entry.Revoked : own;
            takenOver = decided.TakenOverBy(settings.RunId);
            notes.Add($"Could not record the end of this run in the ledger ({Describe(e)}): the loop guard did not count it, and a later run may announce these removals again.");
        }
    }

    private async Task<PolicyGroup?> ReadGroupAsync(CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        var item = await LiveAccount.ReadGroupAsync(ec2, settings.GroupId, settings.Key.Region, cancellationToken).ConfigureAwait(false);
        lastReadAt = readAt;
        if (item?.Group is not { } group)
        {
            lastRead = lastRead is null ? null : lastRead with { Ingress = [] };
            return null;
        }
        if (settings.Key.AccountId is { } account && group.OwnerId is { } owner && owner != account)
        {
            throw new RequestRefusedException($"security group {settings.GroupId} belongs to account {owner}, not to account {account} the request names");
        }
        lastRead = group;
        return group;
    }

    /// <summary>The rules after a revoke (one call; the tags read before still hold for this check). Null when the read failed.</summary>
    private async Task<PolicyGroup?> ReadAfterRevokeAsync(PolicyGroup before, CancellationToken cancellationToken)
    {
        try
        {
            var readAt = time.GetUtcNow();
            var rules = await LiveAccount.ReadIngressAsync(ec2, settings.GroupId, cancellationToken).ConfigureAwait(false);
            lastRead = before with { Ingress = [.. rules] };
            lastReadAt = readAt;
            return lastRead;
        }
        catch (Exception e) when (AwsCallFailure.Is(e) || e is OperationCanceledException or SgConfigRule.Input.InputException)
        {
            notes.Add($"The rules could not be read again after the revoke ({Describe(e)}); EC2's answer says what was removed.");
            return null;
        }
    }

    private bool HasRevocable(PolicyGroup group, Policy.Model.PrefixListCatalog catalog) =>
        !RevocationPlan.Decide(new PlanInput(group, settings.Policy, catalog, time.GetUtcNow(), settings.DryRun,
            settings.ExemptionTagProtectedByIam, settings.Guard, stored.Guard) { RevokedAlready = true }).Stops;

    private string? Notes(string? first = null)
    {
        var all = (first is null ? notes : [first, .. notes]).Distinct(StringComparer.Ordinal).ToList();
        return all.Count == 0 ? null : string.Join(" ", all);
    }

    private static string Count(int n) => n == 1 ? "1 inbound rule" : $"{n} inbound rules";

    public static string Describe(Exception e) => e switch
    {
        Amazon.Runtime.AmazonServiceException aws => $"{aws.ErrorCode ?? aws.GetType().Name} (HTTP {(int)aws.StatusCode}): {aws.Message}",
        _ => e.Message,
    };
}
