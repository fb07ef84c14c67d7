using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws.ConfigService;

/// <summary>Follows <c>nextToken</c> until the service stops returning one (the SDK's paginators, as extension methods).</summary>
public static class ConfigServicePaginators
{
    public static IAsyncEnumerable<ListDiscoveredResourcesResponse> ListDiscoveredResourcesPages(
        this IAmazonConfigService config, ListDiscoveredResourcesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TokenPaginator.Pages("ListDiscoveredResources", request, config.ListDiscoveredResourcesAsync, r => r.NextToken,
            (r, token) => r with { NextToken = token }, int.MaxValue, cancellationToken);
    }

    public static IAsyncEnumerable<DescribeConfigRulesResponse> DescribeConfigRulesPages(
        this IAmazonConfigService config, DescribeConfigRulesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TokenPaginator.Pages("DescribeConfigRules", request, config.DescribeConfigRulesAsync, r => r.NextToken,
            (r, token) => r with { NextToken = token }, int.MaxValue, cancellationToken);
    }

    public static IAsyncEnumerable<GetComplianceDetailsByConfigRuleResponse> GetComplianceDetailsByConfigRulePages(
        this IAmazonConfigService config, GetComplianceDetailsByConfigRuleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TokenPaginator.Pages("GetComplianceDetailsByConfigRule", request, config.GetComplianceDetailsByConfigRuleAsync, r => r.NextToken,
            (r, token) => r with { NextToken = token }, int.MaxValue, cancellationToken);
    }

    public static IAsyncEnumerable<SelectAggregateResourceConfigResponse> SelectAggregateResourceConfigPages(
        this IAmazonConfigService config, SelectAggregateResourceConfigRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TokenPaginator.Pages("SelectAggregateResourceConfig", request, config.SelectAggregateResourceConfigAsync, r => r.NextToken,
            (r, token) => r with { NextToken = token }, int.MaxValue, cancellationToken);
    }
}
