namespace SgConfigRule.Tests.Properties;

/// <summary>
/// A generated security group as plain data, independent of the product's model: the renderers turn it into each
/// input shape, and the oracle judges it directly from these strings and numbers.
/// </summary>
public sealed record GroupSpec(string GroupId, IReadOnlyList<RuleSpec> Rules)
{
    public override string ToString() => $"{GroupId}: " + string.Join("; ", Rules);
}

/// <summary>
/// One ingress rule: IP protocol number (-1 all, 6 tcp, 17 udp, 1 icmp, 58 icmpv6, other), the two port fields as
/// EC2 reports them (ports for tcp/udp, type/code for ICMP, -1 for "all"), and exactly one source.
/// </summary>
public sealed record RuleSpec(int Protocol, int FromPort, int ToPort, SourceKind Kind, string Source, string? Description)
{
    public override string ToString() => $"{Protocol} {FromPort}..{ToPort} from {Source}";
}

public enum SourceKind
{
    Ipv4,
    Ipv6,
    PrefixList,
    SecurityGroup,
}

/// <summary>Generated parameters, as the strings a user would write, plus the prefix lists an account would resolve.</summary>
public sealed record PolicySpec(
    string BlockedPorts,
    string? AuthorizedTcp,
    string? AuthorizedUdp,
    string Scope,
    IReadOnlyList<string> Trusted,
    IReadOnlyList<PrefixListSpec> PrefixLists)
{
    public string ParametersJson()
    {
        var parts = new List<string> { $"\"blockedPorts\":\"{BlockedPorts}\"", $"\"sourceScope\":\"{Scope}\"" };
        if (AuthorizedTcp is not null) parts.Add($"\"authorizedTcpPorts\":\"{AuthorizedTcp}\"");
        if (AuthorizedUdp is not null) parts.Add($"\"authorizedUdpPorts\":\"{AuthorizedUdp}\"");
        if (Trusted.Count > 0) parts.Add($"\"trustedSources\":\"{string.Join(",", Trusted)}\"");
        return "{" + string.Join(",", parts) + "}";
    }

    public override string ToString() => ParametersJson() + " lists: " + string.Join(" | ", PrefixLists);
}

public sealed record PrefixListSpec(string Id, string Name, IReadOnlyList<string> Entries)
{
    public override string ToString() => $"{Id} {Name} [{string.Join(",", Entries)}]";
}
