using System.Runtime.CompilerServices;
using SgConfigRule.Aws.ConfigService.Model;

namespace SgConfigRule.Aws.ConfigService;

/// <summary>Follows <c>nextToken</c> until the service stops returning one (the SDK's paginators, as extension methods).</summary>
public static class ConfigServicePaginators
{
    public static async IAsyncEnumerable<ListDiscoveredResourcesResponse> ListDiscoveredResourcesPages(
        this IAmazonConfigService config, ListDiscoveredResourcesRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = request;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await config.ListDiscoveredResourcesAsync(next, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (string.IsNullOrEmpty(page.NextToken)) yield break;
            // A token seen before would loop forever; the service never does this, a broken endpoint might.
            if (!seen.Add(page.NextToken)) throw new InvalidOperationException($"ListDiscoveredResources returned nextToken '{page.NextToken}' twice");
            next = next with { NextToken = page.NextToken };
        }
    }

    public static async IAsyncEnumerable<DescribeConfigRulesResponse> DescribeConfigRulesPages(
        this IAmazonConfigService config, DescribeConfigRulesRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = request;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await config.DescribeConfigRulesAsync(next, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (string.IsNullOrEmpty(page.NextToken)) yield break;
            if (!seen.Add(page.NextToken)) throw new InvalidOperationException($"DescribeConfigRules returned NextToken '{page.NextToken}' twice");
            next = next with { NextToken = page.NextToken };
        }
    }
}
