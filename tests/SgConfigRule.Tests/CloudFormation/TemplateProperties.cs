using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Properties;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// Generated groups written as a CloudFormation template — YAML with short-form tags, and JSON with long-form
/// intrinsics; values literal, from parameters' Defaults, or built with Fn::Sub — read to the verdict and findings the
/// same groups get when evaluated directly, under generated policies (issue 18).
/// </summary>
public sealed class TemplateProperties
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public void A_group_written_as_a_template_gets_the_verdict_it_gets_directly()
    {
        Gen.Select(Generators.Group.List[1, 3], Generators.Policy, Gen.Int[0, 1000]).Sample((groups, policy, variant) =>
        {
            var parameters = ParameterParser.Parse(policy.ParametersJson());
            var catalog = PrefixListCatalog.Of(policy.PrefixLists.Select(l => new PrefixList(l.Id, l.Name, [.. l.Entries.Select(Cidr.Parse)])));
            foreach (var (text, name) in new[] { (Yaml(groups, variant), "t.yaml"), (Json(groups, variant), "t.json") })
            {
                var items = Templates.Items(text, name);
                Assert.Equal(groups.Count, items.Count);
                for (var g = 0; g < groups.Count; g++)
                {
                    var expected = Evaluator.Evaluate(ToModel(groups[g]), parameters, Now, catalog);
                    var actual = Evaluator.Evaluate(items[g], parameters, Now, catalog);
                    Assert.True(expected.Compliance == actual.Compliance, $"{name}: {expected.Annotation} vs {actual.Annotation}\n{text}");
                    Assert.Equal(expected.Annotation, actual.Annotation);
                    Assert.Equal(expected.Findings.Select(f => f.Display), actual.Findings.Select(f => f.Display));
                    Assert.All(items[g].Group!.Ingress, r => Assert.Null(r.Assumed));
                }
            }
        }, iter: PolicyProperties.Iterations / 6, print: t => $"{string.Join(" | ", t.Item1)} || {t.Item2} || variant {t.Item3}");
    }

    private static SecurityGroup ToModel(GroupSpec group) => PolicyProperties.ToModel(group);

    private static string SourceField(SourceKind kind) => kind switch
    {
        SourceKind.Ipv4 => "CidrIp",
        SourceKind.Ipv6 => "CidrIpv6",
        SourceKind.PrefixList => "SourcePrefixListId",
        _ => "SourceSecurityGroupId",
    };

    /// <summary>The protocol as a template may write it: its name or its number (tcp or "6").</summary>
    private static string Protocol(int number, int variant) => number switch
    {
        6 => variant % 2 == 0 ? "tcp" : "6",
        17 => variant % 2 == 0 ? "udp" : "17",
        1 => "icmp",
        58 => variant % 2 == 0 ? "icmpv6" : "58",
        _ => number.ToString(CultureInfo.InvariantCulture),
    };

    private static bool HasPorts(int protocol) => protocol is 6 or 17 or 1 or 58;

    private static string Yaml(IReadOnlyList<GroupSpec> groups, int variant)
    {
        var text = new StringBuilder("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n");
        var resources = new StringBuilder("Resources:\n");
        for (var g = 0; g < groups.Count; g++)
        {
            resources.Append(CultureInfo.InvariantCulture, $"  Group{g}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: generated\n      SecurityGroupIngress:\n");
            if (groups[g].Rules.Count == 0) resources.Append("        []\n");
            for (var i = 0; i < groups[g].Rules.Count; i++)
            {
                var r = groups[g].Rules[i];
                var how = (variant + i + g) % 3;
                var parameter = $"Source{g}x{i}";
                var source = how switch
                {
                    0 => $"\"{r.Source}\"",
                    1 => $"!Ref {parameter}",
                    _ => $"!Sub \"${{{parameter}}}\"",
                };
                if (how > 0) text.Append(CultureInfo.InvariantCulture, $"  {parameter}:\n    Type: String\n    Default: \"{r.Source}\"\n");
                resources.Append(CultureInfo.InvariantCulture, $"        - IpProtocol: \"{Protocol(r.Protocol, variant + i)}\"\n");
                if (HasPorts(r.Protocol))
                {
                    resources.Append(CultureInfo.InvariantCulture, $"          FromPort: {r.FromPort}\n          ToPort: {r.ToPort}\n");
                }
                resources.Append(CultureInfo.InvariantCulture, $"          {SourceField(r.Kind)}: {source}\n");
            }
        }
        if (text.ToString().EndsWith("Parameters:\n", StringComparison.Ordinal)) text.Append("  Unused:\n    Type: String\n    Default: x\n");
        return text.Append(resources).ToString();
    }

    private static string Json(IReadOnlyList<GroupSpec> groups, int variant)
    {
        var parameters = new JsonObject { ["Unused"] = new JsonObject { ["Type"] = "String", ["Default"] = "x" } };
        var resources = new JsonObject();
        for (var g = 0; g < groups.Count; g++)
        {
            var ingress = new JsonArray();
            for (var i = 0; i < groups[g].Rules.Count; i++)
            {
                var r = groups[g].Rules[i];
                var parameter = $"Source{g}x{i}";
                var how = (variant + i + g) % 3;
                if (how > 0) parameters[parameter] = new JsonObject { ["Type"] = "String", ["Default"] = r.Source };
                var rule = new JsonObject
                {
                    ["IpProtocol"] = Protocol(r.Protocol, variant + i + 1),
                    [SourceField(r.Kind)] = how switch
                    {
                        0 => JsonValue.Create(r.Source),
                        1 => new JsonObject { ["Ref"] = parameter },
                        _ => new JsonObject { ["Fn::Join"] = new JsonArray("", new JsonArray(new JsonObject { ["Ref"] = parameter })) },
                    },
                };
                if (HasPorts(r.Protocol))
                {
                    // Numbers, or numbers as strings: CloudFormation takes both.
                    rule["FromPort"] = variant % 2 == 0 ? JsonValue.Create(r.FromPort) : JsonValue.Create(r.FromPort.ToString(CultureInfo.InvariantCulture));
                    rule["ToPort"] = JsonValue.Create(r.ToPort);
                }
                ingress.Add(rule);
            }
            resources[$"Group{g}"] = new JsonObject
            {
                ["Type"] = "AWS::EC2::SecurityGroup",
                ["Properties"] = new JsonObject { ["GroupDescription"] = "generated", ["SecurityGroupIngress"] = ingress },
            };
        }
        return new JsonObject { ["AWSTemplateFormatVersion"] = "2010-09-09", ["Parameters"] = parameters, ["Resources"] = resources }.ToJsonString();
    }
}
