using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads one EC2 <c>DescribeSecurityGroups</c> group straight from its UTF-8 bytes, without building a document:
/// the hot path of a scan over a large export. It accepts only the plain shape the AWS CLI and SDKs print — the known
/// fields, each once, with the expected types — and returns null for anything else (an unknown or repeated field, a
/// null, a wrong type, an invalid value, broken JSON). The caller then reads the group with the canonical
/// <see cref="SecurityGroupReader"/>, which decides what the input means and reports any error with its path, so
/// this reader never has to. Differential tests hold the two to the same result.
/// </summary>
internal static class Ec2GroupFastReader
{
    /// <summary>The group that is the whole of <paramref name="utf8"/>, or null.</summary>
    public static ResourceItem? TryRead(ReadOnlySpan<byte> utf8) => FastJson.TryReadWhole(utf8, TryReadAt);

    /// <summary>
    /// The group whose start the reader is on, leaving the reader on its end; or null, the reader then anywhere
    /// inside it (the caller goes back to the start). Also null when the reader's text stops inside the group, so
    /// the caller can give it more and try again.
    /// </summary>
    public static ResourceItem? TryReadAt(ref Utf8JsonReader reader) => FastReaderScratch.Run(ref reader, ReadItem);

    private static ResourceItem? ReadItem(ref Utf8JsonReader reader, FastReaderScratch scratch)
    {
        var tokens = new ReaderTokens(reader);
        var group = GroupFastReader<Ec2GroupNames, ReaderTokens>.ReadGroup(ref tokens, scratch, out var arn);
        reader = tokens.Reader;
        return group is null ? null : ResourceItem.ForGroup(group, new ResourceContext(group.OwnerId, null, arn, null));
    }
}

/// <summary>The field names of one shape of the permission-list structure, as UTF-8 (see <see cref="GroupFieldNames"/>).</summary>
internal interface IGroupNamesUtf8
{
    static abstract ReadOnlySpan<byte> GroupId { get; }
    static abstract ReadOnlySpan<byte> GroupName { get; }
    static abstract ReadOnlySpan<byte> Description { get; }
    static abstract ReadOnlySpan<byte> VpcId { get; }
    static abstract ReadOnlySpan<byte> OwnerId { get; }
    static abstract ReadOnlySpan<byte> SecurityGroupArn { get; }
    static abstract ReadOnlySpan<byte> IpPermissions { get; }
    static abstract ReadOnlySpan<byte> IpPermissionsEgress { get; }
    static abstract ReadOnlySpan<byte> Tags { get; }
    static abstract ReadOnlySpan<byte> TagKey { get; }
    static abstract ReadOnlySpan<byte> TagValue { get; }
    static abstract ReadOnlySpan<byte> IpProtocol { get; }
    static abstract ReadOnlySpan<byte> FromPort { get; }
    static abstract ReadOnlySpan<byte> ToPort { get; }
    static abstract ReadOnlySpan<byte> IpRanges { get; }

    /// <summary>Config's second IPv4 list (objects); empty for EC2, which has none.</summary>
    static abstract ReadOnlySpan<byte> Ipv4Ranges { get; }

    static abstract ReadOnlySpan<byte> CidrIp { get; }
    static abstract ReadOnlySpan<byte> Ipv6Ranges { get; }
    static abstract ReadOnlySpan<byte> CidrIpv6 { get; }
    static abstract ReadOnlySpan<byte> PrefixListIds { get; }
    static abstract ReadOnlySpan<byte> PrefixListId { get; }
    static abstract ReadOnlySpan<byte> UserIdGroupPairs { get; }
    static abstract ReadOnlySpan<byte> UserId { get; }
    static abstract ReadOnlySpan<byte> VpcPeeringConnectionId { get; }
    static abstract ReadOnlySpan<byte> PeeringStatus { get; }
}

/// <summary>EC2 <c>DescribeSecurityGroups</c>, PascalCase.</summary>
internal readonly struct Ec2GroupNames : IGroupNamesUtf8
{
    public static ReadOnlySpan<byte> GroupId => "GroupId"u8;
    public static ReadOnlySpan<byte> GroupName => "GroupName"u8;
    public static ReadOnlySpan<byte> Description => "Description"u8;
    public static ReadOnlySpan<byte> VpcId => "VpcId"u8;
    public static ReadOnlySpan<byte> OwnerId => "OwnerId"u8;
    public static ReadOnlySpan<byte> SecurityGroupArn => "SecurityGroupArn"u8;
    public static ReadOnlySpan<byte> IpPermissions => "IpPermissions"u8;
    public static ReadOnlySpan<byte> IpPermissionsEgress => "IpPermissionsEgress"u8;
    public static ReadOnlySpan<byte> Tags => "Tags"u8;
    public static ReadOnlySpan<byte> TagKey => "Key"u8;
    public static ReadOnlySpan<byte> TagValue => "Value"u8;
    public static ReadOnlySpan<byte> IpProtocol => "IpProtocol"u8;
    public static ReadOnlySpan<byte> FromPort => "FromPort"u8;
    public static ReadOnlySpan<byte> ToPort => "ToPort"u8;
    public static ReadOnlySpan<byte> IpRanges => "IpRanges"u8;
    public static ReadOnlySpan<byte> Ipv4Ranges => [];
    public static ReadOnlySpan<byte> CidrIp => "CidrIp"u8;
    public static ReadOnlySpan<byte> Ipv6Ranges => "Ipv6Ranges"u8;
    public static ReadOnlySpan<byte> CidrIpv6 => "CidrIpv6"u8;
    public static ReadOnlySpan<byte> PrefixListIds => "PrefixListIds"u8;
    public static ReadOnlySpan<byte> PrefixListId => "PrefixListId"u8;
    public static ReadOnlySpan<byte> UserIdGroupPairs => "UserIdGroupPairs"u8;
    public static ReadOnlySpan<byte> UserId => "UserId"u8;
    public static ReadOnlySpan<byte> VpcPeeringConnectionId => "VpcPeeringConnectionId"u8;
    public static ReadOnlySpan<byte> PeeringStatus => "PeeringStatus"u8;
}

/// <summary>A Config item's <c>configuration</c>, camelCase.</summary>
internal readonly struct ConfigGroupNames : IGroupNamesUtf8
{
    public static ReadOnlySpan<byte> GroupId => "groupId"u8;
    public static ReadOnlySpan<byte> GroupName => "groupName"u8;
    public static ReadOnlySpan<byte> Description => "description"u8;
    public static ReadOnlySpan<byte> VpcId => "vpcId"u8;
    public static ReadOnlySpan<byte> OwnerId => "ownerId"u8;
    public static ReadOnlySpan<byte> SecurityGroupArn => "securityGroupArn"u8;
    public static ReadOnlySpan<byte> IpPermissions => "ipPermissions"u8;
    public static ReadOnlySpan<byte> IpPermissionsEgress => "ipPermissionsEgress"u8;
    public static ReadOnlySpan<byte> Tags => "tags"u8;
    public static ReadOnlySpan<byte> TagKey => "key"u8;
    public static ReadOnlySpan<byte> TagValue => "value"u8;
    public static ReadOnlySpan<byte> IpProtocol => "ipProtocol"u8;
    public static ReadOnlySpan<byte> FromPort => "fromPort"u8;
    public static ReadOnlySpan<byte> ToPort => "toPort"u8;
    public static ReadOnlySpan<byte> IpRanges => "ipRanges"u8;
    public static ReadOnlySpan<byte> Ipv4Ranges => "ipv4Ranges"u8;
    public static ReadOnlySpan<byte> CidrIp => "cidrIp"u8;
    public static ReadOnlySpan<byte> Ipv6Ranges => "ipv6Ranges"u8;
    public static ReadOnlySpan<byte> CidrIpv6 => "cidrIpv6"u8;
    public static ReadOnlySpan<byte> PrefixListIds => "prefixListIds"u8;
    public static ReadOnlySpan<byte> PrefixListId => "prefixListId"u8;
    public static ReadOnlySpan<byte> UserIdGroupPairs => "userIdGroupPairs"u8;
    public static ReadOnlySpan<byte> UserId => "userId"u8;
    public static ReadOnlySpan<byte> VpcPeeringConnectionId => "vpcPeeringConnectionId"u8;
    public static ReadOnlySpan<byte> PeeringStatus => "peeringStatus"u8;
}

/// <summary>
/// The permission-list structure read without a document, for one shape's names (a struct type argument, so each shape
/// gets its own compiled code with the names as constants). Returns null for anything but the plain shape.
/// <para>Its loops are compiled fully optimised at once (AggressiveOptimization): a scan is a short process, and
/// waiting for tiered compilation to promote them cost more than half of a 100k-group scan.</para>
/// </summary>
internal static class GroupFastReader<TNames, TTokens> where TNames : struct, IGroupNamesUtf8 where TTokens : IFastTokens, allows ref struct
{
    // Where each source list comes in the canonical reader's order (SecurityGroupReader.ReadPermission).
    private const int IpRangesSlot = 0, Ipv4RangesSlot = 1, Ipv6RangesSlot = 2, PrefixListsSlot = 3, PairsSlot = 4;

    /// <summary>
    /// The group whose start the reader is on (leaving it on the group's end), or null; may throw what a broken text
    /// throws, which <see cref="FastReaderScratch.Run{T}"/> turns into null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SecurityGroup? ReadGroup(ref TTokens reader, FastReaderScratch scratch, out string? arn)
    {
        string? groupId = null, groupName = null, description = null, vpcId = null, ownerId = null;
        arn = null;
        // Emptied here, by the one reader that fills them: a read given up (by another tokenizer, say) leaves them full.
        scratch.Rules.Clear();
        scratch.Tags.Clear();
        var seen = new SeenFields();
        JsonTokenType token;
        while ((token = reader.Next()) == JsonTokenType.PropertyName)
        {
            var field = reader.NameIs(TNames.GroupId) ? 0
                : reader.NameIs(TNames.GroupName) ? 1
                : reader.NameIs(TNames.Description) ? 2
                : reader.NameIs(TNames.VpcId) ? 3
                : reader.NameIs(TNames.OwnerId) ? 4
                : reader.NameIs(TNames.SecurityGroupArn) ? 5
                : reader.NameIs(TNames.IpPermissions) ? 6
                : reader.NameIs(TNames.IpPermissionsEgress) ? 7
                : reader.NameIs(TNames.Tags) ? 8
                : -1;
            if (!seen.TryAdd(field) || reader.Next() == JsonTokenType.None) return null;
            var ok = field switch
            {
                0 => FastJson.NonEmptyString(ref reader, scratch.Strings, out groupId),
                1 => FastJson.OptionalString(ref reader, scratch.Strings, out groupName),
                2 => FastJson.OptionalString(ref reader, scratch.Strings, out description),
                3 => FastJson.OptionalString(ref reader, scratch.Strings, out vpcId),
                4 => FastJson.OptionalString(ref reader, scratch.Strings, out ownerId),
                5 => FastJson.OptionalString(ref reader, out arn),
                6 => ReadPermissions(ref reader, scratch, keep: true),
                // Outbound rules are not part of the policy, but their structure is walked the same way (and nothing
                // kept), so that whatever the canonical reader would refuse, a repeated key or broken JSON, is refused.
                7 => ReadPermissions(ref reader, scratch, keep: false),
                _ => ReadTags(ref reader, scratch.Tags, scratch.Strings),
            };
            if (!ok) return null;
        }
        if (token != JsonTokenType.EndObject || groupId is null || !seen.Has(6)) return null;
        return new SecurityGroup(groupId, groupName, description, vpcId, ownerId,
            ImmutableArray.Create(CollectionsMarshal.AsSpan(scratch.Tags)),
            ImmutableArray.Create(CollectionsMarshal.AsSpan(scratch.Rules)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPermissions(ref TTokens reader, FastReaderScratch scratch, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        JsonTokenType token;
        while ((token = reader.Next()) == JsonTokenType.StartObject)
        {
            if (!ReadPermission(ref reader, scratch, keep)) return false;
        }
        return token == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPermission(ref TTokens reader, FastReaderScratch scratch, bool keep)
    {
        IpProtocol? protocol = null;
        int? fromPort = null, toPort = null;
        var slots = scratch.SourceSlots;
        foreach (var slot in slots) slot.Clear();
        var seen = new SeenFields();
        JsonTokenType token;
        while ((token = reader.Next()) == JsonTokenType.PropertyName)
        {
            var field = reader.NameIs(TNames.IpProtocol) ? 0
                : reader.NameIs(TNames.FromPort) ? 1
                : reader.NameIs(TNames.ToPort) ? 2
                : reader.NameIs(TNames.IpRanges) ? 3
                : !TNames.Ipv4Ranges.IsEmpty && reader.NameIs(TNames.Ipv4Ranges) ? 4
                : reader.NameIs(TNames.Ipv6Ranges) ? 5
                : reader.NameIs(TNames.PrefixListIds) ? 6
                : reader.NameIs(TNames.UserIdGroupPairs) ? 7
                : -1;
            if (!seen.TryAdd(field) || reader.Next() == JsonTokenType.None) return false;
            var ok = field switch
            {
                0 => FastJson.Protocol(ref reader, keep, out protocol),
                // Config writes the ports of all-traffic rules as null, which the canonical reader takes as absent.
                1 => reader.TokenType == JsonTokenType.Null || FastJson.Int(ref reader, out fromPort),
                2 => reader.TokenType == JsonTokenType.Null || FastJson.Int(ref reader, out toPort),
                3 => ReadRanges(ref reader, TNames.CidrIp, ipv6: false, stringsAllowed: true, slots[IpRangesSlot], scratch, keep),
                4 => ReadRanges(ref reader, TNames.CidrIp, ipv6: false, stringsAllowed: false, slots[Ipv4RangesSlot], scratch, keep),
                5 => ReadRanges(ref reader, TNames.CidrIpv6, ipv6: true, stringsAllowed: true, slots[Ipv6RangesSlot], scratch, keep),
                6 => ReadPrefixLists(ref reader, slots[PrefixListsSlot], scratch.Strings, keep),
                _ => ReadPairs(ref reader, slots[PairsSlot], scratch.Strings, keep),
            };
            if (!ok) return false;
        }
        if (token != JsonTokenType.EndObject || !seen.Has(0)) return false;
        if (!keep) return true;
        var (ports, icmp) = WireRuleFields.Ports(protocol!.Value, fromPort, toPort, "FromPort", "ToPort");
        // The canonical reader takes the lists in a fixed order whatever the order of the fields in the text.
        var sources = scratch.Sources;
        sources.Clear();
        foreach (var slot in slots) sources.AddRange(CollectionsMarshal.AsSpan(slot));
        GroupAssembly.AddPermission(scratch.Rules, protocol.Value, ports, icmp, CollectionsMarshal.AsSpan(sources));
        return true;
    }

    /// <summary>CIDR ranges: objects with the CIDR and an optional description, or (Config's legacy lists) plain strings.</summary>
    private static bool ReadRanges(ref TTokens reader, ReadOnlySpan<byte> cidrField, bool ipv6, bool stringsAllowed,
                                   List<(IngressSource Source, string? Description)> sources, FastReaderScratch scratch, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Next() is var token && token != JsonTokenType.EndArray)
        {
            if (token == JsonTokenType.String && stringsAllowed)
            {
                if (!FastJson.CidrSource(ref reader, ipv6, keep, scratch, out var plain)) return false;
                if (keep) sources.Add((plain!, null));
                continue;
            }
            if (token != JsonTokenType.StartObject) return false;
            CidrSource? cidr = null;
            string? description = null;
            var seen = new SeenFields();
            JsonTokenType inner;
            while ((inner = reader.Next()) == JsonTokenType.PropertyName)
            {
                var field = reader.NameIs(cidrField) ? 0 : reader.NameIs(TNames.Description) ? 1 : -1;
                if (!seen.TryAdd(field) || reader.Next() == JsonTokenType.None) return false;
                var ok = field == 0
                    ? FastJson.CidrSource(ref reader, ipv6, keep, scratch, out cidr)
                    : keep ? FastJson.OptionalString(ref reader, scratch.Strings, out description) : reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
                if (!ok) return false;
            }
            if (inner != JsonTokenType.EndObject || !seen.Has(0)) return false;
            if (keep) sources.Add((cidr!, description));
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPrefixLists(ref TTokens reader, List<(IngressSource Source, string? Description)> sources, StringCache strings, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        JsonTokenType token;
        while ((token = reader.Next()) == JsonTokenType.StartObject)
        {
            string? id = null, description = null;
            var seen = new SeenFields();
            JsonTokenType inner;
            while ((inner = reader.Next()) == JsonTokenType.PropertyName)
            {
                var field = reader.NameIs(TNames.PrefixListId) ? 0 : reader.NameIs(TNames.Description) ? 1 : -1;
                if (!seen.TryAdd(field) || reader.Next() == JsonTokenType.None) return false;
                if (!(field == 0 ? FastJson.NonEmptyString(ref reader, strings, out id) : FastJson.OptionalString(ref reader, strings, out description))) return false;
            }
            if (inner != JsonTokenType.EndObject || id is null) return false;
            if (keep) sources.Add((new PrefixListSource(id), description));
        }
        return token == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPairs(ref TTokens reader, List<(IngressSource Source, string? Description)> sources, StringCache strings, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        JsonTokenType token;
        while ((token = reader.Next()) == JsonTokenType.StartObject)
        {
            string? groupId = null, groupName = null, userId = null, vpcId = null, peering = null, status = null, description = null;
            var seen = new SeenFields();
            JsonTokenType inner;
            while ((inner = reader.Next()) == JsonTokenType.PropertyName)
            {
                var field = reader.NameIs(TNames.GroupId) ? 0
                    : reader.NameIs(TNames.GroupName) ? 1
                    : reader.NameIs(TNames.UserId) ? 2
                    : reader.NameIs(TNames.VpcId) ? 3
                    : reader.NameIs(TNames.VpcPeeringConnectionId) ? 4
                    : reader.NameIs(TNames.PeeringStatus) ? 5
                    : reader.NameIs(TNames.Description) ? 6
                    : -1;
                if (!seen.TryAdd(field) || reader.Next() == JsonTokenType.None) return false;
                var ok = field switch
                {
                    0 => FastJson.OptionalString(ref reader, strings, out groupId),
                    1 => FastJson.OptionalString(ref reader, strings, out groupName),
                    2 => FastJson.OptionalString(ref reader, strings, out userId),
                    3 => FastJson.OptionalString(ref reader, strings, out vpcId),
                    4 => FastJson.OptionalString(ref reader, strings, out peering),
                    5 => FastJson.OptionalString(ref reader, strings, out status),
                    _ => FastJson.OptionalString(ref reader, strings, out description),
                };
                if (!ok) return false;
            }
            if (inner != JsonTokenType.EndObject || (string.IsNullOrEmpty(groupId) && string.IsNullOrEmpty(groupName))) return false;
            if (keep)
            {
                sources.Add((new SecurityGroupSource(
                    GroupId: string.IsNullOrEmpty(groupId) ? null : groupId,
                    GroupName: groupName,
                    UserId: userId,
                    VpcId: vpcId,
                    VpcPeeringConnectionId: peering,
                    PeeringStatus: status), description));
            }
        }
        return token == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadTags(ref TTokens reader, List<ResourceTag> tags, StringCache strings)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        JsonTokenType token;
        while ((token = reader.Next()) == JsonTokenType.StartObject)
        {
            string? key = null, value = null;
            var seen = new SeenFields();
            JsonTokenType inner;
            while ((inner = reader.Next()) == JsonTokenType.PropertyName)
            {
                var field = reader.NameIs(TNames.TagKey) ? 0 : reader.NameIs(TNames.TagValue) ? 1 : -1;
                if (!seen.TryAdd(field) || reader.Next() == JsonTokenType.None) return false;
                if (!(field == 0 ? FastJson.NonEmptyString(ref reader, strings, out key) : FastJson.OptionalString(ref reader, strings, out value))) return false;
            }
            if (inner != JsonTokenType.EndObject || key is null) return false;
            GroupAssembly.SetTag(tags, key, value ?? "");
        }
        return token == JsonTokenType.EndArray;
    }
}
