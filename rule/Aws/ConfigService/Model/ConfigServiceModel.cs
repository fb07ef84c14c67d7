using System.Text.Json.Serialization;
using SgConfigRule.Aws.Protocol;

// The request and response types of the Config operations this product uses. Names mirror the AWS SDK for .NET
// (Amazon.ConfigService.Model) member for member, so code written against them moves to the official package by
// changing namespaces. Wire casing is set by the JSON contexts: PascalCase for PutEvaluations, camelCase for the rest.
namespace SgConfigRule.Aws.ConfigService.Model;

public sealed record Evaluation
{
    /// <summary>1–256 characters, or null (an empty string is refused by the service).</summary>
    public string? Annotation { get; init; }
    public required string ComplianceResourceId { get; init; }
    public required string ComplianceResourceType { get; init; }

    /// <summary>A <see cref="ConfigService.ComplianceType"/> value.</summary>
    public required string ComplianceType { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTime OrderingTimestamp { get; init; }
}

public sealed record PutEvaluationsRequest
{
    /// <summary>At most 100 per request.</summary>
    public IReadOnlyList<Evaluation> Evaluations { get; init; } = [];
    public required string ResultToken { get; init; }
    public bool? TestMode { get; init; }
}

public sealed record PutEvaluationsResponse
{
    public IReadOnlyList<Evaluation> FailedEvaluations { get; init; } = [];
}

public sealed record GetResourceConfigHistoryRequest
{
    public required string ResourceType { get; init; }
    public required string ResourceId { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? LaterTime { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? EarlierTime { get; init; }

    /// <summary><c>Reverse</c> (default, newest first) or <c>Forward</c>.</summary>
    public string? ChronologicalOrder { get; init; }

    public int? Limit { get; init; }
    public string? NextToken { get; init; }
}

public sealed record GetResourceConfigHistoryResponse
{
    public IReadOnlyList<ConfigurationItem> ConfigurationItems { get; init; } = [];
    public string? NextToken { get; init; }
}

/// <summary>A configuration item in the API shape: <see cref="Configuration"/> is a JSON string.</summary>
public sealed record ConfigurationItem
{
    public string? AccountId { get; init; }
    public string? Arn { get; init; }
    public string? AvailabilityZone { get; init; }
    public string? AwsRegion { get; init; }
    public string? Configuration { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ConfigurationItemCaptureTime { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ConfigurationItemDeliveryTime { get; init; }

    public string? ConfigurationItemMD5Hash { get; init; }
    public string? ConfigurationItemStatus { get; init; }
    public string? ConfigurationStateId { get; init; }
    public IReadOnlyList<string> RelatedEvents { get; init; } = [];
    public IReadOnlyList<Relationship> Relationships { get; init; } = [];

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ResourceCreationTime { get; init; }

    public string? ResourceId { get; init; }
    public string? ResourceName { get; init; }
    public string? ResourceType { get; init; }
    public IReadOnlyDictionary<string, string> SupplementaryConfiguration { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public string? Version { get; init; }
}

public sealed record Relationship
{
    public string? RelationshipName { get; init; }
    public string? ResourceId { get; init; }
    public string? ResourceName { get; init; }
    public string? ResourceType { get; init; }
}

public sealed record ResourceKey
{
    public required string ResourceType { get; init; }
    public required string ResourceId { get; init; }
}

public sealed record BatchGetResourceConfigRequest
{
    /// <summary>1–100 keys.</summary>
    public IReadOnlyList<ResourceKey> ResourceKeys { get; init; } = [];
}

public sealed record BatchGetResourceConfigResponse
{
    /// <summary>Deleted resources are not returned; tags are not included.</summary>
    public IReadOnlyList<BaseConfigurationItem> BaseConfigurationItems { get; init; } = [];

    /// <summary>Keys the service did not process: request them again.</summary>
    public IReadOnlyList<ResourceKey> UnprocessedResourceKeys { get; init; } = [];
}

/// <summary>A configuration item without relationships, tags or related events; <see cref="Configuration"/> is a JSON string.</summary>
public sealed record BaseConfigurationItem
{
    public string? AccountId { get; init; }
    public string? Arn { get; init; }
    public string? AvailabilityZone { get; init; }
    public string? AwsRegion { get; init; }
    public string? Configuration { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ConfigurationItemCaptureTime { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ConfigurationItemDeliveryTime { get; init; }

    public string? ConfigurationItemStatus { get; init; }
    public string? ConfigurationStateId { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ResourceCreationTime { get; init; }

    public string? ResourceId { get; init; }
    public string? ResourceName { get; init; }
    public string? ResourceType { get; init; }
    public IReadOnlyDictionary<string, string> SupplementaryConfiguration { get; init; } = new Dictionary<string, string>();
    public string? Version { get; init; }
}

public sealed record ListDiscoveredResourcesRequest
{
    public required string ResourceType { get; init; }
    public IReadOnlyList<string>? ResourceIds { get; init; }
    public string? ResourceName { get; init; }
    public int? Limit { get; init; }
    public bool? IncludeDeletedResources { get; init; }
    public string? NextToken { get; init; }
}

public sealed record ListDiscoveredResourcesResponse
{
    public IReadOnlyList<ResourceIdentifier> ResourceIdentifiers { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record ResourceIdentifier
{
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? ResourceName { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ResourceDeletionTime { get; init; }
}

public sealed record GetComplianceDetailsByConfigRuleRequest
{
    public required string ConfigRuleName { get; init; }

    /// <summary>COMPLIANT, NON_COMPLIANT and/or NOT_APPLICABLE.</summary>
    public IReadOnlyList<string>? ComplianceTypes { get; init; }

    public int? Limit { get; init; }
    public string? NextToken { get; init; }
}

public sealed record GetComplianceDetailsByConfigRuleResponse
{
    public IReadOnlyList<EvaluationResult> EvaluationResults { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record EvaluationResult
{
    public EvaluationResultIdentifier? EvaluationResultIdentifier { get; init; }
    public string? ComplianceType { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ResultRecordedTime { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? ConfigRuleInvokedTime { get; init; }

    public string? Annotation { get; init; }
    public string? ResultToken { get; init; }
}

public sealed record EvaluationResultIdentifier
{
    public EvaluationResultQualifier? EvaluationResultQualifier { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? OrderingTimestamp { get; init; }

    public string? ResourceEvaluationId { get; init; }
}

public sealed record EvaluationResultQualifier
{
    public string? ConfigRuleName { get; init; }
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? EvaluationMode { get; init; }
}

public sealed record DescribeConfigRulesRequest
{
    /// <summary>The rules to describe; none means every rule of the account and Region (paged).</summary>
    public IReadOnlyList<string>? ConfigRuleNames { get; init; }

    public string? NextToken { get; init; }
}

public sealed record DescribeConfigRulesResponse
{
    public IReadOnlyList<ConfigRule> ConfigRules { get; init; } = [];
    public string? NextToken { get; init; }
}

/// <summary>The parts of a Config rule SgConfigRule reads.</summary>
public sealed record ConfigRule
{
    public string? ConfigRuleName { get; init; }
    public string? ConfigRuleArn { get; init; }
    public string? ConfigRuleId { get; init; }

    /// <summary>The rule parameters as a JSON text (a string on the wire, not an object).</summary>
    public string? InputParameters { get; init; }

    public ConfigRuleSource? Source { get; init; }
    public string? ConfigRuleState { get; init; }

    /// <summary>The service that created the rule, e.g. <c>config-conforms.amazonaws.com</c> for conformance-pack rules.</summary>
    public string? CreatedBy { get; init; }
}

public sealed record ConfigRuleSource
{
    public string? Owner { get; init; }
    public string? SourceIdentifier { get; init; }
}

/// <summary>
/// An advanced query over an aggregator's accounts and Regions. <see cref="Limit"/> (or <see cref="MaxResults"/>, its
/// alias) is 0–100 rows a page; without either, a non-aggregating query gets 25.
/// </summary>
public sealed record SelectAggregateResourceConfigRequest
{
    public required string Expression { get; init; }
    public required string ConfigurationAggregatorName { get; init; }
    public int? Limit { get; init; }
    public int? MaxResults { get; init; }
    public string? NextToken { get; init; }
}

public sealed record SelectAggregateResourceConfigResponse
{
    /// <summary>One JSON text per row, holding the fields selected (<c>configuration</c> as an object, not a string).</summary>
    public IReadOnlyList<string> Results { get; init; } = [];

    public QueryInfo? QueryInfo { get; init; }
    public string? NextToken { get; init; }
}

/// <summary>The fields a query selected, in order.</summary>
public sealed record QueryInfo
{
    public IReadOnlyList<FieldInfo> SelectFields { get; init; } = [];
}

public sealed record FieldInfo
{
    public string? Name { get; init; }
}
