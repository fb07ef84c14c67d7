using System.Globalization;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Policy.Parsing;

/// <summary>
/// The pieces every shape has in common — protocol, ports, CIDRs — read with the semantics of DESIGN §3:
/// for TCP/UDP an absent, null or -1 bound is the extreme of its side (0 or 65535), so a rule without ports opens all
/// of them; <c>fromPort &gt; toPort</c> is an error. For ICMP the two numbers are type and code (-1 = any). Other
/// protocols have no ports.
/// </summary>
internal static class RuleParts
{
    public static IpProtocol ReadProtocol(JsonCursor owner, string field)
    {
        var cursor = owner.Require(field);
        string text;
        if (cursor.Kind == System.Text.Json.JsonValueKind.Number && cursor.Value.TryGetInt32(out var number))
        {
            text = number.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            text = cursor.AsString();
        }
        return IpProtocol.TryParse(text, out var protocol)
            ? protocol
            : throw cursor.Error($"unknown protocol '{text}': expected tcp, udp, icmp, icmpv6, -1 or a protocol number 0-255");
    }

    public static (PortRange? Ports, IcmpTypeCode? Icmp) ReadPorts(JsonCursor owner, IpProtocol protocol, string fromField, string toField)
    {
        var from = owner.OptionalInt(fromField);
        var to = owner.OptionalInt(toField);
        if (protocol.IsTcpOrUdp)
        {
            var first = CheckPort(owner, fromField, from) ?? PortRange.MinPort;
            var last = CheckPort(owner, toField, to) ?? PortRange.MaxPort;
            if (first > last)
            {
                throw owner.Get(fromField)!.Value.Error($"{fromField} {first} is greater than {toField} {last}");
            }
            return (new PortRange(first, last), null);
        }
        if (protocol.IsIcmpFamily)
        {
            return (null, new IcmpTypeCode(CheckIcmp(owner, fromField, from), CheckIcmp(owner, toField, to)));
        }
        return (null, null);
    }

    private static int? CheckPort(JsonCursor owner, string field, int? value)
    {
        if (value is null or -1) return null;
        if (value is < PortRange.MinPort or > PortRange.MaxPort)
        {
            throw owner.Get(field)!.Value.Error($"{field} {value} is outside 0-65535 (or -1 for all)");
        }
        return value;
    }

    private static int CheckIcmp(JsonCursor owner, string field, int? value)
    {
        if (value is null) return -1;
        if (value is < -1 or > 255) throw owner.Get(field)!.Value.Error($"ICMP type/code {value} is outside -1..255");
        return value.Value;
    }

    public static Cidr ReadCidr(JsonCursor value)
    {
        var text = value.AsString();
        return Cidr.TryParse(text, out var cidr, out var error) ? cidr : throw value.Error(error!);
    }

    public static IngressSource ReadCidrSource(JsonCursor value, bool expectIPv6)
    {
        var cidr = ReadCidr(value);
        if (cidr.IsIPv6 != expectIPv6)
        {
            throw value.Error($"'{cidr}' is an {(cidr.IsIPv6 ? "IPv6" : "IPv4")} CIDR in an {(expectIPv6 ? "IPv6" : "IPv4")} field");
        }
        return new CidrSource(cidr);
    }
}
