using System.Collections.Immutable;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Support;

/// <summary>Short constructors for the model, so tests read like the rules they describe.</summary>
internal static class Build
{
    public static IngressRule Tcp(int from, int to, string source, string? ruleId = null) =>
        Rule(IpProtocol.Tcp, new PortRange(from, to), source, ruleId);

    public static IngressRule Tcp(int port, string source) => Tcp(port, port, source);

    public static IngressRule Udp(int from, int to, string source) => Rule(IpProtocol.Udp, new PortRange(from, to), source);

    public static IngressRule AllTraffic(string source) => new(IpProtocol.All, null, null, Source(source), null, null);

    public static IngressRule Icmp(string source) => new(IpProtocol.Icmp, null, IcmpTypeCode.Any, Source(source), null, null);

    public static IngressRule Protocol(int number, string source) =>
        new(IpProtocol.FromNumber(number), null, null, Source(source), null, null);

    public static IngressRule Rule(IpProtocol protocol, PortRange ports, string source, string? ruleId = null) =>
        new(protocol, ports, null, Source(source), null, ruleId);

    /// <summary><c>pl-…</c> is a prefix list, <c>sg-…</c> a referenced group, anything else a CIDR.</summary>
    public static IngressSource Source(string text) =>
        text.StartsWith("pl-", StringComparison.Ordinal) ? new PrefixListSource(text)
        : text.StartsWith("sg-", StringComparison.Ordinal) ? new SecurityGroupSource(text, null, "111122223333", null, null, null)
        : new CidrSource(Cidr.Parse(text));

    public static SecurityGroup Group(params IngressRule[] rules) => Group("sg-0123456789abcdef0", [], rules);

    public static SecurityGroup Group(string id, (string Key, string Value)[] tags, params IngressRule[] rules) =>
        new(id, "web", "test group", "vpc-0a1b2c3d", "111122223333",
            [.. tags.Select(t => new ResourceTag(t.Key, t.Value))], [.. rules]);

    public static PrefixListCatalog PrefixLists(params PrefixList[] lists) => PrefixListCatalog.Of(lists);

    public static PrefixList PrefixList(string id, string name, params string[] entries) =>
        new(id, name, [.. entries.Select(Cidr.Parse)]);

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static ImmutableArray<T> Array<T>(params T[] items) => [.. items];
}
