using System.Runtime.CompilerServices;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads one item of a <c>BatchGetResourceConfig</c> response (<c>baseConfigurationItems</c>) straight from its UTF-8
/// bytes: the envelope, then the group in its <c>configuration</c> string, unescaped into a reused buffer and read by
/// the fast group reader. Like <see cref="Ec2GroupFastReader"/> it accepts only the plain case — a security group
/// that Config recorded (<c>OK</c> or <c>ResourceDiscovered</c>), the API's known fields each once with the expected
/// types — and returns null for anything else; <see cref="ConfigItemReader"/> then decides what the item means and
/// reports any error with its path. Differential tests hold the two to the same result.
/// </summary>
internal static class ConfigItemFastReader
{
    /// <summary>The item that is the whole of <paramref name="utf8"/>, or null.</summary>
    public static ResourceItem? TryRead(ReadOnlySpan<byte> utf8) => FastJson.TryReadWhole(utf8, TryReadAt);

    /// <summary>The item whose start the reader is on (leaving it on the item's end), or null; see <see cref="Ec2GroupFastReader.TryReadAt"/>.</summary>
    public static ResourceItem? TryReadAt(ref Utf8JsonReader reader) => FastReaderScratch.Run(ref reader, ReadItem);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ResourceItem? ReadItem(ref Utf8JsonReader reader, FastReaderScratch scratch)
    {
        string? accountId = null, status = null, arn = null, resourceType = null, resourceId = null, resourceName = null, region = null;
        DateTimeOffset? captureTime = null;
        SecurityGroup? group = null;
        var seen = new SeenFields();
        JsonTokenType token;
        while ((token = FastJson.Next(ref reader)) == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("accountId"u8) ? 0
                : reader.ValueTextEquals("configurationItemCaptureTime"u8) ? 1
                : reader.ValueTextEquals("configurationItemStatus"u8) ? 2
                : reader.ValueTextEquals("arn"u8) ? 3
                : reader.ValueTextEquals("resourceType"u8) ? 4
                : reader.ValueTextEquals("resourceId"u8) ? 5
                : reader.ValueTextEquals("resourceName"u8) ? 6
                : reader.ValueTextEquals("awsRegion"u8) ? 7
                : reader.ValueTextEquals("configuration"u8) ? 8
                // Fields the canonical reader never looks at, whatever their value.
                : reader.ValueTextEquals("version"u8) ? 9
                : reader.ValueTextEquals("configurationStateId"u8) ? 10
                : reader.ValueTextEquals("configurationItemMD5Hash"u8) ? 11
                : reader.ValueTextEquals("availabilityZone"u8) ? 12
                : reader.ValueTextEquals("resourceCreationTime"u8) ? 13
                : reader.ValueTextEquals("supplementaryConfiguration"u8) ? 14
                // Items recorded daily (recordingFrequency DAILY) say so, and when Config delivered them.
                : reader.ValueTextEquals("recordingFrequency"u8) ? 15
                : reader.ValueTextEquals("configurationItemDeliveryTime"u8) ? 16
                : -1;
            if (!seen.TryAdd(field) || FastJson.Next(ref reader) == JsonTokenType.None) return null;
            var ok = field switch
            {
                0 => FastJson.OptionalString(ref reader, scratch.Strings, out accountId),
                1 => reader.TokenType == JsonTokenType.Null || Timestamp(ref reader, out captureTime),
                2 => FastJson.OptionalString(ref reader, scratch.Strings, out status) && status is null or "OK" or "ResourceDiscovered",
                3 => FastJson.OptionalString(ref reader, out arn),
                4 => FastJson.String(ref reader, scratch.Strings, out resourceType) && resourceType == ResourceItem.SecurityGroupType,
                5 => FastJson.OptionalString(ref reader, out resourceId),
                6 => FastJson.OptionalString(ref reader, out resourceName),
                7 => FastJson.OptionalString(ref reader, scratch.Strings, out region),
                8 => Configuration(ref reader, scratch, out group),
                _ => reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip(),
            };
            if (!ok) return null;
        }
        if (token != JsonTokenType.EndObject || group is null || resourceType is null) return null;
        if (resourceId is not null && resourceId != group.GroupId) return null;
        if (group.GroupName is null && resourceName is not null) group = group with { GroupName = resourceName };
        return ResourceItem.ForGroup(group, new ResourceContext(accountId, region, arn, captureTime));
    }

    /// <summary>The group in the configuration string: unescaped into the scratch buffer, then read as one whole document.</summary>
    private static bool Configuration(ref Utf8JsonReader reader, FastReaderScratch scratch, out SecurityGroup? group)
    {
        group = null;
        if (reader.TokenType != JsonTokenType.String) return false;
        ReadOnlySpan<byte> text;
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (scratch.Text.Length < length) scratch.Text = new byte[Math.Max(length, scratch.Text.Length * 2)];
            text = scratch.Text.AsSpan(0, reader.CopyString(scratch.Text));
        }
        else
        {
            text = reader.ValueSpan;
        }
        var inner = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = JsonText.MaxDepth });
        if (!inner.Read() || inner.TokenType != JsonTokenType.StartObject) return false;
        group = GroupFastReader<ConfigGroupNames>.ReadGroup(ref inner, scratch, out _);
        // Anything after the group's object is left to the canonical reader.
        return group is not null && !inner.Read();
    }

    private static bool Timestamp(ref Utf8JsonReader reader, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        var parsed = default(DateTimeOffset);
        var ok = reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetDouble(out var seconds) && JsonCursor.TryEpochSeconds(seconds, out parsed),
            JsonTokenType.String => JsonCursor.TryParseTimestamp(reader.GetString()!, out parsed),
            _ => false,
        };
        if (ok) timestamp = parsed;
        return ok;
    }
}
