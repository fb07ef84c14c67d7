using System.Buffers;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads a configuration item whose fields are already separate values — as the AWS Config API clients return them,
/// with <c>configuration</c> as a JSON string — through exactly the same reader as JSON input, so every caller gets
/// the same semantics and the same errors (paths start at <c>$.configuration(json)</c>).
/// </summary>
public static class ConfigurationItemFields
{
    public static ResourceItem Read(string resourceType, string resourceId, string? resourceName, string? status,
                                    string? configurationJson, IReadOnlyDictionary<string, string>? tags, ResourceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resourceType", resourceType);
            json.WriteString("resourceId", resourceId);
            if (resourceName is not null) json.WriteString("resourceName", resourceName);
            if (status is not null) json.WriteString("configurationItemStatus", status);
            if (configurationJson is null) json.WriteNull("configuration");
            else json.WriteString("configuration", configurationJson);
            if (tags is { Count: > 0 })
            {
                json.WriteStartObject("tags");
                foreach (var (key, value) in tags) json.WriteString(key, value);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var item = ConfigItemReader.Read(new JsonCursor(document.RootElement, JsonPath.Root));
        return item.Group is null
            ? ResourceItem.NotApplicable(item.ResourceType, item.ResourceId, item.ResourceName, context, item.NotApplicableReason!)
            : ResourceItem.ForGroup(item.Group, context);
    }
}
