using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads a configuration item whose fields are already separate values — as the AWS Config API clients return them,
/// with <c>configuration</c> as a JSON string — through the same decisions as JSON input (<see cref="ConfigItemReader"/>),
/// so every caller gets the same semantics and the same errors (paths start at <c>$.configuration(json)</c>). Only the
/// configuration is parsed; the other fields are taken as they are.
/// </summary>
public static class ConfigurationItemFields
{
    public static ResourceItem Read(string resourceType, string resourceId, string? resourceName, string? status,
                                    string? configurationJson, IReadOnlyDictionary<string, string>? tags, ResourceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var envelope = new ConfigItemReader.Envelope(resourceType, resourceId, resourceName, status, context);
        List<ResourceTag> Tags() => [.. (tags ?? new Dictionary<string, string>()).Select(tag => new ResourceTag(tag.Key, tag.Value))];
        if (configurationJson is null || ItemApplicability.NotApplicableReason(resourceType, status) is not null || ItemApplicability.UnknownStatus(status) is not null)
        {
            // Decided without the configuration (as for a JSON item, whose configuration is then never parsed).
            return ConfigItemReader.Read(envelope, JsonPath.Root, configuration: null, Tags);
        }
        var at = JsonPath.Root.Property("configuration").Embedded();
        using var document = JsonText.Parse(configurationJson, at);
        return ConfigItemReader.Read(envelope, JsonPath.Root, new JsonCursor(document.RootElement, at), Tags);
    }
}
