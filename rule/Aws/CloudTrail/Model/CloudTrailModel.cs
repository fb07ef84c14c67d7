using System.Text.Json.Serialization;
using SgConfigRule.Aws.Protocol;

// CloudTrail LookupEvents, named as in the AWS SDK for .NET (Amazon.CloudTrail.Model). PascalCase on the wire.
namespace SgConfigRule.Aws.CloudTrail.Model;

public sealed record LookupEventsRequest
{
    /// <summary>At most one attribute (the service's limit).</summary>
    public IReadOnlyList<LookupAttribute> LookupAttributes { get; init; } = [];

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? StartTime { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? EndTime { get; init; }

    /// <summary>1–50 (default 50).</summary>
    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
    public string? EventCategory { get; init; }
}

public sealed record LookupAttribute
{
    /// <summary>A <see cref="CloudTrail.LookupAttributeKey"/> value.</summary>
    public required string AttributeKey { get; init; }
    public required string AttributeValue { get; init; }
}

public sealed record LookupEventsResponse
{
    public IReadOnlyList<Event> Events { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record Event
{
    public string? EventId { get; init; }
    public string? EventName { get; init; }
    public string? ReadOnly { get; init; }
    public string? AccessKeyId { get; init; }

    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTime? EventTime { get; init; }

    public string? EventSource { get; init; }
    public string? Username { get; init; }
    public IReadOnlyList<Resource> Resources { get; init; } = [];

    /// <summary>The full CloudTrail record as a JSON string (<c>userIdentity</c>, <c>requestParameters</c>, <c>responseElements</c>…).</summary>
    public string? CloudTrailEvent { get; init; }
}

public sealed record Resource
{
    public string? ResourceType { get; init; }
    public string? ResourceName { get; init; }
}
