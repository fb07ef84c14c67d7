using System.Runtime.CompilerServices;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// One inbound rule with exactly one source — the granularity of an EC2 security group rule (<c>sgr-</c>), whatever
/// shape it was read from. <see cref="Ports"/> is set only for TCP and UDP; <see cref="Icmp"/> only for ICMP/ICMPv6;
/// a rule for all protocols reaches every port of every protocol.
/// </summary>
public sealed record IngressRule(
    IpProtocol Protocol,
    PortRange? Ports,
    IcmpTypeCode? Icmp,
    IngressSource Source,
    string? Description,
    string? RuleId)
{
    /// <summary>
    /// What a reader of planned infrastructure (a CloudFormation template, a Terraform plan) could not know and what it
    /// assumed instead — the widest value, so the rule is at least as exposed as whatever the value turns out to be
    /// (fail closed): <c>assumed the worst: FromPort is Fn::ImportValue Port</c>, <c>to_port known only after apply,
    /// assumed 65535</c>. A finding on the rule says it. Null when the rule is fully known, as it always is from AWS.
    /// </summary>
    public string? Assumed { get; init; }

    /// <summary>Where the rule is written, when it was read from source code (a template's file and line).</summary>
    public SourceLocation? Location { get; init; }

    /// <summary>
    /// The TCP/UDP ports this rule opens for <paramref name="transport"/> (tcp or udp): its own range for a rule of
    /// that protocol, every port for an all-protocols rule, none otherwise.
    /// </summary>
    public PortRange? PortsFor(IpProtocol transport) =>
        Protocol.IsAll ? PortRange.All : Protocol == transport ? Ports : null;

    /// <summary><c>FromPort</c> as EC2 reports it: the first port, the ICMP type, or -1.</summary>
    public int WireFromPort => Ports?.From ?? Icmp?.Type ?? -1;

    /// <summary><c>ToPort</c> as EC2 reports it: the last port, the ICMP code, or -1.</summary>
    public int WireToPort => Ports?.To ?? Icmp?.Code ?? -1;

    /// <summary>What the rule opens, for people: <c>tcp/22</c>, <c>udp/0-65535</c>, <c>all traffic</c>, <c>icmp/8:0</c>, <c>proto 50</c>.</summary>
    public string TrafficDisplay => Text.Of(this, static (rule, ref text) => rule.AppendTraffic(ref text));

    /// <summary><c>tcp/22 from 203.0.113.7/32</c>.</summary>
    public string Display => Text.Of(this, static (rule, ref text) => rule.AppendDisplay(ref text));

    /// <summary>Writes <see cref="Display"/> where a longer text is being made (a finding's), without a string of its own.</summary>
    internal void AppendDisplay(ref DefaultInterpolatedStringHandler text)
    {
        AppendTraffic(ref text);
        text.AppendLiteral(" from ");
        text.AppendLiteral(Source.Display);
    }

    private void AppendTraffic(ref DefaultInterpolatedStringHandler text)
    {
        switch (Protocol)
        {
            case { IsAll: true }:
                text.AppendLiteral("all traffic");
                break;
            case { IsTcpOrUdp: true }:
                text.AppendLiteral(Protocol.Name);
                text.AppendLiteral("/");
                if (Ports is { } ports) text.AppendFormatted(ports);
                break;
            case { IsIcmpFamily: true }:
                text.AppendLiteral(Protocol.Name);
                text.AppendLiteral("/");
                if (Icmp is { } icmp) text.AppendLiteral(icmp.ToString());
                break;
            default:
                text.AppendLiteral("proto ");
                text.AppendLiteral(Protocol.Name);
                break;
        }
    }
}

/// <summary>ICMP type and code of an ICMP/ICMPv6 rule; -1 means any.</summary>
public readonly record struct IcmpTypeCode(int Type, int Code)
{
    public static IcmpTypeCode Any { get; } = new(-1, -1);

    public override string ToString() =>
        Type == -1 ? "any" : Code == -1 ? $"{Type}" : $"{Type}:{Code}";
}
