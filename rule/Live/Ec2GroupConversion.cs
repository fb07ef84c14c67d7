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
        var fields = new SecurityGroupRuleFields(
            rule.SecurityGroupRuleId,
            rule.IsEgress,
            rule.IpProtocol,
            rule.FromPort,
            rule.ToPort,
            rule.CidrIpv4,
            rule.CidrIpv6,
            rule.PrefixListId,
            rule.ReferencedGroupInfo is { } info
                ? new ReferencedGroupFields(info.GroupId, info.UserId, info.VpcId, info.VpcPeeringConnectionId, info.PeeringStatus)
                : null,
            rule.Description);
        try
        {
            return fields.ToIngress();
        }
        catch (SecurityGroupRuleFieldException e)
        {
            var at = $"$.SecurityGroupRules[{rule.SecurityGroupRuleId}]";
            throw new InputException(e.Field.Length == 0 ? at : $"{at}.{e.Field}", e.Message);
        }
    }
}
