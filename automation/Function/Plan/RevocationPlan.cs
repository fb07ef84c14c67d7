using System.Collections.Immutable;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using PolicyGroup = SgConfigRule.Policy.Model.SecurityGroup;

namespace SgConfigRule.Remediation.Plan;

/// <summary>What one look at the live group allows the run to do. Pure: the group, the policy and the time come in.</summary>
public sealed record PlanInput(
    PolicyGroup Group,
    PolicyParameters Policy,
    PrefixListCatalog PrefixLists,
    DateTimeOffset Now,
    bool DryRun,
    bool ExemptionTagProtectedByIam,
    LoopGuardSettings Guard,
    LoopGuardState GuardState)
{
    /// <summary>This run has already removed rules (earlier rounds, or carried from an earlier run).</summary>
    public bool RevokedAlready { get; init; }

    /// <summary>An earlier round saw disallowed rules (so their absence now means someone removed them).</summary>
    public bool SawDisallowed { get; init; }
}

/// <summary>The decision: stop with a status, or revoke exactly <see cref="Revoke"/>.</summary>
public sealed record PlanDecision
{
    /// <summary>The rules to revoke now, as read (their content is what the revoke names); empty when the run stops.</summary>
    public ImmutableArray<RevokedRule> Revoke { get; init; } = [];

    /// <summary>When the run stops: how it ends.</summary>
    public RemediationStatus? Status { get; init; }

    public string? Note { get; init; }

    /// <summary>Disallowed rules that would be removed (dry run), or that IAM keeps the function from removing.</summary>
    public ImmutableArray<RevokedRule> WouldRevoke { get; init; } = [];

    /// <summary>Disallowed rules left alone because their prefix list could not be resolved (they may be allowed).</summary>
    public ImmutableArray<RevokedRule> Skipped { get; init; } = [];

    /// <summary>Disallowed rules the loop guard spares, and of those the ones people have not been told about.</summary>
    public ImmutableArray<RevokedRule> Guarded { get; init; } = [];
    public ImmutableArray<RevokedRule> NewlyGuarded { get; init; } = [];

    /// <summary>Any disallowed rule at all (revocable, skipped or guarded).</summary>
    public bool SawDisallowed { get; init; }

    public bool Stops => Status is not null;
}

/// <summary>
/// The remediation's decisions, apart from the calls that carry them out: evaluate the group as it is now, with its
/// live tags, and decide — out of scope, exempt, nothing to do, dry run, blocked by the exemption tag's IAM deny, held
/// by the loop guard, or revoke exactly these rules. Never plans the removal of a rule the policy allows: only the
/// evaluator's findings are candidates, and a finding whose prefix list could not be resolved is skipped.
/// </summary>
public static class RevocationPlan
{
    public static PlanDecision Decide(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var group = input.Group;
        var evaluation = Evaluator.Evaluate(group, input.Policy, input.Now, input.PrefixLists);
        // Once a run has removed something it reports Revoked, whatever stops it afterwards.
        RemediationStatus Ended(RemediationStatus otherwise) => input.RevokedAlready ? RemediationStatus.Revoked : otherwise;

        if (Evaluator.OutsideScope(group, input.Policy) is { } outside)
        {
            return new PlanDecision { Status = Ended(RemediationStatus.OutOfScope), Note = outside };
        }
        if (evaluation.Exemption.IsExempt)
        {
            return new PlanDecision { Status = Ended(RemediationStatus.Exempt), Note = evaluation.Exemption.Note };
        }
        // An exemption tag that exempts nothing (expired, malformed, beyond maxExemptionDays) is named in every notice,
        // as in every evaluation: a refused exemption must not look as if it were honoured.
        var ignoredExemption = evaluation.Exemption.Note;
        var (revocable, skipped) = Split(evaluation.Findings);
        var sawDisallowed = input.SawDisallowed || !evaluation.Findings.IsEmpty;
        if (revocable.IsEmpty)
        {
            var status = input.RevokedAlready ? RemediationStatus.Revoked
                : input.SawDisallowed && skipped.IsEmpty ? RemediationStatus.AlreadyRevoked
                : RemediationStatus.NothingToRevoke;
            return new PlanDecision { Status = status, Skipped = skipped, SawDisallowed = sawDisallowed, Note = ignoredExemption };
        }
        if (input.DryRun)
        {
            return new PlanDecision { Status = RemediationStatus.DryRun, WouldRevoke = revocable, Skipped = skipped, SawDisallowed = true, Note = ignoredExemption };
        }
        if (input.ExemptionTagProtectedByIam && input.Policy.ExemptionTagKey is { } tagKey && group.FindTag(tagKey) is not null)
        {
            // IAM would refuse the revoke; say why instead of failing into a remediation exception.
            return new PlanDecision
            {
                Status = Ended(RemediationStatus.BlockedByExemptionTag),
                WouldRevoke = revocable,
                Skipped = skipped,
                SawDisallowed = true,
                Note = $"{evaluation.Exemption.Note}. The deployment denies revoking groups tagged {tagKey}: renew the exemption or remove the tag.",
            };
        }

        // The loop guard: a rule revoked MaxRevokes times in the window keeps coming back (infrastructure as code
        // fighting the remediation). Stop revoking it, keep the group non-compliant, tell people once.
        var guarded = ImmutableArray<RevokedRule>.Empty;
        var newlyGuarded = ImmutableArray<RevokedRule>.Empty;
        if (input.Guard.Enabled)
        {
            var state = input.GuardState;
            bool Held(RevokedRule r) => state.RevokesWithin(LoopGuardState.Fingerprint(r), input.Now, input.Guard.WindowHours) >= input.Guard.MaxRevokes;
            guarded = [.. revocable.Where(Held)];
            newlyGuarded = [.. guarded.Where(r => !state.IsEscalated(LoopGuardState.Fingerprint(r), input.Now, input.Guard.WindowHours))];
            revocable = [.. revocable.Where(r => !Held(r))];
        }
        if (revocable.IsEmpty)
        {
            var status = !newlyGuarded.IsEmpty ? RemediationStatus.LoopGuardTripped
                : input.RevokedAlready ? RemediationStatus.Revoked : RemediationStatus.LoopGuardHolding;
            return new PlanDecision { Status = status, Skipped = skipped, Guarded = guarded, NewlyGuarded = newlyGuarded, SawDisallowed = true, Note = ignoredExemption };
        }
        return new PlanDecision { Revoke = revocable, Skipped = skipped, Guarded = guarded, NewlyGuarded = newlyGuarded, SawDisallowed = true, Note = ignoredExemption };
    }

    /// <summary>The rules still disallowed in a group after the run (added meanwhile, skipped or guarded), for the notice.</summary>
    public static ImmutableArray<RevokedRule> Disallowed(PolicyGroup group, PolicyParameters policy, PrefixListCatalog prefixLists) =>
        [.. Evaluator.FindDisallowed(group, policy, prefixLists).Select(Describe)];

    private static (ImmutableArray<RevokedRule> Revocable, ImmutableArray<RevokedRule> Skipped) Split(ImmutableArray<Finding> findings)
    {
        var revocable = ImmutableArray.CreateBuilder<RevokedRule>();
        var skipped = ImmutableArray.CreateBuilder<RevokedRule>();
        foreach (var finding in findings)
        {
            // A rule read without an id (not from the live API) cannot be matched to EC2's answer: never revoked.
            if (finding.Rule.RuleId is null) continue;
            (finding.UnresolvedPrefixList ? skipped : revocable).Add(Describe(finding));
        }
        return (revocable.ToImmutable(), skipped.ToImmutable());
    }

    public static RevokedRule Describe(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var rule = finding.Rule;
        var referenced = rule.Source as SecurityGroupSource;
        return new RevokedRule
        {
            RuleId = rule.RuleId ?? "",
            Protocol = rule.Protocol.WireValue,
            FromPort = rule.WireFromPort,
            ToPort = rule.WireToPort,
            Source = rule.Source.Display,
            SourceType = rule.Source.SourceType,
            SourceUserId = referenced?.UserId,
            SourceVpcId = referenced?.VpcId,
            SourcePeeringConnectionId = referenced?.VpcPeeringConnectionId,
            Description = rule.Description,
            Reason = finding.ReasonText,
            Display = rule.Display,
        };
    }
}
