using Amazon.EC2;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using PrefixList = SgConfigRule.Policy.Model.PrefixList;
using SecurityGroup = SgConfigRule.Policy.Model.SecurityGroup;

namespace SgConfigRule.Live;

/// <summary>
/// Prefix lists resolved once per run: each list the policy needs is read from EC2 the first time a group uses it.
/// A list EC2 cannot resolve is remembered as unresolved (reported through <paramref name="onUnresolved"/>) and the
/// policy fails closed on it.
/// </summary>
public sealed class PrefixListCache(Func<IAmazonEC2> ec2, Action<string>? onUnresolved = null) : IDisposable
{
    private readonly Dictionary<string, PrefixList> resolved = new(StringComparer.Ordinal);
    private readonly HashSet<string> unresolved = new(StringComparer.Ordinal);
    private IAmazonEC2? client;

    public async Task<PrefixListCatalog> CatalogForAsync(IEnumerable<SecurityGroup> groups, PolicyParameters parameters, CancellationToken cancellationToken)
    {
        var needed = PrefixLists.NeededBy(groups, parameters);
        if (needed.Count == 0) return PrefixListCatalog.Empty;
        var missing = needed.Where(id => !resolved.ContainsKey(id) && !unresolved.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            client ??= ec2();
            var catalog = await PrefixLists.ResolveAsync(client, missing, cancellationToken).ConfigureAwait(false);
            foreach (var id in missing)
            {
                if (catalog.Find(id) is { } list)
                {
                    resolved[id] = list;
                }
                else
                {
                    unresolved.Add(id);
                    onUnresolved?.Invoke(id);
                }
            }
        }
        return PrefixListCatalog.Of(needed.Where(resolved.ContainsKey).Select(id => resolved[id]));
    }

    public void Dispose() => client?.Dispose();
}
