using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Remediation.Notification;

/// <summary>
/// The notification: a subject under 100 characters, a plain-text body a person reads in an email client (what, where,
/// who, when, why, and the command that restores it), and the same content as JSON for machine subscribers, packed in
/// SNS's <c>MessageStructure: json</c> form (<c>default</c> and <c>email</c> get the text; <c>email-json</c>,
/// <c>sqs</c>, <c>lambda</c>, <c>http</c>, <c>https</c> and <c>firehose</c> get the JSON).
/// </summary>
public static class NotificationWriter
{
    public const int MaxSubjectLength = 99;
    private const string Product = "SgConfigRule";

    // Machine subscribers read JSON, not HTML: quotes and apostrophes stay readable in the restore command.
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<MachineMessage> MachineJson =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<MachineMessage>)new JsonSerializerOptions(RemediationJsonContext.Default.Options)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = RemediationJsonContext.Default,
        }.GetTypeInfo(typeof(MachineMessage));

    public static RemediationOutcome Complete(RemediationOutcome outcome, PolicyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        // Errors and notes can quote endpoints (an HTML error page) or people (tag values): one plain line each.
        outcome = outcome with
        {
            Error = outcome.Error is null ? null : PlainText.OneLine(outcome.Error),
            Note = outcome.Note is null ? null : PlainText.OneLine(outcome.Note, 2000),
        };
        var subject = Subject(outcome);
        var text = Body(outcome, parameters);
        var machine = new MachineMessage
        {
            Status = outcome.Status,
            Mode = outcome.Mode,
            SecurityGroupId = outcome.SecurityGroupId,
            GroupName = outcome.GroupName,
            VpcId = outcome.VpcId,
            AccountId = outcome.AccountId,
            Region = outcome.Region,
            Time = outcome.Time,
            Revoked = outcome.Revoked,
            WouldRevoke = outcome.WouldRevoke,
            Skipped = outcome.Skipped,
            Remaining = outcome.Remaining,
            Guarded = outcome.Guarded,
            Note = outcome.Note,
            Attribution = outcome.Attribution,
            CloudTrailUrl = outcome.CloudTrailUrl,
            RestoreCommand = outcome.RestoreCommand,
            AutomationExecutionId = outcome.AutomationExecutionId,
            RunId = outcome.RunId,
            Error = outcome.Error,
        };
        var json = JsonSerializer.Serialize(machine, MachineJson);
        var structure = new JsonObject { ["default"] = text, ["email"] = text };
        foreach (var protocol in new[] { "email-json", "sqs", "lambda", "http", "https", "firehose" }) structure[protocol] = json;
        return outcome with { Subject = subject, Text = text, Message = structure.ToJsonString() };
    }

    /// <summary>
    /// The subject names what happened and the group id; the group's name is added when it fits, shortened if need be,
    /// so the essentials survive SNS's limit of fewer than 100 characters.
    /// </summary>
    public static string Subject(RemediationOutcome o)
    {
        var core = o.Status switch
        {
            RemediationStatus.Revoked => o.Revoked.Count == 1
                ? $"{Product} removed {o.Revoked[0].Display} on {o.SecurityGroupId}"
                : $"{Product} removed {o.Revoked.Count} inbound rules on {o.SecurityGroupId}",
            RemediationStatus.DryRun => $"{Product} dry run: would remove {Count(o.WouldRevoke.Count)} on {o.SecurityGroupId}",
            RemediationStatus.Attributed => $"{Product}: who added the rules removed on {o.SecurityGroupId}",
            RemediationStatus.Failed => $"{Product}: remediation FAILED for {o.SecurityGroupId}",
            RemediationStatus.LoopGuardTripped => o.Guarded.Count == 1
                ? $"{Product}: {o.Guarded[0].Display} keeps coming back on {o.SecurityGroupId} - stopped"
                : $"{Product}: {o.Guarded.Count} rules keep coming back on {o.SecurityGroupId} - stopped",
            _ => $"{Product}: nothing removed on {o.SecurityGroupId} ({Reason(o.Status)})",
        };
        core = Clean(core);
        if (core.Length > MaxSubjectLength) return PlainText.Shorten(core, MaxSubjectLength);
        if (o.GroupName is not { Length: > 0 } name) return core;
        var room = MaxSubjectLength - core.Length - 3;
        if (room < 4) return core;
        return $"{core} ({PlainText.Shorten(Clean(name), room)})";
    }

    private static string Clean(string text) => PlainText.Line(text);

    private static string Sanitize(string text) => PlainText.Lines(text);

    private static string Count(int n) => n == 1 ? "1 inbound rule" : $"{n} inbound rules";

    private static string Reason(RemediationStatus status) => status switch
    {
        RemediationStatus.NothingToRevoke => "nothing disallowed",
        RemediationStatus.AlreadyRevoked => "already removed",
        RemediationStatus.GroupNotFound => "group deleted",
        RemediationStatus.Exempt => "exempt",
        RemediationStatus.OutOfScope => "outside the rule's scope",
        RemediationStatus.BlockedByExemptionTag => "exemption tag expired, revoke denied",
        RemediationStatus.LoopGuardHolding => "loop guard holding",
        RemediationStatus.NoticeKept => "notice kept for the next run",
        _ => status.ToString(),
    };

    private static string Body(RemediationOutcome o, PolicyParameters parameters)
    {
        var text = new StringBuilder();
        // The group id is as the input gave it when the input could not be read: it cannot start a line either.
        var id = Clean(o.SecurityGroupId);
        var group = o.GroupName is null ? id : $"{id} ({Clean(o.GroupName)})";
        text.AppendLine(o.Status switch
        {
            RemediationStatus.Revoked => $"{Product} removed {Count(o.Revoked.Count)} from security group {group}.",
            RemediationStatus.DryRun => $"{Product} is in dry-run mode: it would remove {Count(o.WouldRevoke.Count)} from security group {group}. Nothing was changed.",
            RemediationStatus.Attributed => $"Update on the rules {Product} removed from security group {group}: who added them.",
            RemediationStatus.NothingToRevoke => $"{Product} checked security group {group} again and found nothing to remove: it is compliant now.",
            RemediationStatus.AlreadyRevoked => $"{Product} found the disallowed rules of security group {group} gone while it was revoking them: another run removed them (its message has the details), a person did, or this run did and EC2's answer was lost.",
            RemediationStatus.GroupNotFound => $"{Product} did not change security group {id}: it no longer exists.",
            RemediationStatus.Exempt => $"{Product} did not change security group {group}: it carries a valid exemption tag.",
            RemediationStatus.LoopGuardTripped => $"{Product} STOPPED revoking {Count(o.Guarded.Count)} on security group {group}: each was revoked {LoopGuardText(o)} and was added back every time - something keeps re-creating it (an infrastructure-as-code pipeline?). The group stays NON_COMPLIANT until that source is fixed."
                + (o.Revoked.Count > 0 ? $" It did remove {Count(o.Revoked.Count)} this time." : ""),
            RemediationStatus.LoopGuardHolding => $"{Product} is still not revoking the rules of security group {group} that keep coming back (people were told); nothing changed.",
            RemediationStatus.OutOfScope => $"{Product} did not change security group {group}: it is outside the rule's tag scope ({o.Note}).",
            RemediationStatus.BlockedByExemptionTag => $"{Product} could not change security group {group}: its exemption tag is no longer valid, but the deployment forbids revoking tagged groups. Renew the exemption or remove the tag.",
            _ => $"{Product} could NOT remediate security group {group}.",
        });
        text.AppendLine();
        Field(text, "Account", o.AccountId);
        Field(text, "Region", o.Region);
        Field(text, "Group", o.GroupName is null ? o.SecurityGroupId : $"{o.SecurityGroupId} - {o.GroupName}" + (o.VpcId is null ? "" : $" ({o.VpcId})"));
        Field(text, "When", Time(o.Time));
        Field(text, "Policy", string.Join(", ", parameters.ToInputParameters().Where(p => p.Key != ParameterNames.ExecutionRoleName).Select(p => $"{p.Key}={p.Value}")));
        if (o.Error is not null) Field(text, "Error", o.Error);
        if (o.Note is not null) Field(text, "Note", o.Note);
        text.AppendLine();

        Rules(text, o.Status switch
        {
            RemediationStatus.DryRun => "Would remove:",
            RemediationStatus.Attributed => "Removed earlier:",
            RemediationStatus.Failed => "Possibly removed before the run failed (EC2's answer was lost and the group could not be read again):",
            _ => "Removed:",
        }, o.Status == RemediationStatus.DryRun ? o.WouldRevoke : o.Revoked);
        Rules(text, "Not removed - their prefix list could not be resolved, so they may be allowed:", o.Skipped);
        Rules(text, "Still disallowed after this run (they will be handled on the next evaluation):", o.Remaining);
        if (o.Guarded.Count > 0)
        {
            Rules(text, "Left in place by the loop guard (they keep coming back):", o.Guarded);
            text.AppendLine($"Find and fix what re-adds them (the \"added by\" lines say who). {Product} starts revoking them again when the window ends; to reset the loop guard sooner, delete this group's item from the remediation ledger table (docs/remediation.md).");
            text.AppendLine();
        }

        if ((o.Revoked.Count > 0 || o.WouldRevoke.Count > 0) && o.Attribution is AttributionStatus.NotYetAvailable or AttributionStatus.Partial or AttributionStatus.Unavailable)
        {
            text.AppendLine(o.Attribution == AttributionStatus.Unavailable
                ? "Who added them: CloudTrail could not be searched just now."
                : "Who added them: not in CloudTrail yet (it usually arrives within about 5 minutes); a follow-up message will say, or see the group's event history:");
            if (o.CloudTrailUrl is not null) text.Append("  ").AppendLine(o.CloudTrailUrl);
            text.AppendLine();
        }
        if (o.RestoreCommand is not null && (o.Status is RemediationStatus.Revoked or RemediationStatus.Attributed || o.Revoked.Count > 0))
        {
            text.AppendLine("To restore exactly what was removed:");
            text.Append("  ").AppendLine(o.RestoreCommand);
            text.AppendLine();
            text.AppendLine($"Tag the group first (key {parameters.ExemptionTagKey ?? "(exemptions are off)"}, value YYYY-MM-DD and a reason) or {Product} will remove the rules again.");
            text.AppendLine();
        }
        if (o.AutomationExecutionId is not null) Field(text, "Automation execution", o.AutomationExecutionId);
        if (o.RunId is not null) Field(text, "Notice", o.RunId);
        // Group names, descriptions and tag values come from people: no control character of theirs reaches the mail.
        return Sanitize(text.ToString().TrimEnd()) + Environment.NewLine;
    }

    /// <summary>"3 times within 24 hours", from the settings the outcome was made with.</summary>
    private static string LoopGuardText(RemediationOutcome o) => o.LoopGuard is { } g
        ? string.Create(CultureInfo.InvariantCulture, $"{g.MaxRevokes} times within {g.WindowHours} hours")
        : "repeatedly";

    private static void Rules(StringBuilder text, string heading, IReadOnlyList<RevokedRule> rules)
    {
        if (rules.Count == 0) return;
        text.AppendLine(heading);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"  {i + 1}. {Clean(rule.Display)} - {Clean(rule.Reason)}");
            var detail = $"     rule {rule.RuleId}" + (string.IsNullOrEmpty(rule.Description) ? "" : $", description \"{Clean(rule.Description)}\"");
            text.AppendLine(detail);
            if (rule.Evidence == RevokeEvidence.AnswerLost)
            {
                text.AppendLine("     EC2's answer to the revoke was lost; the rule is gone (removed by this run, or by someone at the same moment)");
            }
            else if (rule.Evidence == RevokeEvidence.Unverified)
            {
                text.AppendLine("     EC2's answer to the revoke was lost and the group could not be read again: it may still be there");
            }
            else if (rule.Evidence == RevokeEvidence.EarlierRun)
            {
                text.AppendLine("     removed by an earlier run whose notice did not go out");
            }
            if (rule.AddedBy is { } actor)
            {
                var from = actor.SourceIpAddress is null ? "" : $" from {actor.SourceIpAddress}";
                text.AppendLine(CultureInfo.InvariantCulture, $"     added by {Clean(actor.Principal)}{Clean(from)} at {Time(actor.EventTime)} ({Clean(actor.EventName)}, CloudTrail event {Clean(actor.EventId)})");
            }
        }
        text.AppendLine();
    }

    private static void Field(StringBuilder text, string name, string? value)
    {
        if (value is null) return;
        // One field, one line: a value (a note quoting a tag, say) cannot start lines of its own.
        text.Append(CultureInfo.InvariantCulture, $"{name + ":",-22}").AppendLine(Clean(value));
    }

    private static string Time(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
