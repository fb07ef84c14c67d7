using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// One item of EC2's <c>DescribeSecurityGroupRules</c>, field for field as EC2 names them, whatever carried it: the
/// JSON text of an export (<see cref="SecurityGroupRuleCollector"/>) or the SDK's objects of a live read
/// (<c>Ec2GroupConversion</c>, which the remediation uses). Both become the model through <see cref="ToIngress"/>
/// alone, so a dry run of the CLI on an export and the remediation on the live account read a rule the same way.
/// </summary>
public sealed record SecurityGroupRuleFields(
    string? SecurityGroupRuleId,
    bool? IsEgress,
    string? IpProtocol,
    int? FromPort,
    int? ToPort,
    string? CidrIpv4,
    string? CidrIpv6,
    string? PrefixListId,
    ReferencedGroupFields? ReferencedGroupInfo,
    string? Description)
{
    /// <summary>
    /// The rule as the policy's model; null for an outbound rule. A rule the policy cannot accept throws
    /// <see cref="SecurityGroupRuleFieldException"/> naming the field (empty: the rule as a whole); the caller places it.
    /// An empty string is absent, as the SDK gives an absent field.
    /// </summary>
    public IngressRule? ToIngress()
    {
        var isEgress = IsEgress ?? throw new SecurityGroupRuleFieldException("", "'IsEgress' is missing: the rule's direction is unknown");
        if (isEgress) return null;
        if (string.IsNullOrEmpty(SecurityGroupRuleId)) throw new SecurityGroupRuleFieldException("", "'SecurityGroupRuleId' is missing");
        IpProtocol protocol;
        PortRange? ports;
        IcmpTypeCode? icmp;
        try
        {
            protocol = WireRuleFields.Protocol(IpProtocol ?? throw new SecurityGroupRuleFieldException("", "'IpProtocol' is missing"));
            (ports, icmp) = WireRuleFields.Ports(protocol, FromPort, ToPort, "FromPort", "ToPort");
        }
        catch (RuleFieldException e)
        {
            throw new SecurityGroupRuleFieldException(e.Field switch { RuleField.Protocol => "IpProtocol", RuleField.FromPort => "FromPort", _ => "ToPort" }, e.Message);
        }
        var sources = new List<IngressSource>(1);
        if (!string.IsNullOrEmpty(CidrIpv4)) sources.Add(Cidr(CidrIpv4, "CidrIpv4", expectIPv6: false));
        if (!string.IsNullOrEmpty(CidrIpv6)) sources.Add(Cidr(CidrIpv6, "CidrIpv6", expectIPv6: true));
        if (!string.IsNullOrEmpty(PrefixListId)) sources.Add(new PrefixListSource(PrefixListId));
        if (ReferencedGroupInfo is { } referenced)
        {
            if (string.IsNullOrEmpty(referenced.GroupId)) throw new SecurityGroupRuleFieldException("ReferencedGroupInfo", "'GroupId' is missing: the referenced group is unknown");
            sources.Add(new SecurityGroupSource(referenced.GroupId, GroupName: null, referenced.UserId, referenced.VpcId,
                referenced.VpcPeeringConnectionId, referenced.PeeringStatus));
        }
        if (sources.Count != 1)
        {
            throw new SecurityGroupRuleFieldException("", sources.Count == 0
                ? "the rule has no source (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo)"
                : "the rule has more than one source; a security group rule has exactly one");
        }
        return new IngressRule(protocol, ports, icmp, sources[0], Description, SecurityGroupRuleId);
    }

    private static CidrSource Cidr(string text, string field, bool expectIPv6)
    {
        if (!Policy.Model.Cidr.TryParse(text, out var cidr, out var error)) throw new SecurityGroupRuleFieldException(field, error!);
        return cidr.IsIPv6 == expectIPv6
            ? new CidrSource(cidr)
            : throw new SecurityGroupRuleFieldException(field, $"'{cidr}' is an {(cidr.IsIPv6 ? "IPv6" : "IPv4")} CIDR in an {(expectIPv6 ? "IPv6" : "IPv4")} field");
    }
}

/// <summary>The referenced group of a <see cref="SecurityGroupRuleFields"/> (EC2's <c>ReferencedGroupInfo</c>).</summary>
public sealed record ReferencedGroupFields(string? GroupId, string? UserId, string? VpcId, string? VpcPeeringConnectionId, string? PeeringStatus);

/// <summary>A field of a security group rule the policy cannot accept: <see cref="Field"/> is its name ("" for the rule).</summary>
public sealed class SecurityGroupRuleFieldException : Exception
{
    public SecurityGroupRuleFieldException(string field, string problem) : base(problem)
    {
        Field = field;
    }

    public SecurityGroupRuleFieldException() : this("", "invalid security group rule") { }

    public SecurityGroupRuleFieldException(string message) : this("", message) { }

    public SecurityGroupRuleFieldException(string message, Exception innerException) : base(message, innerException) { }

    public string Field { get; } = "";
}
