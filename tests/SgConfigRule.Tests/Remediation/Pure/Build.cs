using System.Globalization;
using SgConfigRule.Policy.Model;
using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>Small hand-built models for the pure tests of the remediation: groups, rules as read, rules as revoked.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00Z", CultureInfo.InvariantCulture);

    public const string GroupId = "sg-0123456789abcdef0";

    public static IngressRule Tcp(int port, string cidr, string? id, string? description = null) =>
        new(IpProtocol.Tcp, PortRange.Of(port), null, new CidrSource(Cidr.Parse(cidr)), description, id);

    public static IngressRule Tcp(int from, int to, string cidr, string? id) =>
        new(IpProtocol.Tcp, new PortRange(from, to), null, new CidrSource(Cidr.Parse(cidr)), null, id);

    public static IngressRule FromList(int port, string prefixListId, string id) =>
        new(IpProtocol.Tcp, PortRange.Of(port), null, new PrefixListSource(prefixListId), null, id);

    public static IngressRule FromGroup(int port, string groupId, string id, string? userId = "444455556666", string? vpcId = "vpc-0b", string? peering = "pcx-0c") =>
        new(IpProtocol.Tcp, PortRange.Of(port), null, new SecurityGroupSource(groupId, null, userId, vpcId, peering, "active"), "app tier", id);

    public static IngressRule AllTraffic(string cidr, string id) =>
        new(IpProtocol.All, null, null, new CidrSource(Cidr.Parse(cidr)), null, id);

    public static SecurityGroup Group(params IngressRule[] rules) =>
        new(GroupId, "web", "web servers", "vpc-0a", "111122223333", [], [.. rules]);

    public static SecurityGroup Tagged(this SecurityGroup group, string key, string value) =>
        group with { Tags = [.. group.Tags, new ResourceTag(key, value)] };

    /// <summary>A rule as the remediation describes it (id, content, what people read).</summary>
    public static RevokedRule Described(string id, int port, string source = "0.0.0.0/0", string protocol = "tcp", string sourceType = "ipv4",
                                   string? description = null, RevokeEvidence? evidence = null) => new()
    {
        RuleId = id,
        Protocol = protocol,
        FromPort = port,
        ToPort = port,
        Source = source,
        SourceType = sourceType,
        Description = description,
        Reason = "blocked port 22",
        Display = string.Create(CultureInfo.InvariantCulture, $"{protocol}/{port} from {source}"),
        Evidence = evidence,
    };
}
