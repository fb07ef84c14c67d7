using System.Globalization;
using System.Text.Json;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;
using SgConfigRule.Rule.Events;

namespace SgConfigRule.Rule.Handling;

/// <summary>
/// Change-triggered evaluations: the item in the event (<c>ConfigurationItemChangeNotification</c>), or — when it was
/// too large for the notification — the item fetched with GetResourceConfigHistory at the summary's capture time
/// (<c>OversizedConfigurationItemChangeNotification</c>). The evaluation is ordered at the item's capture time.
/// </summary>
internal static class ChangeHandler
{
    public static async Task HandleChangeAsync(InvocationContext context, bool eventLeftScope, InvokingEvent invoking, CancellationToken cancellationToken)
    {
        var resourceId = ResourceIdOf(invoking);
        // The invoking event was decoded once, by the function; its item is read from that element.
        if (invoking.ConfigurationItem is not { } configurationItem)
        {
            context.Fail(resourceId, "$.invokingEvent(json): 'configurationItem' is missing or null");
            return;
        }
        var read = InputReader.ReadChangeNotificationItem(configurationItem, eventLeftScope);
        if (read.Error is { } error)
        {
            context.Fail(resourceId, $"{error.JsonPath}: {error.Problem}");
            return;
        }
        var item = read.Item!;
        var ordering = item.Context.CaptureTime?.UtcDateTime ?? NotificationTime(invoking) ?? context.Time.GetUtcNow().UtcDateTime;
        await context.EvaluateAndPostAsync(item, ordering, cancellationToken).ConfigureAwait(false);
    }

    public static async Task HandleOversizedAsync(InvocationContext context, ConfigRuleEvent ruleEvent, InvokingEvent invoking, CancellationToken cancellationToken)
    {
        var summary = invoking.ConfigurationItemSummary;
        if (summary?.ResourceType is not { Length: > 0 } type || summary.ResourceId is not { Length: > 0 } id)
        {
            context.Fail(summary?.ResourceId, "the oversized notification has no configurationItemSummary with resourceType and resourceId");
            return;
        }
        var capture = ParseTime(summary.ConfigurationItemCaptureTime) ?? NotificationTime(invoking) ?? context.Time.GetUtcNow().UtcDateTime;
        if (ItemApplicability.NotApplicableReason(type, summary.ConfigurationItemStatus, ruleEvent.EventLeftScope) is { } reason)
        {
            await context.NotApplicableAsync(type, id, reason, capture, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (ItemApplicability.UnknownStatus(summary.ConfigurationItemStatus) is { } problem)
        {
            context.Fail(id, $"the oversized notification's configurationItemSummary: {problem}");
            return;
        }

        var history = await context.Config.GetResourceConfigHistoryAsync(new GetResourceConfigHistoryRequest
        {
            ResourceType = type,
            ResourceId = id,
            LaterTime = capture,
            Limit = 1,
        }, cancellationToken).ConfigureAwait(false);
        if (history.ConfigurationItems.Count == 0)
        {
            context.Fail(id, $"GetResourceConfigHistory returned no item at or before {capture:O}");
            return;
        }
        var apiItem = history.ConfigurationItems[0];
        ResourceItem item;
        try
        {
            item = ConfigurationItemFields.Read(type, id, apiItem.ResourceName ?? summary.ResourceName, apiItem.ConfigurationItemStatus,
                apiItem.Configuration, apiItem.Tags,
                new ResourceContext(apiItem.AccountId, apiItem.AwsRegion, apiItem.Arn, apiItem.ConfigurationItemCaptureTime is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null));
        }
        catch (InputException e)
        {
            context.Fail(id, $"the item from GetResourceConfigHistory: {e.JsonPath}: {e.Problem}");
            return;
        }
        await context.EvaluateAndPostAsync(item, apiItem.ConfigurationItemCaptureTime ?? capture, cancellationToken).ConfigureAwait(false);
    }

    private static string? ResourceIdOf(InvokingEvent invoking) =>
        invoking.ConfigurationItem is { ValueKind: JsonValueKind.Object } item && item.TryGetProperty("resourceId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    public static DateTime? NotificationTime(InvokingEvent invoking) => ParseTime(invoking.NotificationCreationTime);

    public static DateTime? ParseTime(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
