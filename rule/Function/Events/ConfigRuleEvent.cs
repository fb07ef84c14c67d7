using System.Text.Json;
using System.Text.Json.Serialization;

namespace SgConfigRule.Rule.Events;

/// <summary>
/// The event AWS Config sends a custom rule's function, field for field as on the wire (camelCase) and as
/// Amazon.Lambda.ConfigEvents.ConfigEvent names them. <see cref="InvokingEvent"/> and <see cref="RuleParameters"/>
/// are JSON documents inside strings; <see cref="RuleParameters"/> may be absent (then <c>{}</c>).
/// </summary>
public sealed record ConfigRuleEvent
{
    public string? Version { get; init; }
    public string? InvokingEvent { get; init; }
    public string? RuleParameters { get; init; }
    public string? ResultToken { get; init; }
    public bool EventLeftScope { get; init; }
    public string? ExecutionRoleArn { get; init; }
    public string? ConfigRuleArn { get; init; }
    public string? ConfigRuleName { get; init; }
    public string? ConfigRuleId { get; init; }
    public string? AccountId { get; init; }
}

/// <summary>The parsed <c>invokingEvent</c>; which fields are present depends on <see cref="MessageType"/>.</summary>
public sealed record InvokingEvent
{
    public string? MessageType { get; init; }
    public string? NotificationCreationTime { get; init; }
    public string? RecordVersion { get; init; }
    public string? AwsAccountId { get; init; }

    /// <summary>The full item, for ConfigurationItemChangeNotification (read by the policy core's reader).</summary>
    public JsonElement? ConfigurationItem { get; init; }

    /// <summary>For OversizedConfigurationItemChangeNotification: the item without configuration.</summary>
    public ConfigurationItemSummary? ConfigurationItemSummary { get; init; }
}

public sealed record ConfigurationItemSummary
{
    public string? ChangeType { get; init; }
    public string? ConfigurationItemVersion { get; init; }
    public string? ConfigurationItemCaptureTime { get; init; }
    public string? AwsAccountId { get; init; }
    public string? ConfigurationItemStatus { get; init; }
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? ResourceName { get; init; }
    public string? AwsRegion { get; init; }

    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }
}

/// <summary>The message types AWS Config sends a rule function.</summary>
public static class MessageTypes
{
    public const string Change = "ConfigurationItemChangeNotification";
    public const string OversizedChange = "OversizedConfigurationItemChangeNotification";
    public const string Scheduled = "ScheduledNotification";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ConfigRuleEvent))]
[JsonSerializable(typeof(InvokingEvent))]
internal sealed partial class ConfigEventJsonContext : JsonSerializerContext;
