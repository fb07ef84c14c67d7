using System.Collections.Immutable;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Policy.Evaluation;

/// <summary>
/// The policy (DESIGN §3). A rule is disallowed when its source is in scope and not trusted, and it opens a blocked
/// port — or, in allow-list mode, a port outside the authorized list for its protocol. A rule for all protocols opens
/// every TCP and UDP port; ICMP and other protocols have no ports and are never disallowed.
/// Pure: the time and the resolved prefix lists are passed in.
/// </summary>
public static class Evaluator
{
    public static Evaluation Evaluate(ResourceItem item, PolicyParameters parameters, DateTimeOffset at,
                                      PrefixListCatalog? prefixLists = null)
    {
        if (item.Group is null)
        {
            return new Evaluation(Compliance.NotApplicable, Annotation.Fit(item.NotApplicableReason!), [], ExemptionStatus.None);
        }
        return Evaluate(item.Group, parameters, at, prefixLists);
    }

    public static Evaluation Evaluate(SecurityGroup group, PolicyParameters parameters, DateTimeOffset at,
                                      PrefixListCatalog? prefixLists = null)
    {
        if (OutsideScope(group, parameters) is { } outside)
        {
            return new Evaluation(Compliance.NotApplicable, Annotation.Fit(outside), [], ExemptionStatus.None);
        }
        var findings = FindDisallowed(group, parameters, prefixLists ?? PrefixListCatalog.Empty);
        var exemption = ReadExemption(group, parameters, at);

        if (exemption.IsExempt)
        {
            var annotation = findings.IsEmpty
                ? Annotation.Fit(exemption.Note!)
                : Annotation.Compose(exemption.Note + ": would flag ", Displays(findings));
            return new Evaluation(Compliance.Compliant, annotation, findings, exemption);
        }
        var prefix = exemption.Note is null ? "" : exemption.Note + ". ";
        if (findings.IsEmpty)
        {
            return new Evaluation(Compliance.Compliant, exemption.Note is null ? null : Annotation.Fit(exemption.Note),
                findings, exemption);
        }
        var count = findings.Length == 1 ? "1 disallowed rule: " : $"{findings.Length} disallowed rules: ";
        return new Evaluation(Compliance.NonCompliant, Annotation.Compose(prefix + count, Displays(findings)), findings, exemption);
    }

    /// <summary>The disallowed ingress rules, in the group's order, regardless of any exemption.</summary>
    public static ImmutableArray<Finding> FindDisallowed(SecurityGroup group, PolicyParameters parameters, PrefixListCatalog prefixLists)
    {
        ImmutableArray<Finding>.Builder? findings = null;
        foreach (var rule in group.Ingress)
        {
            if (Judge(rule, parameters, prefixLists) is { } finding)
            {
                (findings ??= ImmutableArray.CreateBuilder<Finding>()).Add(finding);
            }
        }
        return findings?.ToImmutable() ?? [];
    }

    /// <summary>The finding for one rule, or null when the policy allows it.</summary>
    public static Finding? Judge(IngressRule rule, PolicyParameters parameters, PrefixListCatalog prefixLists)
    {
        if (!rule.Protocol.IsAll && !rule.Protocol.IsTcpOrUdp) return null;
        var scope = SourceScopeCheck.Check(rule.Source, parameters, prefixLists);
        if (scope == SourceVerdict.OutOfScope) return null;
        var unresolved = scope == SourceVerdict.InScopeUnresolved;

        if (rule.Protocol.IsAll)
        {
            if (!parameters.BlockedPorts.IsEmpty) return new Finding(rule, FindingReason.BlockedPort, parameters.BlockedPorts, unresolved);
            if (!parameters.IsAllowListMode) return null;
            var uncovered = parameters.AuthorizedPortsFor(IpProtocol.Tcp).ComplementWithin(PortRange.All)
                .Union(parameters.AuthorizedPortsFor(IpProtocol.Udp).ComplementWithin(PortRange.All));
            return uncovered.IsEmpty ? null : new Finding(rule, FindingReason.NotAuthorized, uncovered, unresolved);
        }

        var ports = rule.Ports!.Value;
        if (parameters.BlockedPorts.Intersects(ports))
        {
            return new Finding(rule, FindingReason.BlockedPort, parameters.BlockedPorts.IntersectWith(ports), unresolved);
        }
        if (!parameters.IsAllowListMode) return null;
        var authorized = parameters.AuthorizedPortsFor(rule.Protocol);
        return authorized.Covers(ports)
            ? null
            : new Finding(rule, FindingReason.NotAuthorized, authorized.ComplementWithin(ports), unresolved);
    }

    /// <summary>Why the group is outside the rule's tag scope, or null when it is inside (or there is no scope).</summary>
    public static string? OutsideScope(SecurityGroup group, PolicyParameters parameters)
    {
        if (parameters.ScopeTagKey is not { } key) return null;
        var value = group.FindTag(key);
        if (value is null) return $"Outside the rule's scope: no tag {key}";
        // A value known only at deployment might be the scope's: the group stays in scope (fail closed).
        if (parameters.ScopeTagValue is { } wanted && !string.Equals(value, wanted, StringComparison.Ordinal) && !group.TagValueUnknown(key))
        {
            return $"Outside the rule's scope: tag {key} is '{value}', the scope is '{wanted}'";
        }
        return null;
    }

    private static ExemptionStatus ReadExemption(SecurityGroup group, PolicyParameters parameters, DateTimeOffset at)
    {
        if (parameters.ExemptionTagKey is not { } key || group.FindTag(key) is not { } value) return ExemptionStatus.None;
        return ExemptionStatus.Parse(key, value, at, parameters.MaxExemptionDays);
    }

    private static string[] Displays(ImmutableArray<Finding> findings)
    {
        var displays = new string[findings.Length];
        for (var i = 0; i < findings.Length; i++) displays[i] = findings[i].Display;
        return displays;
    }
}
