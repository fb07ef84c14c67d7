using System.Collections.Immutable;

namespace SgConfigRule.Policy.Model;

/// <summary>A managed prefix list and its entries, as <c>ec2:GetManagedPrefixListEntries</c> returns them.</summary>
public sealed record PrefixList(string PrefixListId, string? PrefixListName, ImmutableArray<Cidr> Entries)
{
    /// <summary>AWS-managed lists (<c>com.amazonaws.*</c>) hold AWS service ranges, never a customer's exposure.</summary>
    public bool IsAwsManaged => PrefixListName?.StartsWith("com.amazonaws.", StringComparison.Ordinal) == true;
}

/// <summary>
/// The prefix lists known to an evaluation. The policy core does no I/O: callers that can read EC2 resolve the lists
/// a group uses and pass them here; a list that is not here is unresolved, and the policy fails closed on it.
/// </summary>
public sealed class PrefixListCatalog
{
    private readonly ImmutableDictionary<string, PrefixList> lists;

    private PrefixListCatalog(ImmutableDictionary<string, PrefixList> lists) => this.lists = lists;

    public static PrefixListCatalog Empty { get; } = new(ImmutableDictionary<string, PrefixList>.Empty);

    public static PrefixListCatalog Of(IEnumerable<PrefixList> lists) =>
        new(lists.ToImmutableDictionary(l => l.PrefixListId, StringComparer.Ordinal));

    public PrefixList? Find(string prefixListId) => lists.GetValueOrDefault(prefixListId);

    public int Count => lists.Count;
}
