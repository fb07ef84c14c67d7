using System.Globalization;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// The pieces every JSON shape has in common — protocol, ports, CIDRs — read with <see cref="WireRuleFields"/>'s
/// semantics, errors placed at the JSON path of the offending value.
/// </summary>
internal static class RuleParts
{
    public static IpProtocol ReadProtocol(JsonCursor owner, string field)
    {
        var cursor = owner.Require(field);
        var text = cursor.Kind == System.Text.Json.JsonValueKind.Number && cursor.Value.TryGetInt32(out var number)
            ? number.ToString(CultureInfo.InvariantCulture)
            : cursor.AsString();
        try
        {
            return WireRuleFields.Protocol(text);
        }
        catch (RuleFieldException e)
        {
            throw cursor.Error(e.Message);
        }
    }

    public static (PortRange? Ports, IcmpTypeCode? Icmp) ReadPorts(JsonCursor owner, IpProtocol protocol, string fromField, string toField)
    {
        var from = owner.OptionalInt(fromField);
        var to = owner.OptionalInt(toField);
        try
        {
            return WireRuleFields.Ports(protocol, from, to, fromField, toField);
        }
        catch (RuleFieldException e)
        {
            throw owner.Get(e.Field == RuleField.ToPort ? toField : fromField)!.Value.Error(e.Message);
        }
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
