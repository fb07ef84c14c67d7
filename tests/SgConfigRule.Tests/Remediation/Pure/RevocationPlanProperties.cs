using System.Globalization;
using CsCheck;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Plan;
using SgConfigRule.Tests.Properties;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>
/// The plan's safety, over generated groups, policies, tags, loop-guard memories and run histories: whatever it
/// decides, it never names a rule the policy allows — neither for the revoke nor as what a dry run would remove.
/// Iterations: SGCR_PROPERTY_ITER / 3 (default 1000).
/// </summary>
public sealed class RevocationPlanProperties
{
    private static readonly string ExemptKey = PolicyParameters.DefaultExemptionTagKey;

    private sealed record Situation(GroupSpec Group, PolicySpec Policy, int Seed, bool DryRun, bool Iam, int Tag, int Scope, bool RevokedAlready,
                                    bool SawDisallowed, int GuardMax, int[] Counted)
    {
        public override string ToString() =>
            $"{Group} || {Policy} || seed {Seed} dry {DryRun} iam {Iam} tag {Tag} scope {Scope} revokedAlready {RevokedAlready} saw {SawDisallowed} guard {GuardMax} counted [{string.Join(",", Counted)}]";
    }

    private static readonly Gen<Situation> Situations =
        Gen.Select(Generators.Group, Generators.Policy, Gen.Int,
                   Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 2]),
                   Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 3].Array[0, 6]))
           .Select(t => new Situation(t.Item1, t.Item2, t.Item3, t.Item4.Item1, t.Item4.Item2, t.Item4.Item3, t.Item4.Item4,
                                      t.Item5.Item1, t.Item5.Item2, t.Item5.Item3, t.Item5.Item4));

    [Fact]
    public void The_plan_never_names_a_rule_the_policy_allows()
    {
        int revokes = 0, dryRuns = 0, guarded = 0, blocked = 0;
        Situations.Sample(s =>
        {
            var policy = ParameterParser.Parse(s.Policy.ParametersJson()) with
            {
                ScopeTagKey = s.Scope == 0 ? null : "team",
                ScopeTagValue = s.Scope == 2 ? "web" : null,
            };
            var catalog = PrefixListCatalog.Of(s.Policy.PrefixLists.Select(l => new PrefixList(l.Id, l.Name, [.. l.Entries.Select(Cidr.Parse)])));
            var rules = s.Group.Rules.Select((r, i) => ToModel(r, string.Create(CultureInfo.InvariantCulture, $"sgr-{i:x17}"))).ToList();
            var group = new SecurityGroup(s.Group.GroupId, "generated", null, null, "111122223333", [], [.. rules]);
            if (s.Scope > 0) group = group.Tagged("team", s.Scope == 1 ? "any" : s.Seed % 2 == 0 ? "web" : "db");
            group = s.Tag switch
            {
                1 => group.Tagged(ExemptKey, "2099-01-01"),
                2 => group.Tagged(ExemptKey, "2020-01-01 expired"),
                3 => group.Tagged(ExemptKey, "later"),
                _ => group,
            };
            // The loop guard remembers some of the rules, a few times each.
            var state = LoopGuardState.Empty;
            for (var i = 0; i < s.Counted.Length && i < rules.Count; i++)
            {
                if (Evaluator.Judge(rules[i], policy, catalog) is not { } finding) continue;
                var fingerprint = LoopGuardState.Fingerprint(RevocationPlan.Describe(finding));
                for (var n = 0; n < s.Counted[i]; n++) state = state.WithRevoke(fingerprint, Now, 24);
            }

            var decision = RevocationPlan.Decide(new PlanInput(group, policy, catalog, Now, s.DryRun, s.Iam, new LoopGuardSettings(s.GuardMax, 24), state)
            {
                RevokedAlready = s.RevokedAlready,
                SawDisallowed = s.SawDisallowed,
            });

            if (!decision.Revoke.IsEmpty) Interlocked.Increment(ref revokes);
            if (decision.Status == RemediationStatus.DryRun) Interlocked.Increment(ref dryRuns);
            if (!decision.Guarded.IsEmpty) Interlocked.Increment(ref guarded);
            if (decision.Status == RemediationStatus.BlockedByExemptionTag) Interlocked.Increment(ref blocked);
            var oracle = new Oracle(s.Policy, s.Seed);
            var named = decision.Revoke.Concat(decision.WouldRevoke).ToList();
            foreach (var rule in named)
            {
                var index = rules.FindIndex(r => r.RuleId == rule.RuleId);
                Assert.True(index >= 0, $"{rule.Display} ({rule.RuleId}) is not in the group");
                var read = rules[index];
                var finding = Evaluator.Judge(read, policy, catalog);
                Assert.True(finding is { UnresolvedPrefixList: false }, $"{read.Display} is named although the evaluator says {finding?.ReasonText ?? "allowed"}");
                Assert.True(oracle.Judge(s.Group.Rules[index]) is not null, $"{read.Display} is named although the oracle allows it");
                // It names the rule's content exactly as read.
                Assert.Equal(RuleContent.Key(read.Protocol.WireValue, read.WireFromPort, read.WireToPort, read.Source.SourceType, read.Source.Display), RuleContent.Key(rule));
            }
            Assert.Equal(named.Count, named.Select(r => r.RuleId).Distinct().Count());
            // Exempt or out of scope: nothing is named; a revoke and a stop are exclusive.
            if (decision.Status is RemediationStatus.Exempt or RemediationStatus.OutOfScope) Assert.Empty(named);
            Assert.True(decision.Stops == decision.Revoke.IsEmpty, $"status {decision.Status} with {decision.Revoke.Length} to revoke");
            if (s.DryRun) Assert.Empty(decision.Revoke);
            // The loop guard's spared rules and the revoke never overlap.
            Assert.DoesNotContain(decision.Revoke, r => decision.Guarded.Any(g => g.RuleId == r.RuleId));
        }, iter: PolicyProperties.Iterations / 3, print: s => s.ToString());
        // Not vacuous: the decisions that name rules were made.
        if (PolicyProperties.Iterations >= 300) Assert.True(revokes > 0 && dryRuns > 0 && guarded > 0 && blocked > 0, $"revokes {revokes}, dry runs {dryRuns}, guarded {guarded}, blocked {blocked}");
    }

    private static IngressRule ToModel(RuleSpec r, string id)
    {
        var protocol = IpProtocol.FromNumber(r.Protocol);
        IngressSource source = r.Kind switch
        {
            SourceKind.PrefixList => new PrefixListSource(r.Source),
            SourceKind.SecurityGroup => new SecurityGroupSource(r.Source, null, "111122223333", null, null, null),
            _ => new CidrSource(Cidr.Parse(r.Source)),
        };
        return protocol switch
        {
            { IsTcpOrUdp: true } => new IngressRule(protocol, new PortRange(r.FromPort, r.ToPort), null, source, r.Description, id),
            { IsIcmpFamily: true } => new IngressRule(protocol, null, new IcmpTypeCode(r.FromPort, r.ToPort), source, r.Description, id),
            _ => new IngressRule(protocol, null, null, source, r.Description, id),
        };
    }
}
