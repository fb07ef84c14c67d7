using System.Globalization;
using CsCheck;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Properties;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The safety property of the remediation, over generated groups and policies, through the real HTTP stack: after a
/// run, every rule the brute-force oracle allows is still there, and every rule it disallows is gone — except a rule
/// whose prefix list cannot be resolved, which must stay (revoking it could remove an allowed rule).
/// Groups: SGCR_REMEDIATION_ITER (default 1500).
/// </summary>
public class RemediationProperties
{
    private static int next;

    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SGCR_REMEDIATION_ITER"), out var n) && n > 0 ? n : 1500;

    [Fact]
    public async Task After_remediation_every_allowed_rule_remains_and_every_disallowed_rule_is_gone()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var function = new RevokeFunction(new RemediationRuntime(AwsTestSupport.Options(server), TimeProvider.System, TextWriter.Null)
        {
            ModeCeiling = RemediationMode.Revoke,
            Ledger = new SgConfigRule.Remediation.Ledger.InMemoryLedger(),
            AttributionBudget = TimeSpan.FromSeconds(2),
        });

        await Gen.Select(Generators.Group, Generators.Policy, Gen.Int).SampleAsync(async (group, policy, seed) =>
        {
            var groupId = $"sg-{Interlocked.Increment(ref next):x17}";
            // Prefix lists are account-wide: each sample (run one at a time) sees exactly its policy's lists.
            server.Ec2.ClearPrefixLists();
            foreach (var list in policy.PrefixLists)
            {
                server.Ec2.AddPrefixList(list.Id, list.Name, list.Name.StartsWith("com.amazonaws.", StringComparison.Ordinal) ? "AWS" : FakeEc2.DefaultAccount,
                    [.. list.Entries.Select(e => (e, (string?)null))]);
            }
            // EC2 cannot hold the same rule twice.
            var rules = group.Rules.DistinctBy(r => (r.Protocol, r.FromPort, r.ToPort, Canonical(r))).ToList();
            server.Ec2.AddGroup(groupId, "generated");
            var created = rules.Select(r => (Spec: r, Rule: server.Ec2.AddIngress(groupId, r.Protocol.ToString(CultureInfo.InvariantCulture), r.FromPort, r.ToPort, Source(r), r.Description))).ToList();
            var parameters = policy.ParametersJson();

            var outcome = await function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(RemediationHarness.Input(groupId, "Revoke", parameters)), CancellationToken.None);
            Assert.NotEqual(RemediationStatus.Failed, outcome.Status);

            var oracle = new Oracle(policy, seed);
            var remaining = server.Ec2.Rules(groupId).Select(r => r.RuleId).ToHashSet(StringComparer.Ordinal);
            foreach (var (spec, rule) in created)
            {
                var allowed = oracle.Judge(spec) is null;
                var unresolvable = spec.Kind == SourceKind.PrefixList && policy.Scope is "world" or "public"
                                   && policy.PrefixLists.All(l => l.Id != spec.Source) && !policy.Trusted.Contains(spec.Source);
                var shouldRemain = allowed || unresolvable;
                Assert.True(shouldRemain == remaining.Contains(rule.RuleId),
                    $"{spec} should {(shouldRemain ? "remain" : "be revoked")} under {policy.ParametersJson()}; status {outcome.Status}");
            }
        }, iter: Iterations, threads: 1, print: t => $"{t.Item1} || {t.Item2}");
    }

    private static string Canonical(RuleSpec r) =>
        r.Kind is SourceKind.Ipv4 or SourceKind.Ipv6 ? SgConfigRule.Policy.Model.Cidr.Parse(r.Source).ToString() : r.Source;

    private static Ec2Source Source(RuleSpec r) => r.Kind switch
    {
        SourceKind.Ipv4 => Ec2Source.Ipv4(r.Source),
        SourceKind.Ipv6 => Ec2Source.Ipv6(r.Source),
        SourceKind.PrefixList => Ec2Source.PrefixList(r.Source),
        _ => Ec2Source.Group(r.Source),
    };
}
