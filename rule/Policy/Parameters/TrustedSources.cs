using System.Collections.Immutable;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Policy.Parameters;

/// <summary>
/// Sources that never count (parameter <c>trustedSources</c>): a CIDR source is trusted when it lies entirely inside
/// a trusted CIDR of its family; prefix lists and referenced groups are trusted by id.
/// </summary>
public sealed record TrustedSources(
    ImmutableArray<Cidr> Cidrs,
    ImmutableArray<string> PrefixListIds,
    ImmutableArray<string> SecurityGroupIds)
{
    public static TrustedSources None { get; } = new([], [], []);

    public bool IsEmpty => Cidrs.IsEmpty && PrefixListIds.IsEmpty && SecurityGroupIds.IsEmpty;

    public bool Trusts(Cidr cidr)
    {
        foreach (var trusted in Cidrs)
        {
            if (trusted.Contains(cidr)) return true;
        }
        return false;
    }

    public bool Trusts(IngressSource source) => source switch
    {
        CidrSource c => Trusts(c.Cidr),
        PrefixListSource p => PrefixListIds.Contains(p.PrefixListId, StringComparer.Ordinal),
        SecurityGroupSource g => g.GroupId is not null && SecurityGroupIds.Contains(g.GroupId, StringComparer.Ordinal),
        _ => false,
    };

    /// <summary>The parameter syntax: comma-separated CIDRs, then prefix list ids, then group ids.</summary>
    public override string ToString() =>
        string.Join(",", Cidrs.Select(c => c.ToString()).Concat(PrefixListIds).Concat(SecurityGroupIds));
}
