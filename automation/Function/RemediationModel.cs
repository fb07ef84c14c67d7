using System.Text.Json.Serialization;

namespace SgConfigRule.Remediation;

/// <summary>
/// A rule the remediation revoked (or would revoke), with everything needed to put it back exactly: protocol and
/// ports as EC2 reports them, the one source, the description — and, when CloudTrail knows, who added it.
/// </summary>
public sealed record RevokedRule
{
    public required string RuleId { get; init; }

    /// <summary>The EC2 wire value: <c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>icmpv6</c>, <c>-1</c> or a number.</summary>
    public required string Protocol { get; init; }

    public required int FromPort { get; init; }
    public required int ToPort { get; init; }

    /// <summary>The CIDR, <c>pl-</c> id or <c>sg-</c> id.</summary>
    public required string Source { get; init; }

    /// <summary><c>ipv4</c>, <c>ipv6</c>, <c>prefixList</c> or <c>securityGroup</c>.</summary>
    public required string SourceType { get; init; }

    /// <summary>For a referenced group: its owner, VPC and peering connection, as EC2 needs them to restore it.</summary>
    public string? SourceUserId { get; init; }
    public string? SourceVpcId { get; init; }
    public string? SourcePeeringConnectionId { get; init; }

    public string? Description { get; init; }

    /// <summary>Why the policy disallows it, for people: <c>blocked port 22</c>, <c>not authorized</c>.</summary>
    public required string Reason { get; init; }

    /// <summary><c>tcp/22 from 203.0.113.7/32</c>.</summary>
    public required string Display { get; init; }

    public Actor? AddedBy { get; init; }

    /// <summary>For a removed rule: how the run knows it was removed (null for rules that were not).</summary>
    public RevokeEvidence? Evidence { get; init; }
}

/// <summary>How a run knows that a rule it reports as removed was removed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RevokeEvidence>))]
public enum RevokeEvidence
{
    /// <summary>EC2's answer to the revoke listed it (<c>RevokedSecurityGroupRules</c>).</summary>
    Confirmed,

    /// <summary>EC2's answer to the revoke was lost; the rule was asked for and is gone now (or a person removed it at the same moment).</summary>
    AnswerLost,

    /// <summary>An earlier run removed it and could not finish, or its notice could not be delivered; this notice carries it.</summary>
    EarlierRun,

    /// <summary>EC2's answer was lost and the group could not be read again: the rule may or may not be gone.</summary>
    Unverified,
}

/// <summary>Who added (or last changed) a rule, from the CloudTrail record of the call.</summary>
public sealed record Actor
{
    public required string Principal { get; init; }
    public string? IdentityType { get; init; }
    public string? AccountId { get; init; }
    public string? SourceIpAddress { get; init; }
    public string? UserAgent { get; init; }
    public required DateTime EventTime { get; init; }
    public required string EventId { get; init; }
    public required string EventName { get; init; }
}

/// <summary>Whether the actors of the revoked rules are known.</summary>
public static class AttributionStatus
{
    public const string Found = "Found";
    public const string Partial = "Partial";
    public const string NotYetAvailable = "NotYetAvailable";
    public const string NotNeeded = "NotNeeded";
    public const string Unavailable = "Unavailable";
}

/// <summary>
/// The function's answer to the SSM document: what happened, the rules concerned, the notification to publish
/// (<see cref="Subject"/>, and <see cref="Message"/> in SNS's <c>MessageStructure: json</c> form), and whether a later
/// attribution attempt is worth making.
/// </summary>
public sealed record RemediationOutcome
{
    public required RemediationStatus Status { get; init; }

    /// <summary>Whether the document publishes this outcome (without <c>NotifyUnchanged</c>): see <see cref="RemediationStatusFacts"/>.</summary>
    public bool Publish => Status.Publish || Revoked.Count > 0;

    /// <summary>
    /// The function published this notice itself (organization mode, <see cref="RemediationRuntime.NotificationTopicArn"/>):
    /// the document publishes nothing.
    /// </summary>
    public bool Published { get; init; }

    /// <summary>This invocation's id in the ledger (every invocation gets a new one).</summary>
    public string? RunId { get; init; }

    /// <summary>The ledger runs whose removals this notice announces: this run's and any earlier ones it carries.</summary>
    public IReadOnlyList<string> NoticeRuns { get; init; } = [];
    public required string Mode { get; init; }
    public required string SecurityGroupId { get; init; }
    public string? GroupName { get; init; }
    public string? VpcId { get; init; }
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    public required DateTime Time { get; init; }
    public IReadOnlyList<RevokedRule> Revoked { get; init; } = [];
    public IReadOnlyList<RevokedRule> WouldRevoke { get; init; } = [];

    /// <summary>Disallowed rules left alone because their prefix list could not be resolved: revoking them might remove an allowed rule.</summary>
    public IReadOnlyList<RevokedRule> Skipped { get; init; } = [];

    /// <summary>Disallowed rules still present after the run (added meanwhile, or skipped).</summary>
    public IReadOnlyList<RevokedRule> Remaining { get; init; } = [];

    /// <summary>Disallowed rules the loop guard left in place (revoked too often within the window).</summary>
    public IReadOnlyList<RevokedRule> Guarded { get; init; } = [];

    /// <summary>The loop guard's settings for this run (for the message; not serialized).</summary>
    [JsonIgnore]
    public LoopGuardSettings? LoopGuard { get; init; }

    public string? Note { get; init; }
    public required string Attribution { get; init; }
    public bool AttributionPending { get; init; }
    public string? CloudTrailUrl { get; init; }
    public string? RestoreCommand { get; init; }
    public string? AutomationExecutionId { get; init; }
    public string? Error { get; init; }
    public required string Subject { get; init; }
    public required string Text { get; init; }

    /// <summary>The SNS message with <c>MessageStructure: json</c>: the text for people, the details as JSON for machines.</summary>
    public required string Message { get; init; }

    /// <summary>The revoked rules as a JSON string, passed back to the function for the late attribution.</summary>
    public required string RevokedRules { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RemediationOutcome))]
[JsonSerializable(typeof(List<RevokedRule>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(MachineMessage))]
internal sealed partial class RemediationJsonContext : JsonSerializerContext;

/// <summary>The JSON that machine subscribers (SQS, Lambda, HTTPS, email-json) receive.</summary>
internal sealed record MachineMessage
{
    public string Version { get; init; } = "1";
    public required RemediationStatus Status { get; init; }
    public required string Mode { get; init; }
    public required string SecurityGroupId { get; init; }
    public string? GroupName { get; init; }
    public string? VpcId { get; init; }
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    public required DateTime Time { get; init; }
    public IReadOnlyList<RevokedRule> Revoked { get; init; } = [];
    public IReadOnlyList<RevokedRule> WouldRevoke { get; init; } = [];
    public IReadOnlyList<RevokedRule> Skipped { get; init; } = [];
    public IReadOnlyList<RevokedRule> Remaining { get; init; } = [];
    public IReadOnlyList<RevokedRule> Guarded { get; init; } = [];
    public string? Note { get; init; }
    public required string Attribution { get; init; }
    public string? CloudTrailUrl { get; init; }
    public string? RestoreCommand { get; init; }
    public string? AutomationExecutionId { get; init; }

    /// <summary>The notice's identity: the same removal announced twice (a publish retried after a lost answer) carries the same id.</summary>
    public string? RunId { get; init; }
    public string? Error { get; init; }
}
