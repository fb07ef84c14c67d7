using System.Collections.Immutable;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// A managed prefix list and its entries, as <c>ec2:GetManagedPrefixListEntries</c> returns them. <see cref="OwnerId"/>
/// is <c>AWS</c> for AWS-managed lists; null when the source did not say.
/// </summary>
public sealed record PrefixList(string PrefixListId, string? PrefixListName, ImmutableArray<Cidr> Entries, string? OwnerId = null)
{
    /// <summary>
    /// AWS-managed lists (<c>com.amazonaws.*</c>, owner <c>AWS</c>) hold AWS service ranges, never a customer's
    /// exposure. A list named so but owned by an account is not trusted to be one.
    /// </summary>
    public bool IsAwsManaged =>
        PrefixListName?.StartsWith("com.amazonaws.", StringComparison.Ordinal) == true && OwnerId is null or "AWS";
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
}
