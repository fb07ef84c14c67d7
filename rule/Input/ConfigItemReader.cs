using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads an AWS Config configuration item in either form: the event form (<c>awsAccountId</c>, <c>ARN</c>,
/// <c>configuration</c> object, ISO timestamps) or the API form (<c>accountId</c>, <c>arn</c>, <c>configuration</c>
/// as a JSON string, epoch-second timestamps), and the bare <c>{"configuration": …}</c> rows of SelectResourceConfig.
/// </summary>
internal static class ConfigItemReader
{
    public static bool LooksLikeItem(JsonCursor value) =>
        value.IsObject && (value.Has("resourceType") || value.Has("configurationItemStatus") || value.Has("configuration"));

    public static ResourceItem Read(JsonCursor item)
    {
        item.ExpectObject("a configuration item");
        return Read(ReadEnvelope(item), item.Path, item.Get("configuration"), configurationText: null, () => ReadItemTags(item));
    }

    /// <summary>
    /// The item from its envelope and its configuration, whatever carried them: a JSON item's <paramref name="configuration"/>
    /// (an object, or a string holding one), or the text an API client's answer holds (<paramref name="configurationText"/>,
    /// <see cref="ConfigurationItemFields"/>). Errors are placed under <paramref name="itemPath"/>. The configuration is
    /// parsed, and the tags read, only for a group that is evaluated.
    /// </summary>
    public static ResourceItem Read(Envelope envelope, JsonPath itemPath, JsonCursor? configuration, string? configurationText,
                                    Func<List<ResourceTag>> tags)
    {
        var resourceType = envelope.ResourceType;
        if (ItemApplicability.NotApplicableReason(resourceType, envelope.Status) is { } reason)
        {
            // Only another type's item may lack its id; a deleted or unrecorded group is named.
            var id = resourceType == ResourceItem.SecurityGroupType
                ? envelope.ResourceId ?? throw new InputException(itemPath, "'resourceId' is missing")
                : envelope.ResourceId ?? "(unknown)";
            return ResourceItem.NotApplicable(resourceType, id, envelope.ResourceName, envelope.Context, reason);
        }
        if (ItemApplicability.UnknownStatus(envelope.Status) is { } problem) throw new InputException(itemPath.Property("configurationItemStatus"), problem);

        // The configuration as JSON text (the API's string, in an item or as a field) is parsed only now, and its paths
        // say so: $.configuration(json).…
        var textPath = configuration?.Path.Embedded() ?? itemPath.Property("configuration").Embedded();
        configurationText ??= configuration is { Kind: System.Text.Json.JsonValueKind.String } text ? text.AsString() : null;
        using var embedded = configurationText is null ? null : JsonText.Parse(configurationText, textPath);
        var found = embedded is not null ? new JsonCursor(embedded.RootElement, textPath)
            : configuration ?? throw new InputException(itemPath, "'configuration' is missing or null, so the group cannot be evaluated");

        var group = SecurityGroupReader.Read(found, GroupFieldNames.Config, tags());
        if (envelope.ResourceId is not null && envelope.ResourceId != group.GroupId)
        {
            throw found.Require("groupId").Error(
                $"groupId '{group.GroupId}' does not match the item's resourceId '{envelope.ResourceId}'");
        }
        if (group.GroupName is null && envelope.ResourceName is not null) group = group with { GroupName = envelope.ResourceName };
        return ResourceItem.ForGroup(group, envelope.Context);
    }

    /// <summary>The identifying fields of an item, without reading its configuration.</summary>
    public static Envelope ReadEnvelope(JsonCursor item)
    {
        var resourceType = item.OptionalString("resourceType");
        if (resourceType is null)
        {
            // SelectResourceConfig rows carry only the selected fields; a configuration with a groupId is a security group.
            var configuration = item.Get("configuration");
            resourceType = configuration is { IsObject: true } c && c.Has("groupId") || configuration is { Kind: System.Text.Json.JsonValueKind.String }
                ? ResourceItem.SecurityGroupType
                : throw item.Error("not a configuration item: 'resourceType' is missing");
        }
        var context = new ResourceContext(
            AccountId: item.OptionalString("awsAccountId") ?? item.OptionalString("accountId"),
            Region: item.OptionalString("awsRegion"),
            Arn: item.OptionalString("ARN") ?? item.OptionalString("arn"),
            CaptureTime: item.Timestamp("configurationItemCaptureTime"));
        return new Envelope(resourceType, item.OptionalString("resourceId"), item.OptionalString("resourceName"),
            item.OptionalString("configurationItemStatus"), context);
    }

    /// <summary>Item tags: a map in configuration items, a list of key/value objects in advanced query rows.</summary>
    private static List<ResourceTag> ReadItemTags(JsonCursor item)
    {
        var tags = new List<ResourceTag>();
        if (item.Get("tags") is not { } found) return tags;
        if (found.IsArray)
        {
            foreach (var tag in found.Items())
            {
                tag.ExpectObject("a tag");
                tags.Add(new ResourceTag(tag.RequireString("key"), tag.OptionalString("value") ?? ""));
            }
            return tags;
        }
        foreach (var (key, value) in found.Properties())
        {
            tags.Add(new ResourceTag(key, value.IsNull ? "" : value.AsString()));
        }
        return tags;
    }

    public sealed record Envelope(string ResourceType, string? ResourceId, string? ResourceName, string? Status, ResourceContext Context);
}
