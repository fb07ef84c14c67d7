using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws.ConfigService;

/// <summary>AWS Config over the JSON 1.1 protocol (target prefix <c>StarlingDoveService</c>, signing name <c>config</c>).</summary>
public sealed class AmazonConfigServiceClient(AwsClientOptions options) : IAmazonConfigService
{
    public const int MaxEvaluationsPerRequest = 100;
    public const int MaxResourceKeysPerRequest = 100;

    private readonly AwsJsonProtocolClient protocol = new(ServiceDescription.ConfigService, options);

    public AmazonConfigServiceClient() : this(new AwsClientOptions()) { }

    public ServiceEndpoint Endpoint => protocol.Endpoint;

    public Task<PutEvaluationsResponse> PutEvaluationsAsync(PutEvaluationsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Evaluations.Count > MaxEvaluationsPerRequest)
        {
            throw new ArgumentException($"PutEvaluations takes at most {MaxEvaluationsPerRequest} evaluations, not {request.Evaluations.Count}", nameof(request));
        }
        return protocol.InvokeAsync("PutEvaluations", request, ConfigPascalJsonContext.Default.PutEvaluationsRequest,
            ConfigPascalJsonContext.Default.PutEvaluationsResponse, cancellationToken);
    }

    public Task<GetResourceConfigHistoryResponse> GetResourceConfigHistoryAsync(GetResourceConfigHistoryRequest request, CancellationToken cancellationToken = default) =>
        protocol.InvokeAsync("GetResourceConfigHistory", request, ConfigCamelJsonContext.Default.GetResourceConfigHistoryRequest,
            ConfigCamelJsonContext.Default.GetResourceConfigHistoryResponse, cancellationToken);

    public Task<BatchGetResourceConfigResponse> BatchGetResourceConfigAsync(BatchGetResourceConfigRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ResourceKeys.Count is 0 or > MaxResourceKeysPerRequest)
        {
            throw new ArgumentException($"BatchGetResourceConfig takes 1-{MaxResourceKeysPerRequest} keys, not {request.ResourceKeys.Count}", nameof(request));
        }
        return protocol.InvokeAsync("BatchGetResourceConfig", request, ConfigCamelJsonContext.Default.BatchGetResourceConfigRequest,
            ConfigCamelJsonContext.Default.BatchGetResourceConfigResponse, cancellationToken);
    }

    public Task<GetComplianceDetailsByConfigRuleResponse> GetComplianceDetailsByConfigRuleAsync(GetComplianceDetailsByConfigRuleRequest request, CancellationToken cancellationToken = default) =>
        protocol.InvokeAsync("GetComplianceDetailsByConfigRule", request, ConfigPascalJsonContext.Default.GetComplianceDetailsByConfigRuleRequest,
            ConfigPascalJsonContext.Default.GetComplianceDetailsByConfigRuleResponse, cancellationToken);

    public Task<DescribeConfigRulesResponse> DescribeConfigRulesAsync(DescribeConfigRulesRequest request, CancellationToken cancellationToken = default) =>
        protocol.InvokeAsync("DescribeConfigRules", request, ConfigPascalJsonContext.Default.DescribeConfigRulesRequest,
            ConfigPascalJsonContext.Default.DescribeConfigRulesResponse, cancellationToken);

    public Task<ListDiscoveredResourcesResponse> ListDiscoveredResourcesAsync(ListDiscoveredResourcesRequest request, CancellationToken cancellationToken = default) =>
        protocol.InvokeAsync("ListDiscoveredResources", request, ConfigCamelJsonContext.Default.ListDiscoveredResourcesRequest,
            ConfigCamelJsonContext.Default.ListDiscoveredResourcesResponse, cancellationToken);

    public const int MaxSelectResultsPerPage = 100;

    public Task<SelectAggregateResourceConfigResponse> SelectAggregateResourceConfigAsync(SelectAggregateResourceConfigRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 0 or > MaxSelectResultsPerPage || request.MaxResults is < 0 or > MaxSelectResultsPerPage)
        {
            throw new ArgumentException($"SelectAggregateResourceConfig returns 0-{MaxSelectResultsPerPage} results a page", nameof(request));
        }
        return protocol.InvokeAsync("SelectAggregateResourceConfig", request, ConfigPascalJsonContext.Default.SelectAggregateResourceConfigRequest,
            ConfigPascalJsonContext.Default.SelectAggregateResourceConfigResponse, cancellationToken);
    }
}
