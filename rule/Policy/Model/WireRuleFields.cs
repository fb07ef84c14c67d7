namespace SgConfigRule.Policy.Model;

/// <summary>Which field of a rule, as AWS reports it, a problem is in.</summary>
public enum RuleField
{
    Protocol,
    FromPort,
    ToPort,
}

/// <summary>A rule field AWS reported that the policy cannot accept; readers add where it was.</summary>
public sealed class RuleFieldException : Exception
{
    public RuleFieldException(RuleField field, string problem) : base(problem)
    {
        Field = field;
    }

    public RuleFieldException() : this(RuleField.Protocol, "invalid rule field") { }

    public RuleFieldException(string message) : this(RuleField.Protocol, message) { }

    public RuleFieldException(string message, Exception innerException) : base(message, innerException) { }

    public RuleField Field { get; }
}

/// <summary>
/// Turns the protocol and port fields of any AWS shape into the model, with the semantics of DESIGN §3: for TCP/UDP
/// an absent, null or -1 bound is the end of its side (0 or 65535), so a rule without ports opens all of them, and
/// <c>from &gt; to</c> is refused; for ICMP the two numbers are type and code (-1 = any); other protocols have no ports.
/// </summary>
public static class WireRuleFields
{
    public static IpProtocol Protocol(string text) =>
        IpProtocol.TryParse(text, out var protocol)
            ? protocol
            : throw new RuleFieldException(RuleField.Protocol,
                $"unknown protocol '{text}': expected tcp, udp, icmp, icmpv6, -1 or a protocol number 0-255");

    public static (PortRange? Ports, IcmpTypeCode? Icmp) Ports(IpProtocol protocol, int? from, int? to,
                                                               string fromName = "fromPort", string toName = "toPort")
    {
        if (protocol.IsTcpOrUdp)
        {
            var first = Port(RuleField.FromPort, fromName, from) ?? PortRange.MinPort;
            var last = Port(RuleField.ToPort, toName, to) ?? PortRange.MaxPort;
            if (first > last) throw new RuleFieldException(RuleField.FromPort, $"{fromName} {first} is greater than {toName} {last}");
            return (new PortRange(first, last), null);
        }
        if (protocol.IsIcmpFamily)
        {
            return (null, new IcmpTypeCode(Icmp(RuleField.FromPort, from), Icmp(RuleField.ToPort, to)));
        }
        return (null, null);
    }

    private static int? Port(RuleField field, string name, int? value)
    {
        if (value is null or -1) return null;
        return value is < PortRange.MinPort or > PortRange.MaxPort
            ? throw new RuleFieldException(field, $"{name} {value} is outside 0-65535 (or -1 for all)")
            : value;
    }

    private static int Icmp(RuleField field, int? value)
    {
        if (value is null) return -1;
        return value is < -1 or > 255 ? throw new RuleFieldException(field, $"ICMP type/code {value} is outside -1..255") : value.Value;
    }
}
