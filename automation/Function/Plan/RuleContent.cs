using System.Globalization;
using Amazon.EC2.Model;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Remediation;

/// <summary>
/// What makes a rule the rule it is for EC2: protocol, ports (or ICMP type and code) and the one source — not its id
/// (<c>ModifySecurityGroupRules</c> changes a rule in place and keeps the id) and not its description (EC2 ignores it
/// when matching). The remediation revokes by this content, so EC2 itself refuses to remove a rule that changed.
/// </summary>
public static class RuleContent
{
    /// <summary>The content as one comparable value: protocol as EC2 names it, ports, source kind and canonical source.</summary>
    public static string Key(RevokedRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Key(rule.Protocol, rule.FromPort, rule.ToPort, rule.SourceType, rule.Source);
    }

    public static string Key(string protocol, int fromPort, int toPort, string sourceType, string source)
    {
        var canonicalProtocol = IpProtocol.TryParse(protocol, out var parsed) ? parsed.WireValue : protocol.ToLowerInvariant();
        // EC2 reports -1/-1 ports for a rule of all protocols, whatever was sent.
        var (from, to) = canonicalProtocol == "-1" ? (-1, -1) : (fromPort, toPort);
        var canonicalSource = sourceType is "ipv4" or "ipv6" && Cidr.TryParse(source, out var cidr, out _) ? cidr.ToString() : source;
        return string.Create(CultureInfo.InvariantCulture, $"{canonicalProtocol}|{from}|{to}|{sourceType}|{canonicalSource}");
    }

    public static bool SameContent(RevokedRule a, RevokedRule b) => Key(a) == Key(b);

    /// <summary>The same rule: same id and same content.</summary>
    public static bool SameRule(RevokedRule a, RevokedRule b) =>
        string.Equals(a?.RuleId, b?.RuleId, StringComparison.Ordinal) && SameContent(a!, b!);

    /// <summary>The content of a rule EC2 reports as revoked, in the same form as <see cref="Key(RevokedRule)"/>.</summary>
    public static string Key(RevokedSecurityGroupRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var (type, source) = !string.IsNullOrEmpty(rule.CidrIpv4) ? ("ipv4", rule.CidrIpv4)
            : !string.IsNullOrEmpty(rule.CidrIpv6) ? ("ipv6", rule.CidrIpv6)
            : !string.IsNullOrEmpty(rule.PrefixListId) ? ("prefixList", rule.PrefixListId)
            : ("securityGroup", rule.ReferencedGroupId ?? "");
        return Key(rule.IpProtocol ?? "", rule.FromPort ?? -1, rule.ToPort ?? -1, type, source);
    }

    /// <summary>The <c>IpPermission</c> that names exactly this rule's content (one source, no description).</summary>
    public static IpPermission ToIpPermission(RevokedRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var permission = new IpPermission { IpProtocol = rule.Protocol };
        if (rule.Protocol != "-1")
        {
            permission.FromPort = rule.FromPort;
            permission.ToPort = rule.ToPort;
        }
        switch (rule.SourceType)
        {
            case "ipv4": permission.Ipv4Ranges = [new IpRange { CidrIp = rule.Source }]; break;
            case "ipv6": permission.Ipv6Ranges = [new Ipv6Range { CidrIpv6 = rule.Source }]; break;
            case "prefixList": permission.PrefixListIds = [new PrefixListId { Id = rule.Source }]; break;
            default:
                permission.UserIdGroupPairs = [new UserIdGroupPair
                {
                    GroupId = rule.Source,
                    UserId = rule.SourceUserId,
                    VpcPeeringConnectionId = rule.SourcePeeringConnectionId,
                }];
                break;
        }
        return permission;
    }
}
