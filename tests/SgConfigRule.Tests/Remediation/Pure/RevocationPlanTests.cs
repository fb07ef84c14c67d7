using System.Collections.Immutable;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Plan;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>Every branch of <see cref="RevocationPlan.Decide"/>, on hand-built groups: no EC2, no ledger, no HTTP.</summary>
public sealed class RevocationPlanTests
{
    private const string ExemptKey = PolicyParameters.DefaultExemptionTagKey;

    private static readonly IngressRule Ssh = Tcp(22, "0.0.0.0/0", "sgr-0000000000000ssh");
    private static readonly IngressRule Rdp = Tcp(3389, "::/0", "sgr-0000000000000rdp");
    private static readonly IngressRule Https = Tcp(443, "0.0.0.0/0", "sgr-00000000000https");

    private static PlanInput Input(SecurityGroup group, PolicyParameters? policy = null, bool dryRun = false, bool iam = false,
                                   LoopGuardSettings? guard = null, LoopGuardState? state = null, PrefixListCatalog? lists = null) =>
        new(group, policy ?? PolicyParameters.Default, lists ?? PrefixListCatalog.Empty, Now, dryRun, iam, guard ?? LoopGuardSettings.Default,
            state ?? LoopGuardState.Empty);

    private static LoopGuardState Revoked(IngressRule rule, int times, bool escalated = false, DateTimeOffset? at = null)
    {
        var fingerprint = LoopGuardState.Fingerprint(Describe(rule));
        var state = LoopGuardState.Empty;
        for (var i = 0; i < times; i++) state = state.WithRevoke(fingerprint, at ?? Now, 24);
        return escalated ? state.WithEscalation(fingerprint, at ?? Now, 24) : state;
    }

    private static RevokedRule Describe(IngressRule rule) =>
        RevocationPlan.Describe(SgConfigRule.Policy.Evaluation.Evaluator.Judge(rule, PolicyParameters.Default, PrefixListCatalog.Empty)!);

    private static string[] Ids(ImmutableArray<RevokedRule> rules) => [.. rules.Select(r => r.RuleId)];

    [Fact]
    public void A_group_outside_the_tag_scope_is_left_alone_and_says_why()
    {
        var policy = PolicyParameters.Default with { ScopeTagKey = "team", ScopeTagValue = "web" };
        var decision = RevocationPlan.Decide(Input(Group(Ssh), policy));
        Assert.True(decision.Stops);
        Assert.Equal(RemediationStatus.OutOfScope, decision.Status);
        Assert.Equal("Outside the rule's scope: no tag team", decision.Note);
        Assert.Empty(decision.Revoke);
        Assert.False(decision.SawDisallowed);

        var other = RevocationPlan.Decide(Input(Group(Ssh).Tagged("team", "db"), policy));
        Assert.Equal(RemediationStatus.OutOfScope, other.Status);
        Assert.Equal("Outside the rule's scope: tag team is 'db', the scope is 'web'", other.Note);

        // Once the run has removed something, it reports the removal whatever stops it afterwards.
        var after = RevocationPlan.Decide(Input(Group(Ssh), policy) with { RevokedAlready = true });
        Assert.Equal(RemediationStatus.Revoked, after.Status);
        Assert.Equal("Outside the rule's scope: no tag team", after.Note);

        Assert.Equal([Ssh.RuleId!], Ids(RevocationPlan.Decide(Input(Group(Ssh).Tagged("team", "web"), policy)).Revoke));
    }

    [Fact]
    public void An_exempt_group_is_left_alone_with_the_exemption_as_its_note()
    {
        var group = Group(Ssh).Tagged(ExemptKey, "2099-01-01 migration");
        var decision = RevocationPlan.Decide(Input(group));
        Assert.Equal(RemediationStatus.Exempt, decision.Status);
        Assert.Equal("Exempt until 2099-01-01 (migration)", decision.Note);
        Assert.Empty(decision.Revoke);
        Assert.Empty(decision.WouldRevoke);
        Assert.Equal(RemediationStatus.Revoked, RevocationPlan.Decide(Input(group) with { RevokedAlready = true }).Status);
    }

    [Fact]
    public void Nothing_disallowed_is_nothing_to_revoke()
    {
        var icmp = new IngressRule(IpProtocol.Icmp, null, new IcmpTypeCode(8, 0), new CidrSource(Cidr.Parse("0.0.0.0/0")), null, "sgr-00000000000000icmp");
        var decision = RevocationPlan.Decide(Input(Group(Https, icmp, Tcp(22, "10.0.0.0/8", "sgr-0000000000private")),
            PolicyParameters.Default with { SourceScope = SourceScope.Public }));
        Assert.Equal(RemediationStatus.NothingToRevoke, decision.Status);
        Assert.False(decision.SawDisallowed);
        Assert.Null(decision.Note);
        Assert.Empty(decision.Revoke);
        Assert.Empty(decision.Skipped);
        Assert.Equal(RemediationStatus.Revoked, RevocationPlan.Decide(Input(Group(Https)) with { RevokedAlready = true }).Status);
    }

    [Fact]
    public void Disallowed_rules_that_vanished_since_an_earlier_look_were_already_revoked()
    {
        var decision = RevocationPlan.Decide(Input(Group(Https)) with { SawDisallowed = true });
        Assert.Equal(RemediationStatus.AlreadyRevoked, decision.Status);
        Assert.True(decision.SawDisallowed);
        // Unless the run itself removed some: then it reports its removal.
        Assert.Equal(RemediationStatus.Revoked, RevocationPlan.Decide(Input(Group(Https)) with { SawDisallowed = true, RevokedAlready = true }).Status);
    }

    [Fact]
    public void A_rule_from_an_unresolved_prefix_list_is_skipped_never_revoked()
    {
        var policy = PolicyParameters.Default with { SourceScope = SourceScope.World };
        var listed = FromList(22, "pl-0123456789abcdef0", "sgr-000000000000list");
        var decision = RevocationPlan.Decide(Input(Group(listed, Https), policy));
        Assert.Equal(RemediationStatus.NothingToRevoke, decision.Status);
        Assert.Equal([listed.RuleId!], Ids(decision.Skipped));
        Assert.Equal("blocked port 22, prefix list unresolved", decision.Skipped[0].Reason);
        Assert.True(decision.SawDisallowed);
        Assert.Empty(decision.Revoke);

        // A skipped rule keeps it from being "already revoked": it may be the disallowed rule seen before.
        Assert.Equal(RemediationStatus.NothingToRevoke, RevocationPlan.Decide(Input(Group(listed), policy) with { SawDisallowed = true }).Status);

        // Next to a revocable rule: that one is revoked, the unresolved one reported as skipped.
        var both = RevocationPlan.Decide(Input(Group(listed, Ssh), policy));
        Assert.False(both.Stops);
        Assert.Equal([Ssh.RuleId!], Ids(both.Revoke));
        Assert.Equal([listed.RuleId!], Ids(both.Skipped));

        // Resolved, the list is judged by its entries.
        var lists = PrefixListCatalog.Of([new PrefixList("pl-0123456789abcdef0", "office", [Cidr.Parse("0.0.0.0/0")])]);
        Assert.Equal([listed.RuleId!], Ids(RevocationPlan.Decide(Input(Group(listed), policy, lists: lists)).Revoke));
    }

    [Fact]
    public void A_rule_read_without_an_id_is_never_revoked()
    {
        var decision = RevocationPlan.Decide(Input(Group(Tcp(22, "0.0.0.0/0", null))));
        Assert.Equal(RemediationStatus.NothingToRevoke, decision.Status);
        Assert.True(decision.SawDisallowed);
        Assert.Empty(decision.Revoke);
        Assert.Empty(decision.Skipped);
    }

    [Fact]
    public void A_dry_run_reports_what_would_go_and_names_a_refused_exemption()
    {
        var group = Group(Ssh, Https, Rdp).Tagged(ExemptKey, "2020-01-01");
        var decision = RevocationPlan.Decide(Input(group, dryRun: true));
        Assert.Equal(RemediationStatus.DryRun, decision.Status);
        Assert.Equal([Ssh.RuleId!, Rdp.RuleId!], Ids(decision.WouldRevoke));
        Assert.Empty(decision.Revoke);
        Assert.True(decision.SawDisallowed);
        Assert.Equal("Exemption expired 2020-01-01", decision.Note);
        // The guard is not consulted in a dry run.
        Assert.Equal(RemediationStatus.DryRun, RevocationPlan.Decide(Input(Group(Ssh), dryRun: true, state: Revoked(Ssh, 5))).Status);
    }

    [Fact]
    public void An_exemption_tag_that_IAM_protects_blocks_the_revoke_and_says_what_to_do()
    {
        var group = Group(Ssh).Tagged(ExemptKey, "2020-01-01");
        var decision = RevocationPlan.Decide(Input(group, iam: true));
        Assert.Equal(RemediationStatus.BlockedByExemptionTag, decision.Status);
        Assert.Equal([Ssh.RuleId!], Ids(decision.WouldRevoke));
        Assert.Empty(decision.Revoke);
        Assert.True(decision.SawDisallowed);
        Assert.Equal("Exemption expired 2020-01-01. The deployment denies revoking groups tagged sg-config-rule:exempt: renew the exemption or remove the tag.", decision.Note);
        Assert.Equal(RemediationStatus.Revoked, RevocationPlan.Decide(Input(group, iam: true) with { RevokedAlready = true }).Status);

        // Without the tag, or without the IAM deny, or with exemptions switched off, nothing blocks.
        Assert.False(RevocationPlan.Decide(Input(Group(Ssh), iam: true)).Stops);
        Assert.False(RevocationPlan.Decide(Input(group)).Stops);
        Assert.False(RevocationPlan.Decide(Input(group, PolicyParameters.Default with { ExemptionTagKey = null }, iam: true)).Stops);
        Assert.Equal("Exemption expired 2020-01-01", RevocationPlan.Decide(Input(group)).Note);
    }

    [Fact]
    public void The_loop_guard_trips_once_then_holds_quietly()
    {
        var tripped = RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 3)));
        Assert.Equal(RemediationStatus.LoopGuardTripped, tripped.Status);
        Assert.Equal([Ssh.RuleId!], Ids(tripped.Guarded));
        Assert.Equal([Ssh.RuleId!], Ids(tripped.NewlyGuarded));
        Assert.Empty(tripped.Revoke);
        Assert.True(tripped.SawDisallowed);
        // Tripping is news even after removals.
        Assert.Equal(RemediationStatus.LoopGuardTripped, RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 3)) with { RevokedAlready = true }).Status);

        var holding = RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 3, escalated: true)));
        Assert.Equal(RemediationStatus.LoopGuardHolding, holding.Status);
        Assert.Equal([Ssh.RuleId!], Ids(holding.Guarded));
        Assert.Empty(holding.NewlyGuarded);
        Assert.Equal(RemediationStatus.Revoked, RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 3, escalated: true)) with { RevokedAlready = true }).Status);
    }

    [Fact]
    public void The_loop_guard_counts_only_within_its_window_and_only_up_to_its_maximum()
    {
        Assert.Equal([Ssh.RuleId!], Ids(RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 2))).Revoke));
        // Revoked three times a day ago: the window has passed.
        Assert.Equal([Ssh.RuleId!], Ids(RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 3, at: Now.AddHours(-24)))).Revoke));
        Assert.Equal(RemediationStatus.LoopGuardTripped, RevocationPlan.Decide(Input(Group(Ssh), state: Revoked(Ssh, 3, at: Now.AddHours(-23)))).Status);
        // A higher maximum, or the guard off (0), revokes.
        Assert.False(RevocationPlan.Decide(Input(Group(Ssh), guard: new LoopGuardSettings(4, 24), state: Revoked(Ssh, 3))).Stops);
        Assert.Equal([Ssh.RuleId!], Ids(RevocationPlan.Decide(Input(Group(Ssh), guard: new LoopGuardSettings(0, 24), state: Revoked(Ssh, 9))).Revoke));
        Assert.Empty(RevocationPlan.Decide(Input(Group(Ssh), guard: new LoopGuardSettings(0, 24), state: Revoked(Ssh, 9))).Guarded);
    }

    [Fact]
    public void The_loop_guard_spares_only_the_rule_that_keeps_coming_back()
    {
        var decision = RevocationPlan.Decide(Input(Group(Ssh, Rdp, Https), state: Revoked(Ssh, 3)));
        Assert.False(decision.Stops);
        Assert.Null(decision.Status);
        Assert.Equal([Rdp.RuleId!], Ids(decision.Revoke));
        Assert.Equal([Ssh.RuleId!], Ids(decision.Guarded));
        Assert.Equal([Ssh.RuleId!], Ids(decision.NewlyGuarded));
        Assert.True(decision.SawDisallowed);

        var escalated = RevocationPlan.Decide(Input(Group(Ssh, Rdp), state: Revoked(Ssh, 3, escalated: true)));
        Assert.Equal([Rdp.RuleId!], Ids(escalated.Revoke));
        Assert.Empty(escalated.NewlyGuarded);
    }

    [Fact]
    public void The_revoke_names_exactly_the_disallowed_rules_as_read()
    {
        var referenced = FromGroup(3389, "sg-0fedcba9876543210", "sgr-00000000000group");
        var policy = PolicyParameters.Default with { SourceScope = SourceScope.All };
        var everything = AllTraffic("198.51.100.0/24", "sgr-00000000000000all");
        var decision = RevocationPlan.Decide(Input(Group(Https, Ssh with { Description = "admin" }, referenced, everything, Tcp(20, 30, "10.1.2.3/8", "sgr-0000000000000wide")), policy)
            with { SawDisallowed = true });
        Assert.False(decision.Stops);
        Assert.Equal(["sgr-0000000000000ssh", "sgr-00000000000group", "sgr-00000000000000all", "sgr-0000000000000wide"], Ids(decision.Revoke));
        Assert.Null(decision.Note);
        Assert.Empty(decision.Skipped);
        Assert.Empty(decision.Guarded);

        var ssh = decision.Revoke[0];
        Assert.Equal(("tcp", 22, 22, "0.0.0.0/0", "ipv4", "admin"), (ssh.Protocol, ssh.FromPort, ssh.ToPort, ssh.Source, ssh.SourceType, ssh.Description));
        Assert.Equal("blocked port 22", ssh.Reason);
        Assert.Equal("tcp/22 from 0.0.0.0/0", ssh.Display);
        Assert.Null(ssh.Evidence);
        Assert.Null(ssh.SourceUserId);

        var group = decision.Revoke[1];
        Assert.Equal(("securityGroup", "sg-0fedcba9876543210", "444455556666", "vpc-0b", "pcx-0c"),
            (group.SourceType, group.Source, group.SourceUserId, group.SourceVpcId, group.SourcePeeringConnectionId));
        Assert.Equal("blocked port 3389", group.Reason);

        var all = decision.Revoke[2];
        Assert.Equal(("-1", -1, -1), (all.Protocol, all.FromPort, all.ToPort));
        Assert.Equal("blocked ports 22,3389", all.Reason);
        Assert.Equal("all traffic from 198.51.100.0/24", all.Display);

        var wide = decision.Revoke[3];
        Assert.Equal((20, 30, "10.0.0.0/8"), (wide.FromPort, wide.ToPort, wide.Source));

        // The exemption tag that exempts nothing is named in the revoke's notice too.
        var malformed = RevocationPlan.Decide(Input(Group(Ssh).Tagged(ExemptKey, "soon")));
        Assert.Equal([Ssh.RuleId!], Ids(malformed.Revoke));
        Assert.Equal("Exemption tag ignored: 'soon' is not YYYY-MM-DD [reason]", malformed.Note);
    }

    [Fact]
    public void Disallowed_lists_what_is_still_disallowed_after_the_run()
    {
        var left = RevocationPlan.Disallowed(Group(Ssh, Https, Tcp(22, "0.0.0.0/0", null)), PolicyParameters.Default, PrefixListCatalog.Empty);
        Assert.Equal(["sgr-0000000000000ssh", ""], Ids(left));
        Assert.All(left, r => Assert.Equal("blocked port 22", r.Reason));
    }
}
