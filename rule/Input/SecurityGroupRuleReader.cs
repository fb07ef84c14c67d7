using System.Collections.Immutable;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads EC2 <c>DescribeSecurityGroupRules</c> items — already one rule per source, with <c>sgr-</c> ids — and
/// gathers them into groups. A group any of whose rules is unreadable is reported as an error as a whole: a group
/// evaluated without one of its rules could be called compliant when it is not.
/// </summary>
internal sealed class SecurityGroupRuleCollector
{
    private readonly Dictionary<string, Pending> groups = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    public static bool LooksLikeRule(JsonCursor value) =>
        value.IsObject && value.Has("SecurityGroupRuleId") && value.Has("GroupId");

    public void Add(JsonCursor rule)
    {
        rule.ExpectObject("a security group rule");
        var groupId = rule.RequireString("GroupId");
        if (!groups.TryGetValue(groupId, out var pending))
        {
            pending = new Pending();
            groups.Add(groupId, pending);
            order.Add(groupId);
        }
        if (pending.Error is not null) return;
        try
        {
            pending.OwnerId ??= rule.OptionalString("GroupOwnerId");
            if (ReadIngress(rule) is { } ingress) pending.Rules.Add(ingress);
        }
        catch (InputException e)
        {
            pending.Error = new InputException(e.JsonPath, $"{e.Problem} (so group {groupId} is not evaluated)");
        }
    }

    public IEnumerable<ReadResult> Results()
    {
        foreach (var groupId in order)
        {
            var pending = groups[groupId];
            if (pending.Error is not null)
            {
                yield return ReadResult.Failed(pending.Error);
                continue;
            }
            var group = new SecurityGroup(groupId, GroupName: null, Description: null, VpcId: null, pending.OwnerId,
                Tags: [], Ingress: pending.Rules.ToImmutable());
            yield return ReadResult.Read(ResourceItem.ForGroup(group, new ResourceContext(pending.OwnerId, null, null, null)));
        }
    }

    /// <summary>One DescribeSecurityGroupRules item as an ingress rule; null for an egress rule.</summary>
    public static IngressRule? ReadIngress(JsonCursor rule)
    {
        var isEgress = rule.OptionalBool("IsEgress") ?? throw rule.Error("'IsEgress' is missing: the rule's direction is unknown");
        if (isEgress) return null;
        var ruleId = rule.RequireString("SecurityGroupRuleId");
        var protocol = RuleParts.ReadProtocol(rule, "IpProtocol");
        var (ports, icmp) = RuleParts.ReadPorts(rule, protocol, "FromPort", "ToPort");
        var sources = new List<IngressSource>(1);
        if (rule.Get("CidrIpv4") is { } v4) sources.Add(RuleParts.ReadCidrSource(v4, expectIPv6: false));
        if (rule.Get("CidrIpv6") is { } v6) sources.Add(RuleParts.ReadCidrSource(v6, expectIPv6: true));
        if (rule.OptionalString("PrefixListId") is { Length: > 0 } prefixList) sources.Add(new PrefixListSource(prefixList));
        if (rule.Get("ReferencedGroupInfo") is { } referenced)
        {
            referenced.ExpectObject("ReferencedGroupInfo");
            sources.Add(new SecurityGroupSource(
                GroupId: referenced.RequireString("GroupId"),
                GroupName: null,
                UserId: referenced.OptionalString("UserId"),
                VpcId: referenced.OptionalString("VpcId"),
                VpcPeeringConnectionId: referenced.OptionalString("VpcPeeringConnectionId"),
                PeeringStatus: referenced.OptionalString("PeeringStatus")));
        }
        if (sources.Count != 1)
        {
            throw rule.Error(sources.Count == 0
                ? "the rule has no source (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo)"
                : "the rule has more than one source; a security group rule has exactly one");
        }
        return new IngressRule(protocol, ports, icmp, sources[0], rule.OptionalString("Description"), ruleId);
    }

    private sealed class Pending
    {
        public string? OwnerId { get; set; }
        public ImmutableArray<IngressRule>.Builder Rules { get; } = ImmutableArray.CreateBuilder<IngressRule>();
        public InputException? Error { get; set; }
    }
}
