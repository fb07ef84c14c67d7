using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads the resource out of an AWS Config rule event (<c>invokingEvent</c> is a JSON string, parsed a second time)
/// or out of an already decoded invoking event. Only change notifications carry a whole configuration item; the
/// oversized and scheduled variants need AWS calls and are refused here with a message saying so.
/// </summary>
internal static class ConfigEventReader
{
    public const string ChangeNotification = "ConfigurationItemChangeNotification";
    public const string OversizedNotification = "OversizedConfigurationItemChangeNotification";
    public const string ScheduledNotification = "ScheduledNotification";

    public static bool LooksLikeEvent(JsonCursor value) => value.IsObject && value.Has("invokingEvent");

    public static bool LooksLikeInvokingEvent(JsonCursor value) =>
        value.IsObject && value.Has("messageType") && (value.Has("configurationItem") || value.Has("configurationItemSummary") || value.Has("notificationCreationTime"));

    public static ResourceItem ReadEvent(JsonCursor ruleEvent)
    {
        var invoking = ruleEvent.Require("invokingEvent");
        var leftScope = ruleEvent.OptionalBool("eventLeftScope") ?? false;
        if (invoking.IsObject) return ReadInvokingEvent(invoking, leftScope);
        using var document = JsonText.ParseEmbedded(invoking);
        return ReadInvokingEvent(new JsonCursor(document.RootElement, invoking.Path.Embedded()), leftScope);
    }

    /// <summary>The configuration item of a change notification.</summary>
    public static ResourceItem ReadChangeItem(JsonCursor item, bool eventLeftScope)
    {
        if (!eventLeftScope) return ConfigItemReader.Read(item);
        var envelope = ConfigItemReader.ReadEnvelope(item);
        return ResourceItem.NotApplicable(envelope.ResourceType, envelope.ResourceId ?? "(unknown)", envelope.ResourceName,
            envelope.Context, ItemApplicability.LeftScope);
    }

    public static ResourceItem ReadInvokingEvent(JsonCursor invoking, bool eventLeftScope)
    {
        invoking.ExpectObject("the invoking event");
        var messageType = invoking.RequireString("messageType");
        switch (messageType)
        {
            case ChangeNotification:
                return ReadChangeItem(invoking.Require("configurationItem"), eventLeftScope);
            case OversizedNotification:
                throw invoking.Require("messageType").Error(
                    "an oversized change notification carries only a summary of the item; its configuration must be fetched with GetResourceConfigHistory (the rule function does this)");
            case ScheduledNotification:
                throw invoking.Require("messageType").Error(
                    "a scheduled notification names no resource; the rule function sweeps every group on it");
            default:
                throw invoking.Require("messageType").Error($"unsupported messageType '{messageType}'");
        }
    }
}
