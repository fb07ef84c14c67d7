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
        return ConfigItemReader.Read(envelope, JsonPath.Root, configuration: null, configurationJson,
            () => [.. (tags ?? new Dictionary<string, string>()).Select(tag => new ResourceTag(tag.Key, tag.Value))]);
    }
}
