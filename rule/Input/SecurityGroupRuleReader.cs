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
        // The JSON's own types are checked here, at their paths; what the fields mean, in the mapping both readers share.
        var referenced = rule.Get("ReferencedGroupInfo") is { } info
            ? new ReferencedGroupFields(
                info.ExpectObject("ReferencedGroupInfo").OptionalString("GroupId"),
                info.OptionalString("UserId"),
                info.OptionalString("VpcId"),
                info.OptionalString("VpcPeeringConnectionId"),
                info.OptionalString("PeeringStatus"))
            : null;
        var fields = new SecurityGroupRuleFields(
            rule.OptionalString("SecurityGroupRuleId"),
            rule.OptionalBool("IsEgress"),
            rule.Get("IpProtocol") is { Kind: System.Text.Json.JsonValueKind.Number } number && number.Value.TryGetInt32(out var protocolNumber)
                ? protocolNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : rule.OptionalString("IpProtocol"),
            rule.OptionalInt("FromPort"),
            rule.OptionalInt("ToPort"),
            rule.OptionalString("CidrIpv4"),
            rule.OptionalString("CidrIpv6"),
            rule.OptionalString("PrefixListId"),
            referenced,
            rule.OptionalString("Description"));
        try
        {
            return fields.ToIngress();
        }
        catch (SecurityGroupRuleFieldException e)
        {
            throw e.Field.Length == 0 || rule.Get(e.Field) is not { } at ? rule.Error(e.Message) : at.Error(e.Message);
        }
    }

    private sealed class Pending
    {
        public string? OwnerId { get; set; }
        public ImmutableArray<IngressRule>.Builder Rules { get; } = ImmutableArray.CreateBuilder<IngressRule>();
        public InputException? Error { get; set; }
    }
}
