using Amazon.EC2;
using Amazon.EC2.Model;
using SgConfigRule.Aws;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using PrefixList = SgConfigRule.Policy.Model.PrefixList;
using SecurityGroup = SgConfigRule.Policy.Model.SecurityGroup;

namespace SgConfigRule.Live;

/// <summary>
/// Resolves the managed prefix lists that the policy needs to see inside: only under <c>sourceScope</c> world or public,
/// and only lists that are not trusted by id. A list EC2 does not know (deleted, or owned by another account and not
/// shared) stays unresolved and the policy fails closed on it; an EC2 call that fails throws, so the caller can retry.
/// </summary>
public static class PrefixLists
{
    public static IReadOnlyCollection<string> NeededBy(IEnumerable<SecurityGroup> groups, PolicyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.SourceScope is not (SourceScope.World or SourceScope.Public)) return [];
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var rule in group.Ingress)
            {
                if (rule.Source is PrefixListSource p && !parameters.TrustedSources.Trusts(p)) ids.Add(p.PrefixListId);
            }
        }
        return ids;
    }

    public static async Task<PrefixListCatalog> ResolveAsync(IAmazonEC2 ec2, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        if (ids.Count == 0) return PrefixListCatalog.Empty;
        var described = await DescribeAsync(ec2, ids, cancellationToken).ConfigureAwait(false);
        var resolved = new List<PrefixList>();
        foreach (var list in described)
        {
            var candidate = new PrefixList(list.PrefixListId, list.PrefixListName, [], list.OwnerId ?? "");
            if (candidate.IsAwsManaged)
            {
                resolved.Add(candidate);
                continue;
            }
            if (await ReadEntriesAsync(ec2, list.PrefixListId, cancellationToken).ConfigureAwait(false) is { } entries)
            {
                resolved.Add(candidate with { Entries = [.. entries] });
            }
        }
        return PrefixListCatalog.Of(resolved);
    }

    /// <summary>The list's entries; null when one cannot be read, so the list stays unresolved rather than resolved without it.</summary>
    private static async Task<List<Cidr>?> ReadEntriesAsync(IAmazonEC2 ec2, string prefixListId, CancellationToken cancellationToken)
    {
        var entries = new List<Cidr>();
        var request = new GetManagedPrefixListEntriesRequest { PrefixListId = prefixListId };
        await foreach (var page in ec2.GetManagedPrefixListEntriesPages(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in page.Entries ?? [])
            {
                if (!Cidr.TryParse(entry.Cidr, out var cidr, out _)) return null;
                entries.Add(cidr);
            }
        }
        return entries;
    }

    private static async Task<List<ManagedPrefixList>> DescribeAsync(IAmazonEC2 ec2, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ec2.DescribeManagedPrefixListsAsync(new DescribeManagedPrefixListsRequest { PrefixListIds = [.. ids] }, cancellationToken).ConfigureAwait(false);
            return response.PrefixLists ?? [];
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPrefixListID.NotFound" && ids.Count > 1)
        {
            // One unknown id fails the whole call: ask one by one so the known lists still resolve.
            var lists = new List<ManagedPrefixList>();
            foreach (var id in ids)
            {
                lists.AddRange(await DescribeAsync(ec2, [id], cancellationToken).ConfigureAwait(false));
            }
            return lists;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPrefixListID.NotFound")
        {
            return [];
        }
    }
}
