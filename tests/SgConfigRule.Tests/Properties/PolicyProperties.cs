using System.Globalization;
using System.Numerics;
using CsCheck;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Properties;

/// <summary>
/// Property tests over thousands of generated groups and policies. Iterations: SGCR_PROPERTY_ITER (default 3000);
/// a failure prints the CsCheck seed to replay it.
/// </summary>
public class PolicyProperties
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00Z", CultureInfo.InvariantCulture);

    public static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SGCR_PROPERTY_ITER"), out var n) && n > 0 ? n : 3000;

    [Fact]
    public void The_evaluator_agrees_with_the_brute_force_oracle_rule_by_rule()
    {
        Gen.Select(Generators.Group, Generators.Policy, Gen.Int).Sample((group, policy, seed) =>
        {
            var parameters = ParameterParser.Parse(policy.ParametersJson());
            var catalog = PrefixListCatalog.Of(policy.PrefixLists.Select(l => new PrefixList(l.Id, l.Name, [.. l.Entries.Select(Cidr.Parse)])));
            var model = ToModel(group);
            var oracle = new Oracle(policy, seed);
            var evaluation = Evaluator.Evaluate(model, parameters, Now, catalog);

            var expectedFindings = 0;
            for (var i = 0; i < group.Rules.Count; i++)
            {
                var expected = oracle.Judge(group.Rules[i]);
                var actual = Evaluator.Judge(model.Ingress[i], parameters, catalog);
                Assert.True((expected is null) == (actual is null),
                    $"rule {group.Rules[i]}: oracle says {expected?.Reason ?? "allowed"}, evaluator says {actual?.ReasonCode ?? "allowed"}");
                if (expected is not { } e) continue;
                expectedFindings++;
                Assert.Equal(e.Reason, actual!.ReasonCode);
                Assert.Equal(Describe(e.Ports), Describe(Table(actual.Ports)));
            }
            Assert.Equal(expectedFindings, evaluation.Findings.Length);
            Assert.Equal(expectedFindings > 0 ? Compliance.NonCompliant : Compliance.Compliant, evaluation.Compliance);
            Assert.True(evaluation.Annotation is null || evaluation.Annotation.Length is > 0 and <= 256);
        }, iter: Iterations, print: t => $"{t.Item1} || {t.Item2} || seed {t.Item3}");
    }

    [Fact]
    public void Every_input_shape_of_a_group_reads_to_the_same_rules_and_verdict()
    {
        Gen.Select(Generators.Group, Generators.Policy, Gen.Int[0, 1000]).Sample((group, policy, variant) =>
        {
            var parameters = ParameterParser.Parse(policy.ParametersJson());
            var expected = group.Rules.Select(Key).ToHashSet();
            Compliance? verdict = null;
            foreach (var shape in Renderers.AllShapes)
            {
                var json = Renderers.Render(group, shape, variant);
                var item = Inputs.Single(json);
                var rules = item.Group!.Ingress;
                Assert.Equal(group.GroupId, item.ResourceId);
                Assert.True(expected.SetEquals(rules.Select(Key)), $"{shape}: read {string.Join("; ", rules.Select(r => r.Display))}");
                if (shape == Renderers.Shape.Ec2Rules)
                {
                    Assert.Equal(group.Rules.Count, rules.Length);
                    Assert.All(rules, r => Assert.StartsWith("sgr-", r.RuleId));
                }
                var compliance = Evaluator.Evaluate(item, parameters, Now).Compliance;
                Assert.Equal(verdict ?? compliance, compliance);
                verdict = compliance;
            }
        }, iter: Iterations / 3, print: t => $"{t.Item1} || {t.Item2} || variant {t.Item3}");
    }

    /// <summary>The oracle's view of a rule: protocol, EC2's port fields, and the source reduced without the product's code.</summary>
    private static string Key(RuleSpec r)
    {
        var (from, to) = r.Protocol is 6 or 17 or 1 or 58 ? (r.FromPort, r.ToPort) : (-1, -1);
        return $"{r.Protocol}|{from}|{to}|{CanonicalSource(r.Kind, r.Source)}";
    }

    private static string Key(IngressRule r) =>
        $"{r.Protocol.Number}|{r.WireFromPort}|{r.WireToPort}|{CanonicalSource(r.Source is CidrSource c ? (c.Cidr.IsIPv6 ? SourceKind.Ipv6 : SourceKind.Ipv4) : SourceKind.PrefixList, r.Source.Display)}";

    private static string CanonicalSource(SourceKind kind, string source)
    {
        if (kind is SourceKind.PrefixList or SourceKind.SecurityGroup || !source.Contains('/')) return source;
        var slash = source.IndexOf('/');
        var bytes = System.Net.IPAddress.Parse(source[..slash]).GetAddressBytes();
        var prefix = int.Parse(source[(slash + 1)..], CultureInfo.InvariantCulture);
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var bits = bytes.Length * 8;
        var network = value & ~((BigInteger.One << (bits - prefix)) - 1);
        return $"{bits}:{network}/{prefix}";
    }

    /// <summary>The generated group as the policy model (shared by the template and plan properties).</summary>
    internal static SecurityGroup ToModel(GroupSpec group) =>
        new(group.GroupId, "generated", null, null, "111122223333", [], [.. group.Rules.Select(ToModel)]);

    internal static IngressRule ToModel(RuleSpec r)
    {
        var protocol = IpProtocol.FromNumber(r.Protocol);
        IngressSource source = r.Kind switch
        {
            SourceKind.PrefixList => new PrefixListSource(r.Source),
            SourceKind.SecurityGroup => new SecurityGroupSource(r.Source, null, null, null, null, null),
            _ => new CidrSource(Cidr.Parse(r.Source)),
        };
        return protocol switch
        {
            { IsTcpOrUdp: true } => new IngressRule(protocol, new PortRange(r.FromPort, r.ToPort), null, source, r.Description, null),
            { IsIcmpFamily: true } => new IngressRule(protocol, null, new IcmpTypeCode(r.FromPort, r.ToPort), source, r.Description, null),
            _ => new IngressRule(protocol, null, null, source, r.Description, null),
        };
    }

    private static bool[] Table(PortSet set)
    {
        var table = new bool[65536];
        foreach (var range in set.Ranges)
        {
            for (var p = range.From; p <= range.To; p++) table[p] = true;
        }
        return table;
    }

    private static string Describe(bool[] table)
    {
        var parts = new List<string>();
        for (var p = 0; p < table.Length; p++)
        {
            if (!table[p]) continue;
            var start = p;
            while (p + 1 < table.Length && table[p + 1]) p++;
            parts.Add(start == p ? $"{start}" : $"{start}-{p}");
        }
        return string.Join(",", parts);
    }
}
