using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Properties;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Iac;

/// <summary>
/// Generated groups written as a Terraform plan — each rule, at random, an inline <c>ingress</c> block, an
/// <c>aws_security_group_rule</c> or an <c>aws_vpc_security_group_ingress_rule</c>, joined by id or through the
/// configuration — read to the verdicts of the same groups evaluated directly; and a value left unknown until apply
/// never makes a rule pass that its known value could fail.
/// </summary>
public class TerraformPlanProperties
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T12:00:00Z", CultureInfo.InvariantCulture);
    private const string GroupAddress = "aws_security_group.generated";

    private enum Style { Inline, SecurityGroupRule, VpcIngressRule }

    /// <summary>How each rule is written: its style, and whether its protocol is a name or a number.</summary>
    private sealed record Rendering(IReadOnlyList<(Style Style, bool NumericProtocol)> Rules, bool GroupIdKnown);

    private static Gen<Rendering> RenderingFor(int rules) =>
        Gen.Select(Gen.Select(Gen.Int[0, 2].Select(i => (Style)i), Gen.Bool).List[rules, rules], Gen.Bool)
           .Select(t => new Rendering(t.Item1, t.Item2));

    [Fact]
    public void A_plan_of_generated_groups_gives_the_verdicts_of_the_groups()
    {
        Gen.Select(Generators.Group, Generators.Policy).SelectMany(t => RenderingFor(t.Item1.Rules.Count).Select(r => (t.Item1, t.Item2, r)))
            .Sample((group, policy, rendering) =>
            {
                var (parameters, catalog) = Policy(policy);
                var expected = Evaluator.Evaluate(ToModel(group), parameters, Now, catalog);
                var actual = Evaluator.Evaluate(Assert.Single(Inputs.Items(Plan(group, rendering, unknown: null))), parameters, Now, catalog);
                Assert.Equal(expected.Compliance, actual.Compliance);
                Assert.Equal(expected.Findings.Select(f => f.Display).Distinct().Order(), actual.Findings.Select(f => f.Display).Distinct().Order());
            }, iter: PolicyProperties.Iterations / 3, print: t => $"{t.Item1} || {t.Item2} || {string.Join(",", t.Item3.Rules)} id known {t.Item3.GroupIdKnown}");
    }

    [Fact]
    public void A_value_known_only_after_apply_never_passes_a_rule_its_value_could_fail()
    {
        Gen.Select(Generators.Group.Where(g => g.Rules.Count > 0), Generators.Policy, Gen.Int[0, 1000], Gen.Int[0, 3])
            .SelectMany(t => RenderingFor(t.Item1.Rules.Count).Select(r => (t.Item1, t.Item2, t.Item3, t.Item4, r)))
            .Sample((group, policy, pick, field, rendering) =>
            {
                var (parameters, catalog) = Policy(policy);
                var index = pick % group.Rules.Count;
                var concrete = Evaluator.Judge(ToModel(group.Rules[index]), parameters, catalog);
                var item = Assert.Single(Inputs.Items(Plan(group, rendering, ((index, (Field)field)))));
                var evaluation = Evaluator.Evaluate(item, parameters, Now, catalog);
                if (concrete is not null)
                {
                    Assert.Equal(Compliance.NonCompliant, evaluation.Compliance);
                    // Flagged with what was assumed, or, when the unknown value could not matter (the ports of an
                    // all-traffic rule), exactly as its known value is.
                    Assert.Contains(evaluation.Findings, f => f.Rule.Assumed is not null || f.Display == concrete.Display);
                }
                // The rules that are known judge as they would directly.
                var known = group.Rules.Where((_, i) => i != index).Select(r => Evaluator.Judge(ToModel(r), parameters, catalog))
                    .OfType<Finding>().Select(f => f.Display).ToHashSet();
                Assert.Subset(evaluation.Findings.Select(f => f.Display).ToHashSet(), known);
            }, iter: PolicyProperties.Iterations / 3, print: t => $"{t.Item1} || {t.Item2} || rule {t.Item3} field {(Field)t.Item4} || {string.Join(",", t.Item5.Rules)}");
    }

    private enum Field { Protocol, FromPort, ToPort, Source }

    private static (PolicyParameters, PrefixListCatalog) Policy(PolicySpec policy) =>
        (ParameterParser.Parse(policy.ParametersJson()),
         PrefixListCatalog.Of(policy.PrefixLists.Select(l => new PrefixList(l.Id, l.Name, [.. l.Entries.Select(Cidr.Parse)]))));

    /// <summary>The plan JSON of the group, as <c>terraform show -json</c> writes one: <paramref name="unknown"/> leaves one value of one rule unknown.</summary>
    private static string Plan(GroupSpec group, Rendering rendering, (int Rule, Field Field)? unknown)
    {
        var groupId = rendering.GroupIdKnown ? group.GroupId : null;
        var ingress = new JsonArray();
        var ingressMask = new JsonArray();
        var changes = new JsonArray();
        var configurations = new JsonArray();
        for (var i = 0; i < group.Rules.Count; i++)
        {
            var rule = group.Rules[i];
            var (style, numeric) = rendering.Rules[i];
            var mask = new JsonObject();
            var expressions = new JsonObject
            {
                ["security_group_id"] = new JsonObject { ["references"] = new JsonArray($"{GroupAddress}.id", GroupAddress) },
            };
            var unknownField = unknown is { } u && u.Rule == i ? u.Field : (Field?)null;
            var values = style == Style.VpcIngressRule ? VpcRule(rule, numeric) : Block(rule, numeric);
            if (unknownField is { } f)
            {
                var name = f switch
                {
                    Field.Protocol => style == Style.VpcIngressRule ? "ip_protocol" : "protocol",
                    Field.FromPort => "from_port",
                    Field.ToPort => "to_port",
                    _ => SourceField(rule.Kind, style),
                };
                values[name] = null;
                mask[name] = true;
                // What the configuration says of a value it leaves to another resource.
                expressions[name] = new JsonObject { ["references"] = new JsonArray("aws_eip.nat.public_ip", "aws_eip.nat") };
            }
            if (style == Style.Inline)
            {
                ingress.Add(values);
                ingressMask.Add(mask);
                continue;
            }
            // One configuration block per rule: instances of one block (count) would share its expressions.
            var type = style == Style.VpcIngressRule ? "aws_vpc_security_group_ingress_rule" : "aws_security_group_rule";
            var address = $"{type}.r{i}";
            if (style == Style.SecurityGroupRule) values["type"] = "ingress";
            values["security_group_id"] = groupId;
            if (groupId is null) mask["security_group_id"] = true;
            mask["id"] = true;
            changes.Add(Change(address, type, $"r{i}", null, groupId is null ? "create" : "update", values, mask));
            configurations.Add(new JsonObject
            {
                ["address"] = address, ["mode"] = "managed", ["type"] = type, ["name"] = $"r{i}",
                ["provider_config_key"] = "aws", ["expressions"] = expressions,
            });
        }
        var groupValues = new JsonObject
        {
            ["description"] = "generated", ["id"] = groupId, ["ingress"] = ingress, ["name"] = "generated",
            ["owner_id"] = "111122223333", ["tags"] = null, ["tags_all"] = new JsonObject(), ["vpc_id"] = "vpc-0a1b2c3d4e5f67890",
        };
        var groupMask = new JsonObject { ["ingress"] = ingressMask };
        if (groupId is null) groupMask["id"] = true;
        changes.Insert(0, Change(GroupAddress, "aws_security_group", "generated", null, groupId is null ? "create" : "no-op", groupValues, groupMask));
        configurations.Insert(0, new JsonObject
        {
            ["address"] = GroupAddress, ["mode"] = "managed", ["type"] = "aws_security_group", ["name"] = "generated",
            ["provider_config_key"] = "aws", ["expressions"] = new JsonObject { ["name"] = new JsonObject { ["constant_value"] = "generated" } },
        });
        return new JsonObject
        {
            ["format_version"] = "1.2", ["terraform_version"] = "1.9.8",
            ["planned_values"] = new JsonObject { ["root_module"] = new JsonObject() },
            ["resource_changes"] = changes,
            ["configuration"] = new JsonObject { ["root_module"] = new JsonObject { ["resources"] = configurations } },
            ["timestamp"] = "2026-12-06T00:00:00Z", ["applyable"] = true, ["complete"] = true, ["errored"] = false,
        }.ToJsonString();
    }

    private static JsonObject Change(string address, string type, string name, int? index, string action, JsonObject after, JsonObject afterUnknown)
    {
        var change = new JsonObject { ["address"] = address, ["mode"] = "managed", ["type"] = type, ["name"] = name };
        if (index is { } i) change["index"] = i;
        change["provider_name"] = "registry.terraform.io/hashicorp/aws";
        change["change"] = new JsonObject
        {
            ["actions"] = new JsonArray(action), ["before"] = action == "create" ? null : after.DeepClone(), ["after"] = after,
            ["after_unknown"] = afterUnknown, ["before_sensitive"] = action == "create" ? false : new JsonObject(), ["after_sensitive"] = new JsonObject(),
        };
        return change;
    }

    private static string SourceField(SourceKind kind, Style style) => (kind, style) switch
    {
        (SourceKind.Ipv4, Style.VpcIngressRule) => "cidr_ipv4",
        (SourceKind.Ipv6, Style.VpcIngressRule) => "cidr_ipv6",
        (SourceKind.PrefixList, Style.VpcIngressRule) => "prefix_list_id",
        (SourceKind.SecurityGroup, Style.VpcIngressRule) => "referenced_security_group_id",
        (SourceKind.Ipv4, _) => "cidr_blocks",
        (SourceKind.Ipv6, _) => "ipv6_cidr_blocks",
        (SourceKind.PrefixList, _) => "prefix_list_ids",
        (SourceKind.SecurityGroup, Style.Inline) => "security_groups",
        _ => "source_security_group_id",
    };

    private static string ProtocolText(int protocol, bool numeric) =>
        numeric || protocol is not (6 or 17 or 1 or 58) ? protocol.ToString(CultureInfo.InvariantCulture)
        : protocol switch { 6 => "tcp", 17 => "udp", 1 => "icmp", _ => "icmpv6" };

    /// <summary>An inline block's (and aws_security_group_rule's) fields: ports always numbers, 0 for protocols without ports.</summary>
    private static JsonObject Block(RuleSpec rule, bool numeric)
    {
        var hasPorts = rule.Protocol is 6 or 17 or 1 or 58;
        var block = new JsonObject
        {
            ["cidr_blocks"] = new JsonArray(), ["description"] = rule.Description ?? "",
            ["from_port"] = hasPorts ? rule.FromPort : 0, ["ipv6_cidr_blocks"] = new JsonArray(), ["prefix_list_ids"] = new JsonArray(),
            ["protocol"] = ProtocolText(rule.Protocol, numeric), ["security_groups"] = new JsonArray(), ["self"] = false,
            ["to_port"] = hasPorts ? rule.ToPort : 0,
        };
        switch (rule.Kind)
        {
            case SourceKind.Ipv4: block["cidr_blocks"] = new JsonArray(rule.Source); break;
            case SourceKind.Ipv6: block["ipv6_cidr_blocks"] = new JsonArray(rule.Source); break;
            case SourceKind.PrefixList: block["prefix_list_ids"] = new JsonArray(rule.Source); break;
            default:
                block["security_groups"] = new JsonArray(rule.Source);
                block["source_security_group_id"] = rule.Source;
                break;
        }
        return block;
    }

    private static JsonObject VpcRule(RuleSpec rule, bool numeric)
    {
        var hasPorts = rule.Protocol is 6 or 17 or 1 or 58;
        var values = new JsonObject
        {
            ["cidr_ipv4"] = null, ["cidr_ipv6"] = null, ["description"] = rule.Description,
            ["from_port"] = hasPorts ? rule.FromPort : null, ["ip_protocol"] = ProtocolText(rule.Protocol, numeric),
            ["prefix_list_id"] = null, ["referenced_security_group_id"] = null, ["tags"] = null, ["to_port"] = hasPorts ? rule.ToPort : null,
        };
        values[SourceField(rule.Kind, Style.VpcIngressRule)] = rule.Source;
        return values;
    }

    private static SecurityGroup ToModel(GroupSpec group) => PolicyProperties.ToModel(group);

    private static IngressRule ToModel(RuleSpec r) => PolicyProperties.ToModel(r);
}
