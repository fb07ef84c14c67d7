namespace SgConfigRule.Policy.Model;

/// <summary>Where an ingress rule admits traffic from: exactly one CIDR, prefix list or security group.</summary>
public abstract record IngressSource
{
    private protected IngressSource() { }

    /// <summary>The machine-readable kind: <c>ipv4</c>, <c>ipv6</c>, <c>prefixList</c> or <c>securityGroup</c>.</summary>
    public abstract string SourceType { get; }

    /// <summary>How reports name the source: the canonical CIDR, the <c>pl-</c> id or the <c>sg-</c> id.</summary>
    public abstract string Display { get; }

    public sealed override string ToString() => Display;
}

/// <summary>An IPv4 or IPv6 CIDR source (canonical).</summary>
public sealed record CidrSource(Cidr Cidr) : IngressSource
{
    // Made once per source: readers share one source per CIDR, and every finding and report line shows it.
    private string? display;

    public override string SourceType => Cidr.IsIPv6 ? "ipv6" : "ipv4";
    public override string Display => display ??= Cidr.ToString();

    // Equal by the CIDR alone: the text made for display is not part of the value.
    public bool Equals(CidrSource? other) => other is not null && Cidr == other.Cidr;
    public override int GetHashCode() => Cidr.GetHashCode();
}

/// <summary>A managed prefix list source; its entries are resolved separately when the source scope needs them.</summary>
public sealed record PrefixListSource(string PrefixListId) : IngressSource
{
    public override string SourceType => "prefixList";
    public override string Display => PrefixListId;
}

/// <summary>
/// A referenced security group (a user/group pair). <see cref="GroupId"/> is absent only for EC2-Classic style
/// references by name; then <see cref="GroupName"/> identifies the group.
/// </summary>
public sealed record SecurityGroupSource(
    string? GroupId,
    string? GroupName,
    string? UserId,
    string? VpcId,
    string? VpcPeeringConnectionId,
    string? PeeringStatus) : IngressSource
{
    public override string SourceType => "securityGroup";
    public override string Display => GroupId ?? GroupName ?? "(unnamed group)";
}

/// <summary>
/// A CIDR source whose value could not be known before deployment (an infrastructure template's import, attribute or
/// condition). It stands for any address: every source scope counts it and no trusted source covers it (fail closed).
/// <see cref="Unknown"/> names the value, for the note on the finding.
/// </summary>
public sealed record UnresolvedSource(string Unknown) : IngressSource
{
    public override string SourceType => "unresolved";
    public override string Display => "(unknown address)";
}
