using SgConfigRule.Aws.ConfigService.Model;

namespace SgConfigRule.Aws.ConfigService;

/// <summary>
/// The AWS Config operations SgConfigRule uses, with the names and shapes of <c>Amazon.ConfigService.IAmazonConfigService</c>.
/// Implemented here by <see cref="AmazonConfigServiceClient"/> on AWSSDK.Core; an adapter over the official client
/// can replace it in <see cref="AwsClients"/> when that package is available.
/// </summary>
public interface IAmazonConfigService
{
    Task<PutEvaluationsResponse> PutEvaluationsAsync(PutEvaluationsRequest request, CancellationToken cancellationToken = default);

    Task<GetResourceConfigHistoryResponse> GetResourceConfigHistoryAsync(GetResourceConfigHistoryRequest request, CancellationToken cancellationToken = default);

    Task<BatchGetResourceConfigResponse> BatchGetResourceConfigAsync(BatchGetResourceConfigRequest request, CancellationToken cancellationToken = default);

    Task<GetComplianceDetailsByConfigRuleResponse> GetComplianceDetailsByConfigRuleAsync(GetComplianceDetailsByConfigRuleRequest request, CancellationToken cancellationToken = default);

    Task<DescribeConfigRulesResponse> DescribeConfigRulesAsync(DescribeConfigRulesRequest request, CancellationToken cancellationToken = default);

    Task<ListDiscoveredResourcesResponse> ListDiscoveredResourcesAsync(ListDiscoveredResourcesRequest request, CancellationToken cancellationToken = default);

    Task<SelectAggregateResourceConfigResponse> SelectAggregateResourceConfigAsync(SelectAggregateResourceConfigRequest request, CancellationToken cancellationToken = default);
}
