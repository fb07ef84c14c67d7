using System.Collections.Immutable;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;
using Ec2 = Amazon.EC2.Model;

namespace SgConfigRule.Live;

/// <summary>
/// EC2 SDK objects into the policy model, with the same semantics as the JSON readers: a group's identity and tags
/// from DescribeSecurityGroups, its inbound rules (one per source, with <c>sgr-</c> ids) from DescribeSecurityGroupRules.
/// A rule the policy cannot accept is an <see cref="InputException"/> naming the rule and field; the group is then
/// not evaluated.
/// </summary>
public static class Ec2GroupConversion
{
    public static SecurityGroup ToGroup(Ec2.SecurityGroup group, IEnumerable<Ec2.SecurityGroupRule> rules)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ingress = ImmutableArray.CreateBuilder<IngressRule>();
        foreach (var rule in rules)
        {
            if (rule.GroupId != group.GroupId) continue;
            if (ToIngressRule(rule) is { } converted) ingress.Add(converted);
        }
        return new SecurityGroup(
            group.GroupId,
            group.GroupName,
            group.Description,
            group.VpcId,
            group.OwnerId,
            [.. (group.Tags ?? []).Select(t => new ResourceTag(t.Key, t.Value ?? ""))],
            ingress.ToImmutable());
    }

    /// <summary>One DescribeSecurityGroupRules rule as an ingress rule; null for an egress rule.</summary>
    public static IngressRule? ToIngressRule(Ec2.SecurityGroupRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var at = $"$.SecurityGroupRules[{rule.SecurityGroupRuleId}]";
        var isEgress = rule.IsEgress ?? throw new InputException(at, "IsEgress is missing: the rule's direction is unknown");
        if (isEgress) return null;
        try
        {
            var protocol = WireRuleFields.Protocol(rule.IpProtocol ?? "");
            var (ports, icmp) = WireRuleFields.Ports(protocol, rule.FromPort, rule.ToPort, "FromPort", "ToPort");
            return new IngressRule(protocol, ports, icmp, Source(rule, at), rule.Description, rule.SecurityGroupRuleId);
        }
        catch (RuleFieldException e)
        {
            var field = e.Field switch { RuleField.Protocol => "IpProtocol", RuleField.FromPort => "FromPort", _ => "ToPort" };
            throw new InputException($"{at}.{field}", e.Message);
        }
    }

    private static IngressSource Source(Ec2.SecurityGroupRule rule, string at)
    {
        var sources = new List<IngressSource>(1);
        if (!string.IsNullOrEmpty(rule.CidrIpv4)) sources.Add(CidrSource(rule.CidrIpv4, $"{at}.CidrIpv4", expectIPv6: false));
        if (!string.IsNullOrEmpty(rule.CidrIpv6)) sources.Add(CidrSource(rule.CidrIpv6, $"{at}.CidrIpv6", expectIPv6: true));
        if (!string.IsNullOrEmpty(rule.PrefixListId)) sources.Add(new PrefixListSource(rule.PrefixListId));
        if (rule.ReferencedGroupInfo is { GroupId: { Length: > 0 } referenced } info)
        {
            sources.Add(new SecurityGroupSource(referenced, null, info.UserId, info.VpcId, info.VpcPeeringConnectionId, info.PeeringStatus));
        }
        return sources.Count == 1
            ? sources[0]
            : throw new InputException(at, sources.Count == 0 ? "the rule has no source" : "the rule has more than one source");
    }

    private static CidrSource CidrSource(string text, string at, bool expectIPv6)
    {
        if (!Cidr.TryParse(text, out var cidr, out var error)) throw new InputException(at, error!);
        return cidr.IsIPv6 == expectIPv6 ? new CidrSource(cidr) : throw new InputException(at, $"'{cidr}' is in the wrong address family for this field");
    }
}
