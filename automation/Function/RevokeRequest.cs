using System.Text.Json;
using System.Text.RegularExpressions;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Remediation;

/// <summary>What the remediation asks for.</summary>
public enum RemediationMode
{
    /// <summary>Revoke the disallowed inbound rules.</summary>
    Revoke,

    /// <summary>Report what would be revoked; change nothing.</summary>
    DryRun,

    /// <summary>Look the actor of already revoked rules up again in CloudTrail (the document's late attribution step).</summary>
    Attribute,

    /// <summary>
    /// The document published no notice (the publish or the function kept failing): what the runs of its execution
    /// removed goes back to the ledger, for the next run of the group to announce.
    /// </summary>
    NoticeUndelivered,
}

/// <summary>
/// The function's input, as the SSM document sends it: <c>{"SecurityGroupId", "Mode", "RuleParameters"}</c>, plus
/// the account and region of the automation (organization mode), its execution id (for the message) and, for
/// <see cref="RemediationMode.Attribute"/>, the rules revoked earlier. Validated as a whole before anything is done.
/// </summary>
public sealed partial record RevokeRequest(
    string SecurityGroupId,
    RemediationMode Mode,
    PolicyParameters Parameters,
    string RuleParametersText,
    string? AccountId,
    string? Region,
    string? AutomationExecutionId,
    IReadOnlyList<RevokedRule> RevokedRules)
{
    /// <summary>
    /// The AWS Config rule whose InputParameters are the policy (the deployment templates pass it); RuleParameters
    /// may then only give executionRoleName. Null: the policy is RuleParameters.
    /// </summary>
    public string? ConfigRuleName { get; init; }

    /// <summary>For <see cref="RemediationMode.NoticeUndelivered"/>: the runs whose notice the document did publish (a failed run's).</summary>
    public IReadOnlyList<string> PublishedRuns { get; init; } = [];

    /// <summary>Whether the input named <see cref="PublishedRuns"/> at all (the document's KeepUnannounced step does, even when empty; KeepNotice does not).</summary>
    public bool PublishedRunsGiven { get; init; }

    /// <summary>The loop guard (inputs <c>LoopGuardMaxRevokes</c>, <c>LoopGuardWindowHours</c>; 0 revokes turns it off).</summary>
    public LoopGuardSettings LoopGuard { get; init; } = LoopGuardSettings.Default;

    public static RevokeRequest Parse(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object) throw new RevokeInputException("input", "must be a JSON object");
        var groupId = Text(input, "SecurityGroupId") ?? throw new RevokeInputException("SecurityGroupId", "is required");
        if (!GroupIdPattern().IsMatch(groupId)) throw new RevokeInputException("SecurityGroupId", $"'{groupId}' is not a security group id (sg- and 8 or 17 hex digits)");

        var modeText = Text(input, "Mode") ?? "Revoke";
        if (!Enum.TryParse<RemediationMode>(modeText, ignoreCase: false, out var mode) || !Enum.IsDefined(mode))
        {
            throw new RevokeInputException("Mode", $"'{modeText}' is not one of Revoke, DryRun, Attribute, NoticeUndelivered");
        }

        var parametersText = "{}";
        PolicyParameters parameters;
        try
        {
            if (input.TryGetProperty("RuleParameters", out var raw) && raw.ValueKind != JsonValueKind.Null)
            {
                parametersText = raw.ValueKind == JsonValueKind.String ? raw.GetString()! : raw.GetRawText();
            }
            parameters = ParameterParser.Parse(parametersText);
        }
        catch (ParameterException e)
        {
            throw new RevokeInputException("RuleParameters", e.Message);
        }

        var region = Text(input, "Region");
        if (region is not null && !SgConfigRule.Aws.Protocol.RegionName.IsValid(region)) throw new RevokeInputException("Region", $"'{Shorten(region)}' is not an AWS Region name (like us-east-1)");

        var account = Text(input, "AccountId");
        if (account is not null && !AccountPattern().IsMatch(account)) throw new RevokeInputException("AccountId", $"'{account}' is not a 12-digit account id");

        var revoked = JsonList(input, nameof(RevokedRules), RemediationJsonContext.Default.ListRevokedRule, "a list of revoked rules");
        if (mode == RemediationMode.Attribute && revoked.Count == 0) throw new RevokeInputException(nameof(RevokedRules), "is required for Mode Attribute");

        var executionId = Text(input, "AutomationExecutionId");
        if (executionId is not null && (executionId.Length > 64 || !executionId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            throw new RevokeInputException("AutomationExecutionId", "is not an automation execution id");
        }
        if (mode == RemediationMode.NoticeUndelivered && executionId is null) throw new RevokeInputException("AutomationExecutionId", "is required for Mode NoticeUndelivered");
        var publishedRuns = JsonList(input, nameof(PublishedRuns), RemediationJsonContext.Default.ListString, "a list of run ids");

        var ruleName = Text(input, nameof(ConfigRuleName));
        if (ruleName is not null)
        {
            if (ruleName.Length > 128 || ruleName.Any(char.IsControl)) throw new RevokeInputException(nameof(ConfigRuleName), "is not a Config rule name (1-128 printable characters)");
            if (!parameters.ToInputParameters().Where(p => p.Key != ParameterNames.ExecutionRoleName).SequenceEqual(PolicyParameters.Default.ToInputParameters()))
            {
                throw new RevokeInputException("RuleParameters", "with ConfigRuleName the policy is the rule's InputParameters: RuleParameters may only give executionRoleName");
            }
        }

        var loopGuard = new LoopGuardSettings(
            Count(input, "LoopGuardMaxRevokes", LoopGuardSettings.Default.MaxRevokes, 0, 100),
            Count(input, "LoopGuardWindowHours", LoopGuardSettings.Default.WindowHours, 1, 24 * 90));

        return new RevokeRequest(groupId, mode, parameters, parametersText, account, region,
            executionId, revoked) { ConfigRuleName = ruleName, LoopGuard = loopGuard, PublishedRuns = publishedRuns,
                PublishedRunsGiven = input.TryGetProperty(nameof(PublishedRuns), out var runs) && runs.ValueKind != JsonValueKind.Null };
    }

    /// <summary>A list given as JSON or as a string holding JSON (the document passes strings); absent: empty.</summary>
    private static List<T> JsonList<T>(JsonElement input, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type, string what)
    {
        if (!input.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        try
        {
            var list = value.ValueKind == JsonValueKind.String ? JsonDocument.Parse(value.GetString()!).RootElement.Clone() : value;
            return list.Deserialize(type) ?? [];
        }
        catch (JsonException e)
        {
            throw new RevokeInputException(name, $"is not {what}: {e.Message}");
        }
    }

    /// <summary>A whole number given as a JSON number or a string (the document passes strings); absent or empty: the default.</summary>
    private static int Count(JsonElement input, string name, int fallback, int min, int max)
    {
        if (!input.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        var text = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
        if (text is { Length: 0 }) return fallback;
        if (text is null || !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new RevokeInputException(name, $"must be a whole number from {min} to {max}, not {value.GetRawText()}");
        }
        return n;
    }

    private static string? Text(JsonElement input, string name)
    {
        if (!input.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new RevokeInputException(name, "must be a string");
        var text = value.GetString()!.Trim();
        return text.Length == 0 ? null : text;
    }

    [GeneratedRegex("^sg-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex GroupIdPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountPattern();

    /// <summary>Bad input is quoted in errors, but not at any length.</summary>
    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
}

/// <summary>Input the function refuses; names the field.</summary>
public sealed class RevokeInputException : Exception
{
    public RevokeInputException(string field, string problem) : base($"{field}: {problem}") => Field = field;

    public RevokeInputException() : this("input", "invalid") { }

    public RevokeInputException(string message) : this("input", message) { }

    public RevokeInputException(string message, Exception innerException) : base(message, innerException) => Field = "input";

    public string Field { get; }
}
