using System.Collections.Immutable;
using Amazon.EC2;
using Amazon.EC2.Model;
using SgConfigRule.Live;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using PolicyGroup = SgConfigRule.Policy.Model.SecurityGroup;

namespace SgConfigRule.Remediation;

/// <summary>
/// The revoke itself, against the live group: read the group and its rules, evaluate them again with the live tags,
/// revoke exactly the disallowed rules by <c>sgr-</c> id in one call, then read the rules again to verify.
/// Four EC2 calls in the ordinary case (describe group, describe rules, revoke, describe rules). Never revokes a rule
/// the policy allows: a rule whose prefix list cannot be resolved is left alone and reported.
/// </summary>
internal sealed class Revocation(IAmazonEC2 ec2, PolicyParameters parameters, PrefixListCache prefixLists, TimeProvider time,
                                 bool exemptionTagProtectedByIam = false, LoopGuardSettings? loopGuard = null)
{
    private readonly LoopGuardSettings guard = loopGuard ?? LoopGuardSettings.Default;

    private const int MaxRounds = 3;

    public sealed record Result(
        string Status,
        PolicyGroup? Group,
        IReadOnlyList<RevokedRule> Revoked,
        IReadOnlyList<RevokedRule> WouldRevoke,
        IReadOnlyList<RevokedRule> Skipped,
        IReadOnlyList<RevokedRule> Remaining,
        string? Note)
    {
        /// <summary>Disallowed rules the loop guard spared: revoked too often in the window; they stay, and people are told.</summary>
        public IReadOnlyList<RevokedRule> Guarded { get; init; } = [];
    }

    public async Task<Result> RunAsync(string groupId, string? region, bool dryRun, CancellationToken cancellationToken)
    {
        var revoked = new List<RevokedRule>();
        PolicyGroup? group = null;
        var sawDisallowed = false;
        for (var round = 0; round < MaxRounds; round++)
        {
            var item = await LiveAccount.ReadGroupAsync(ec2, groupId, region, cancellationToken).ConfigureAwait(false);
            if (item?.Group is null)
            {
                return new Result(revoked.Count > 0 ? RemediationStatus.Revoked : RemediationStatus.GroupNotFound, group, revoked, [], [], [],
                    revoked.Count > 0 ? "The group was deleted during the remediation." : null);
            }
            group = item.Group;
            var catalog = await prefixLists.CatalogForAsync([group], parameters, cancellationToken).ConfigureAwait(false);
            var evaluation = Evaluator.Evaluate(group, parameters, time.GetUtcNow(), catalog);
            if (Evaluator.OutsideScope(group, parameters) is { } outside && revoked.Count == 0)
            {
                return new Result(RemediationStatus.OutOfScope, group, [], [], [], [], outside);
            }
            if (evaluation.Exemption.IsExempt && revoked.Count == 0)
            {
                return new Result(RemediationStatus.Exempt, group, [], [], [], [], evaluation.Exemption.Note);
            }
            var (revocable, skipped) = Split(evaluation.Findings);
            sawDisallowed |= !evaluation.Findings.IsEmpty;
            if (revocable.Count == 0)
            {
                var status = revoked.Count > 0 ? RemediationStatus.Revoked
                    : sawDisallowed && skipped.Count == 0 ? RemediationStatus.AlreadyRevoked
                    : RemediationStatus.NothingToRevoke;
                return new Result(status, group, revoked, [], skipped, skipped, null);
            }
            if (dryRun)
            {
                return new Result(RemediationStatus.DryRun, group, [], revocable, skipped, [], null);
            }
            if (exemptionTagProtectedByIam && parameters.ExemptionTagKey is { } tagKey && group.FindTag(tagKey) is not null)
            {
                // IAM would refuse the revoke; say why instead of failing into a remediation exception.
                return new Result(RemediationStatus.BlockedByExemptionTag, group, [], revocable, skipped, revocable.Concat(skipped).ToList(),
                    $"{evaluation.Exemption.Note}. The deployment denies revoking groups tagged {tagKey}: renew the exemption or remove the tag.");
            }
            // The loop guard: a rule revoked MaxRevokes times in the window keeps coming back (infrastructure as
            // code fighting the remediation). Stop revoking it, keep the group non-compliant, tell people once.
            var now = time.GetUtcNow();
            var state = LoopGuardState.Empty;
            string? stateProblem = null;
            var guarded = new List<RevokedRule>();
            if (guard.Enabled)
            {
                state = LoopGuardState.Parse(group.FindTag(LoopGuardState.TagKey), now, out stateProblem);
                guarded = [.. revocable.Where(r => state.RevokesWithin(LoopGuardState.Fingerprint(r), now, guard.WindowHours) >= guard.MaxRevokes)];
                revocable = [.. revocable.Except(guarded)];
            }
            var newlyGuarded = guarded.Where(r => !state.IsEscalated(LoopGuardState.Fingerprint(r), now, guard.WindowHours)).ToList();
            if (revocable.Count == 0)
            {
                var escalated = newlyGuarded.Aggregate(state, (s, r) => s.WithEscalation(LoopGuardState.Fingerprint(r), now, guard.WindowHours));
                var recordProblem = newlyGuarded.Count > 0 ? await RecordAsync(groupId, escalated, now, cancellationToken).ConfigureAwait(false) : null;
                return new Result(newlyGuarded.Count > 0 ? RemediationStatus.LoopGuardTripped : RemediationStatus.LoopGuardHolding, group, [], [],
                    skipped, [.. guarded, .. skipped], Join(stateProblem, recordProblem)) { Guarded = guarded };
            }
            try
            {
                var response = await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
                {
                    GroupId = groupId,
                    SecurityGroupRuleIds = [.. revocable.Select(r => r.RuleId)],
                }, cancellationToken).ConfigureAwait(false);
                var confirmed = (response.RevokedSecurityGroupRules ?? []).Select(r => r.SecurityGroupRuleId).ToHashSet(StringComparer.Ordinal);
                revoked.AddRange(revocable.Where(r => confirmed.Count == 0 || confirmed.Contains(r.RuleId)));
                var verified = await VerifyAsync(groupId, group, revoked, skipped, guarded, cancellationToken).ConfigureAwait(false);
                if (!guard.Enabled) return verified;
                var counted = revoked.Aggregate(state, (s, r) => s.WithRevoke(LoopGuardState.Fingerprint(r), now, guard.WindowHours));
                counted = newlyGuarded.Aggregate(counted, (s, r) => s.WithEscalation(LoopGuardState.Fingerprint(r), now, guard.WindowHours));
                var problem = await RecordAsync(groupId, counted, now, cancellationToken).ConfigureAwait(false);
                return verified with
                {
                    Status = newlyGuarded.Count > 0 ? RemediationStatus.LoopGuardTripped : verified.Status,
                    Guarded = guarded,
                    Note = Join(verified.Note, stateProblem, problem),
                };
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidSecurityGroupRuleId.NotFound")
            {
                // Someone (or another run) removed a rule between our read and our revoke: read again and retry.
                continue;
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidGroup.NotFound")
            {
                return new Result(revoked.Count > 0 ? RemediationStatus.Revoked : RemediationStatus.GroupNotFound, group, revoked, [], [], [], null);
            }
        }
        throw new InvalidOperationException($"the rules of {groupId} kept changing during {MaxRounds} attempts to revoke them");
    }

    /// <summary>Reads the rules again: every revoked id must be gone; disallowed rules still present are reported.</summary>
    private async Task<Result> VerifyAsync(string groupId, PolicyGroup before, List<RevokedRule> revoked, List<RevokedRule> skipped,
                                           List<RevokedRule> guarded, CancellationToken cancellationToken)
    {
        var rules = new List<SecurityGroupRule>();
        string? next = null;
        do
        {
            var page = await ec2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest
            {
                Filters = [new Filter("group-id", [groupId])],
                NextToken = next,
            }, cancellationToken).ConfigureAwait(false);
            rules.AddRange(page.SecurityGroupRules ?? []);
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        var stillThere = revoked.Where(r => rules.Any(x => x.SecurityGroupRuleId == r.RuleId)).ToList();
        if (stillThere.Count > 0)
        {
            throw new InvalidOperationException($"verification failed: {string.Join(", ", stillThere.Select(r => r.RuleId))} still present after the revoke");
        }
        var after = before with { Ingress = [.. rules.Select(Ec2GroupConversion.ToIngressRule).OfType<IngressRule>()] };
        var catalog = await prefixLists.CatalogForAsync([after], parameters, cancellationToken).ConfigureAwait(false);
        var remaining = Evaluator.FindDisallowed(after, parameters, catalog).Select(Describe).ToList();
        var note = remaining.Count > skipped.Count + guarded.Count ? "Disallowed rules were added while the remediation ran; the next evaluation will handle them." : null;
        return new Result(RemediationStatus.Revoked, before, revoked, [], skipped, remaining, note);
    }

    /// <summary>
    /// Writes the loop guard's state on the group. The revoke has happened either way: a failure here is reported in
    /// the outcome (the guard then cannot count this run), not turned into a failed remediation.
    /// </summary>
    private async Task<string?> RecordAsync(string groupId, LoopGuardState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await ec2.CreateTagsAsync(new CreateTagsRequest
            {
                Resources = [groupId],
                Tags = [new Tag(LoopGuardState.TagKey, state.Format(now, guard.WindowHours))],
            }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (AmazonEC2Exception e)
        {
            return $"Could not record the run in the tag {LoopGuardState.TagKey} ({e.ErrorCode}: {e.Message}); the loop guard did not count it.";
        }
    }

    private static string? Join(params string?[] notes) =>
        notes.Where(n => n is not null).ToList() is { Count: > 0 } present ? string.Join(" ", present) : null;

    private static (List<RevokedRule> Revocable, List<RevokedRule> Skipped) Split(ImmutableArray<Finding> findings)
    {
        var revocable = new List<RevokedRule>();
        var skipped = new List<RevokedRule>();
        foreach (var finding in findings)
        {
            if (finding.Rule.RuleId is null) continue;
            (finding.UnresolvedPrefixList ? skipped : revocable).Add(Describe(finding));
        }
        return (revocable, skipped);
    }

    public static RevokedRule Describe(Finding finding)
    {
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
