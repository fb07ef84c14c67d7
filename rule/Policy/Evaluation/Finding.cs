using System.Runtime.CompilerServices;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Policy.Evaluation;

/// <summary>Why a rule is disallowed.</summary>
public enum FindingReason
{
    /// <summary>It opens a port of <c>blockedPorts</c> to an in-scope source.</summary>
    BlockedPort,

    /// <summary>Allow-list mode: it opens ports outside <c>authorizedTcpPorts</c>/<c>authorizedUdpPorts</c> to an in-scope source.</summary>
    NotAuthorized,
}

/// <summary>
/// A disallowed ingress rule: the rule, the reason, and the offending ports (the blocked ports it opens, or the ports
/// it opens that are not authorized). <see cref="UnresolvedPrefixList"/> marks a prefix-list source whose entries were
/// unknown and which was therefore treated as in scope; it is also set for a source unknown before deployment
/// (<see cref="UnresolvedSource"/>), whose rule says what was assumed (<see cref="IngressRule.Assumed"/>).
/// </summary>
public sealed record Finding(IngressRule Rule, FindingReason Reason, PortSet Ports, bool UnresolvedPrefixList)
{
    /// <summary>The machine-readable reason: <c>blockedPort</c> or <c>notAuthorized</c>.</summary>
    public string ReasonCode => Reason == FindingReason.BlockedPort ? "blockedPort" : "notAuthorized";

    /// <summary>For people: <c>blocked port 22</c>, <c>blocked ports 22,3389</c>, <c>not authorized</c>.</summary>
    public string ReasonText => Text.Of(this, static (finding, ref text) => finding.AppendReason(ref text));

    /// <summary><c>tcp/22 from 203.0.113.7/32 (blocked port 22)</c>: every NON_COMPLIANT group's annotation is made of these.</summary>
    public string Display => Text.Of(this, static (finding, ref text) =>
    {
        finding.Rule.AppendDisplay(ref text);
        text.AppendLiteral(" (");
        finding.AppendReason(ref text);
        text.AppendLiteral(")");
    });

    private void AppendReason(ref DefaultInterpolatedStringHandler text)
    {
        if (Reason == FindingReason.BlockedPort)
        {
            text.AppendLiteral(Ports.Ranges.Length == 1 && Ports.Ranges[0].Count == 1 ? "blocked port " : "blocked ports ");
            text.AppendFormatted(Ports);
        }
        else
        {
            text.AppendLiteral("not authorized");
        }
        // An unresolved source that is not a prefix list (an address unknown before deployment) says what was assumed.
        if (UnresolvedPrefixList && Rule.Source is PrefixListSource) text.AppendLiteral(", prefix list unresolved");
        if (Rule.Assumed is { } assumed)
        {
            text.AppendLiteral(", ");
            text.AppendLiteral(assumed);
        }
    }
}
