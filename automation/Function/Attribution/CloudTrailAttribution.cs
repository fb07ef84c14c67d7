using System.Globalization;
using System.Text.Json;
using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.Aws.CloudTrail.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Remediation.Attribution;

/// <summary>
/// Finds who added each revoked rule: CloudTrail <c>LookupEvents</c> by <c>ResourceName=sg-…</c> (one attribute is
/// all the API allows), keeping AuthorizeSecurityGroupIngress and ModifySecurityGroupRules events whose record names
/// the rule's <c>sgr-</c> id (in <c>responseElements</c> for authorizations, <c>requestParameters</c> for
/// modifications) — or, for records without ids, the same protocol, ports and source. The newest matching event wins.
/// Bounded in pages and time: attribution never holds the remediation up, and CloudTrail's lag (about five minutes)
/// means "not found yet" is a normal answer.
/// </summary>
internal static class CloudTrailAttribution
{
    public const int MaxPages = 10;
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(90);
    private static readonly HashSet<string> RuleEvents = new(StringComparer.Ordinal) { "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules" };

    public static async Task<(IReadOnlyList<RevokedRule> Rules, string Status, string? Problem)> AttributeAsync(
        IAmazonCloudTrail cloudTrail, string groupId, IReadOnlyList<RevokedRule> rules, DateTime now, TimeSpan budget, CancellationToken cancellationToken)
    {
        if (rules.Count == 0) return (rules, AttributionStatus.NotNeeded, null);
        var found = new Dictionary<string, Actor>(StringComparer.Ordinal);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(budget);
        try
        {
            await foreach (var page in cloudTrail.LookupEventsPages(new LookupEventsRequest
            {
                LookupAttributes = [new LookupAttribute { AttributeKey = LookupAttributeKey.ResourceName, AttributeValue = groupId }],
                StartTime = now - LookBack,
                EndTime = now,
                MaxResults = 50,
            }, MaxPages, limit.Token).ConfigureAwait(false))
            {
                foreach (var trailEvent in page.Events.Where(e => e.EventName is not null && RuleEvents.Contains(e.EventName)))
                {
                    Match(trailEvent, rules, found);
                }
                if (found.Count == rules.Count) break;
            }
        }
        catch (Exception e) when (e is AwsRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var attributed = Apply(rules, found);
            return (attributed, found.Count == 0 ? AttributionStatus.Unavailable : AttributionStatus.Partial,
                e is OperationCanceledException ? "the CloudTrail lookup ran out of time" : $"CloudTrail lookup failed: {e.Message}");
        }
        var status = found.Count == rules.Count ? AttributionStatus.Found
            : found.Count == 0 ? AttributionStatus.NotYetAvailable
            : AttributionStatus.Partial;
        return (Apply(rules, found), status, null);
    }

    private static IReadOnlyList<RevokedRule> Apply(IReadOnlyList<RevokedRule> rules, Dictionary<string, Actor> found) =>
        [.. rules.Select(r => found.TryGetValue(r.RuleId, out var actor) ? r with { AddedBy = actor } : r)];

    private static void Match(Event trailEvent, IReadOnlyList<RevokedRule> rules, Dictionary<string, Actor> found)
    {
        if (string.IsNullOrEmpty(trailEvent.CloudTrailEvent)) return;
        JsonDocument record;
        try
        {
            record = JsonDocument.Parse(trailEvent.CloudTrailEvent);
        }
        catch (JsonException)
        {
            return;
        }
        using (record)
        {
            var root = record.RootElement;
            if (root.TryGetProperty("errorCode", out _)) return; // a failed call added nothing
            var ids = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("responseElements", out var response)) CollectRuleIds(response, ids);
            if (root.TryGetProperty("requestParameters", out var request)) CollectRuleIds(request, ids);
            foreach (var rule in rules)
            {
                if (found.ContainsKey(rule.RuleId)) continue;
                if (ids.Contains(rule.RuleId) || (ids.Count == 0 && SamePermission(root, rule)))
                {
                    found[rule.RuleId] = ActorOf(root, trailEvent);
                }
            }
        }
    }

    private static void CollectRuleIds(JsonElement element, HashSet<string> ids)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Equals("securityGroupRuleId", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                    {
                        ids.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectRuleIds(property.Value, ids);
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) CollectRuleIds(item, ids);
                break;
        }
    }

    /// <summary>Older records carry no rule ids: match the authorized permission by protocol, ports and source instead.</summary>
    private static bool SamePermission(JsonElement root, RevokedRule rule)
    {
        if (!root.TryGetProperty("requestParameters", out var request)
            || !request.TryGetProperty("ipPermissions", out var permissions)
            || !permissions.TryGetProperty("items", out var items)
            || items.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var permission in items.EnumerateArray())
        {
            var protocol = Text(permission, "ipProtocol");
            if (protocol is null || !IpProtocol.TryParse(protocol, out var p) || !IpProtocol.TryParse(rule.Protocol, out var q) || p != q) continue;
            if (!p.IsAll && (Number(permission, "fromPort") != rule.FromPort || Number(permission, "toPort") != rule.ToPort)) continue;
            foreach (var source in Sources(permission))
            {
                if (SameSource(source, rule.Source)) return true;
            }
        }
        return false;
    }

    private static IEnumerable<string> Sources(JsonElement permission)
    {
        foreach (var (list, field) in new[] { ("ipRanges", "cidrIp"), ("ipv6Ranges", "cidrIpv6"), ("prefixListIds", "prefixListId"), ("groups", "groupId") })
        {
            if (permission.TryGetProperty(list, out var container) && container.TryGetProperty("items", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in entries.EnumerateArray())
                {
                    if (Text(entry, field) is { } value) yield return value;
                }
            }
        }
    }

    private static bool SameSource(string recorded, string revoked) =>
        recorded == revoked
        || (Cidr.TryParse(recorded, out var a, out _) && Cidr.TryParse(revoked, out var b, out _) && a == b);

    private static Actor ActorOf(JsonElement root, Event trailEvent)
    {
        var identity = root.TryGetProperty("userIdentity", out var u) ? u : default;
        string? issuer = null;
        if (identity.ValueKind == JsonValueKind.Object && identity.TryGetProperty("sessionContext", out var session)
            && session.TryGetProperty("sessionIssuer", out var issuerElement))
        {
            issuer = Text(issuerElement, "arn");
        }
        var principal = (identity.ValueKind == JsonValueKind.Object ? Text(identity, "arn") ?? Text(identity, "principalId") ?? Text(identity, "invokedBy") : null)
                        ?? trailEvent.Username ?? issuer ?? "unknown principal";
        var time = Text(root, "eventTime") is { } iso && DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : trailEvent.EventTime ?? DateTime.MinValue;
        return new Actor
        {
            Principal = principal,
            IdentityType = identity.ValueKind == JsonValueKind.Object ? Text(identity, "type") : null,
            AccountId = identity.ValueKind == JsonValueKind.Object ? Text(identity, "accountId") : null,
            SourceIpAddress = Text(root, "sourceIPAddress"),
            UserAgent = Text(root, "userAgent"),
            EventTime = time,
            EventId = Text(root, "eventID") ?? trailEvent.EventId ?? "",
            EventName = trailEvent.EventName ?? "",
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
