using System.Text.Json.Serialization;
using SgConfigRule.Aws.ConfigService.Model;

namespace SgConfigRule.Aws.ConfigService;

/// <summary>PutEvaluations, GetComplianceDetailsByConfigRule, DescribeConfigRules and SelectAggregateResourceConfig use PascalCase member names on the wire.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutEvaluationsRequest))]
[JsonSerializable(typeof(PutEvaluationsResponse))]
[JsonSerializable(typeof(GetComplianceDetailsByConfigRuleRequest))]
[JsonSerializable(typeof(GetComplianceDetailsByConfigRuleResponse))]
[JsonSerializable(typeof(DescribeConfigRulesRequest))]
[JsonSerializable(typeof(DescribeConfigRulesResponse))]
[JsonSerializable(typeof(SelectAggregateResourceConfigRequest))]
[JsonSerializable(typeof(SelectAggregateResourceConfigResponse))]
internal sealed partial class ConfigPascalJsonContext : JsonSerializerContext;

/// <summary>GetResourceConfigHistory, BatchGetResourceConfig and ListDiscoveredResources use camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetResourceConfigHistoryRequest))]
[JsonSerializable(typeof(GetResourceConfigHistoryResponse))]
[JsonSerializable(typeof(BatchGetResourceConfigRequest))]
[JsonSerializable(typeof(BatchGetResourceConfigResponse))]
[JsonSerializable(typeof(ListDiscoveredResourcesRequest))]
[JsonSerializable(typeof(ListDiscoveredResourcesResponse))]
internal sealed partial class ConfigCamelJsonContext : JsonSerializerContext;
