using System.Globalization;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Policy.Parameters;

/// <summary>
/// The rule's parameters (the Config rule's <c>InputParameters</c>; the same JSON goes to the revoke function and the
/// CLI). Build them with <see cref="ParameterParser"/>, which validates every value; <see cref="Default"/> is the
/// policy with no parameters given.
/// </summary>
public sealed record PolicyParameters
{
    public const string DefaultExemptionTagKey = "sg-config-rule:exempt";

    public static PortSet DefaultBlockedPorts { get; } = PortSet.Of(PortRange.Of(22), PortRange.Of(3389));

    public static PolicyParameters Default { get; } = new();

    /// <summary>Ports that must not be reachable from an in-scope source, over TCP and UDP.</summary>
    public PortSet BlockedPorts { get; init; } = DefaultBlockedPorts;

    /// <summary>Allow-list for TCP; null when not given.</summary>
    public PortSet? AuthorizedTcpPorts { get; init; }

    /// <summary>Allow-list for UDP; null when not given.</summary>
    public PortSet? AuthorizedUdpPorts { get; init; }

    public SourceScope SourceScope { get; init; } = SourceScope.Address;

    public TrustedSources TrustedSources { get; init; } = TrustedSources.None;

    /// <summary>The tag that exempts a group until a date; null disables exemptions.</summary>
    public string? ExemptionTagKey { get; init; } = DefaultExemptionTagKey;

    /// <summary>When set, an exemption that ends more than this many days after today (UTC) is refused.</summary>
    public int? MaxExemptionDays { get; init; }

    /// <summary>
    /// When set, the policy applies only to groups carrying this tag (with <see cref="ScopeTagValue"/> as its value when
    /// that is set); other groups are NOT_APPLICABLE. The same tag scopes the Config rule's change triggers, and this
    /// makes the periodic sweep and the remediation honour it too.
    /// </summary>
    public string? ScopeTagKey { get; init; }

    /// <summary>The value <see cref="ScopeTagKey"/> must have; null means any value.</summary>
    public string? ScopeTagValue { get; init; }

    /// <summary>Organization mode: the role the functions assume in the event's account. Not a policy setting.</summary>
    public string? ExecutionRoleName { get; init; }

    /// <summary>
    /// The periodic sweep posts only verdicts that differ from what AWS Config recorded (each posted evaluation is
    /// billed). When set, it also posts an unchanged verdict whose recorded result is this many days old or older, for
    /// teams that want fresh timestamps; 0 posts every verdict on every sweep. Not a policy setting.
    /// </summary>
    public int? FullRepostDays { get; init; }

    /// <summary>Allow-list mode is on when either authorized list is given; the other list is then empty.</summary>
    public bool IsAllowListMode => AuthorizedTcpPorts is not null || AuthorizedUdpPorts is not null;

    /// <summary>The ports authorized for <paramref name="transport"/> in allow-list mode (empty when its list is not given).</summary>
    public PortSet AuthorizedPortsFor(IpProtocol transport) =>
        (transport == IpProtocol.Udp ? AuthorizedUdpPorts : AuthorizedTcpPorts) ?? PortSet.Empty;

    /// <summary>
    /// The effective parameters in <c>InputParameters</c> form (every value a string), defaults included and unset
    /// optional keys left out: feeding this back to the parser gives the same parameters.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToInputParameters()
    {
        var result = new List<KeyValuePair<string, string>>
        {
            new(ParameterNames.BlockedPorts, BlockedPorts.ToString()),
        };
        if (AuthorizedTcpPorts is not null) result.Add(new(ParameterNames.AuthorizedTcpPorts, AuthorizedTcpPorts.ToString()));
        if (AuthorizedUdpPorts is not null) result.Add(new(ParameterNames.AuthorizedUdpPorts, AuthorizedUdpPorts.ToString()));
        result.Add(new(ParameterNames.SourceScope, SourceScope.ToParameterValue()));
        if (!TrustedSources.IsEmpty) result.Add(new(ParameterNames.TrustedSources, TrustedSources.ToString()));
        result.Add(new(ParameterNames.ExemptionTagKey, ExemptionTagKey ?? ""));
        if (MaxExemptionDays is { } days) result.Add(new(ParameterNames.MaxExemptionDays, days.ToString(CultureInfo.InvariantCulture)));
        if (ScopeTagKey is not null) result.Add(new(ParameterNames.ScopeTagKey, ScopeTagKey));
        if (ScopeTagValue is not null) result.Add(new(ParameterNames.ScopeTagValue, ScopeTagValue));
        if (ExecutionRoleName is not null) result.Add(new(ParameterNames.ExecutionRoleName, ExecutionRoleName));
        if (FullRepostDays is { } repost) result.Add(new(ParameterNames.FullRepostDays, repost.ToString(CultureInfo.InvariantCulture)));
        return result;
    }
}

/// <summary>The parameter keys, spelled exactly as the Config rule takes them.</summary>
public static class ParameterNames
{
    public const string BlockedPorts = "blockedPorts";
    public const string AuthorizedTcpPorts = "authorizedTcpPorts";
    public const string AuthorizedUdpPorts = "authorizedUdpPorts";
    public const string SourceScope = "sourceScope";
    public const string TrustedSources = "trustedSources";
    public const string ExemptionTagKey = "exemptionTagKey";
    public const string MaxExemptionDays = "maxExemptionDays";
    public const string ScopeTagKey = "scopeTagKey";
    public const string ScopeTagValue = "scopeTagValue";
    public const string ExecutionRoleName = "executionRoleName";
    public const string FullRepostDays = "fullRepostDays";

    public static IReadOnlyList<string> All { get; } =
    [
        BlockedPorts, AuthorizedTcpPorts, AuthorizedUdpPorts, SourceScope, TrustedSources, ExemptionTagKey,
        MaxExemptionDays, ScopeTagKey, ScopeTagValue, ExecutionRoleName, FullRepostDays,
    ];
}
