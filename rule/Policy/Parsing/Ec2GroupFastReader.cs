using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Policy.Parsing;

/// <summary>
/// Reads one EC2 <c>DescribeSecurityGroups</c> group straight from its UTF-8 bytes, without building a document:
/// the hot path of a scan over a large export. It accepts only the plain shape the AWS CLI and SDKs print — the known
/// fields, each once, with the expected types — and returns null for anything else (an unknown or repeated field, a
/// null, a wrong type, an invalid value, broken JSON). The caller then reads the group with the canonical
/// <see cref="SecurityGroupReader"/>, which decides what the input means and reports any error with its path, so
/// this reader never has to. Differential tests hold the two to the same result.
/// <para>Its loops are compiled fully optimised at once (AggressiveOptimization): a scan is a short process, and
/// waiting for tiered compilation to promote them cost more than half of a 100k-group scan.</para>
/// </summary>
internal static class Ec2GroupFastReader
{
    /// <summary>The group that is the whole of <paramref name="utf8"/>, or null.</summary>
    public static ResourceItem? TryRead(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = JsonText.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            var item = TryReadAt(ref reader);
            // Anything after the group is left to the canonical reader.
            return item is not null && !reader.Read() ? item : null;
        }
        catch (JsonException)
        {
            return null; // broken JSON: the canonical reader reports where
        }
    }

    /// <summary>
    /// The group whose start the reader is on, leaving the reader on its end; or null, the reader then anywhere
    /// inside it (the caller goes back to the start). Also null when the reader's text stops inside the group, so
    /// the caller can give it more and try again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ResourceItem? TryReadAt(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        try
        {
            var scratch = Scratch.Take();
            var item = ReadGroup(ref reader, scratch);
            Scratch.Return(scratch);
            return item;
        }
        catch (JsonException)
        {
            return null; // broken JSON: the canonical reader reports where
        }
        catch (RuleFieldException)
        {
            return null; // an invalid protocol or port: the canonical reader reports it with its path
        }
        catch (InvalidOperationException)
        {
            return null; // a string that is not valid text (a lone surrogate escape): the canonical reader decides
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ResourceItem? ReadGroup(ref Utf8JsonReader reader, Scratch scratch)
    {
        string? groupId = null, groupName = null, description = null, vpcId = null, ownerId = null, arn = null;
        var seen = new SeenFields();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("GroupId"u8) ? 0
                : reader.ValueTextEquals("GroupName"u8) ? 1
                : reader.ValueTextEquals("Description"u8) ? 2
                : reader.ValueTextEquals("VpcId"u8) ? 3
                : reader.ValueTextEquals("OwnerId"u8) ? 4
                : reader.ValueTextEquals("SecurityGroupArn"u8) ? 5
                : reader.ValueTextEquals("IpPermissions"u8) ? 6
                : reader.ValueTextEquals("IpPermissionsEgress"u8) ? 7
                : reader.ValueTextEquals("Tags"u8) ? 8
                : -1;
            if (!seen.TryAdd(field)) return null;
            Next(ref reader);
            var ok = field switch
            {
                0 => NonEmptyString(ref reader, out groupId),
                1 => String(ref reader, out groupName),
                2 => String(ref reader, out description),
                3 => String(ref reader, scratch.Strings, out vpcId),
                4 => String(ref reader, scratch.Strings, out ownerId),
                5 => String(ref reader, out arn),
                6 => ReadPermissions(ref reader, scratch, keep: true),
                // Outbound rules are not part of the policy, but their structure is walked the same way (and nothing
                // kept), so that whatever the canonical reader would refuse, a repeated key or broken JSON, is refused.
                7 => ReadPermissions(ref reader, scratch, keep: false),
                _ => ReadTags(ref reader, scratch.Tags),
            };
            if (!ok) return null;
        }
        if (reader.TokenType != JsonTokenType.EndObject || groupId is null || !seen.Has(6)) return null;
        var group = new SecurityGroup(groupId, groupName, description, vpcId, ownerId,
            ImmutableArray.Create(CollectionsMarshal.AsSpan(scratch.Tags)),
            ImmutableArray.Create(CollectionsMarshal.AsSpan(scratch.Rules)));
        return ResourceItem.ForGroup(group, new ResourceContext(ownerId, null, arn, null));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPermissions(ref Utf8JsonReader reader, Scratch scratch, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            if (!ReadPermission(ref reader, scratch, keep)) return false;
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPermission(ref Utf8JsonReader reader, Scratch scratch, bool keep)
    {
        IpProtocol? protocol = null;
        int? fromPort = null, toPort = null;
        var sources = scratch.Sources;
        sources.Clear();
        var seen = new SeenFields();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("IpProtocol"u8) ? 0
                : reader.ValueTextEquals("FromPort"u8) ? 1
                : reader.ValueTextEquals("ToPort"u8) ? 2
                : reader.ValueTextEquals("IpRanges"u8) ? 3
                : reader.ValueTextEquals("Ipv6Ranges"u8) ? 4
                : reader.ValueTextEquals("PrefixListIds"u8) ? 5
                : reader.ValueTextEquals("UserIdGroupPairs"u8) ? 6
                : -1;
            if (!seen.TryAdd(field)) return false;
            Next(ref reader);
            var ok = field switch
            {
                0 => Protocol(ref reader, keep, out protocol),
                1 => Int(ref reader, out fromPort),
                2 => Int(ref reader, out toPort),
                3 => ReadRanges(ref reader, "CidrIp"u8, ipv6: false, sources, keep),
                4 => ReadRanges(ref reader, "CidrIpv6"u8, ipv6: true, sources, keep),
                5 => ReadPrefixLists(ref reader, sources, scratch.Strings, keep),
                _ => ReadPairs(ref reader, sources, scratch.Strings, keep),
            };
            if (!ok) return false;
        }
        if (reader.TokenType != JsonTokenType.EndObject || !seen.Has(0)) return false;
        if (!keep) return true;
        var (ports, icmp) = WireRuleFields.Ports(protocol!.Value, fromPort, toPort, "FromPort", "ToPort");
        // The canonical reader takes sources kind by kind (IPv4, IPv6, prefix lists, groups); the CLI prints the
        // fields in that order already, so reordering (stable, within a kind) is needed only for hand-made input.
        ReadOnlySpan<(IngressSource Source, string? Description)> ordered = CollectionsMarshal.AsSpan(sources);
        if (!IsInKindOrder(ordered)) ordered = sources.OrderBy(s => KindOrder(s.Source)).ToArray();
        GroupAssembly.AddPermission(scratch.Rules, protocol.Value, ports, icmp, ordered);
        return true;
    }

    /// <summary>Where a source's kind comes in the canonical reader's order.</summary>
    private static int KindOrder(IngressSource source) => source switch
    {
        CidrSource { Cidr.IsIPv6: false } => 0,
        CidrSource => 1,
        PrefixListSource => 2,
        _ => 3,
    };

    private static bool IsInKindOrder(ReadOnlySpan<(IngressSource Source, string? Description)> sources)
    {
        for (var i = 1; i < sources.Length; i++)
        {
            if (KindOrder(sources[i].Source) < KindOrder(sources[i - 1].Source)) return false;
        }
        return true;
    }

    private static bool ReadRanges(ref Utf8JsonReader reader, ReadOnlySpan<byte> cidrField, bool ipv6,
                                   List<(IngressSource Source, string? Description)> sources, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            Cidr? cidr = null;
            string? description = null;
            var seen = new SeenFields();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals(cidrField) ? 0 : reader.ValueTextEquals("Description"u8) ? 1 : -1;
                if (!seen.TryAdd(field)) return false;
                Next(ref reader);
                var ok = field == 0
                    ? CidrValue(ref reader, ipv6, keep, out cidr)
                    : keep ? String(ref reader, out description) : reader.TokenType == JsonTokenType.String;
                if (!ok) return false;
            }
            if (!seen.Has(0)) return false;
            if (keep) sources.Add((new CidrSource(cidr!.Value), description));
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPrefixLists(ref Utf8JsonReader reader, List<(IngressSource Source, string? Description)> sources, StringCache strings, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            string? id = null, description = null;
            var seen = new SeenFields();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("PrefixListId"u8) ? 0 : reader.ValueTextEquals("Description"u8) ? 1 : -1;
                if (!seen.TryAdd(field)) return false;
                Next(ref reader);
                if (!(field == 0 ? NonEmptyString(ref reader, strings, out id) : String(ref reader, out description))) return false;
            }
            if (id is null) return false;
            if (keep) sources.Add((new PrefixListSource(id), description));
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadPairs(ref Utf8JsonReader reader, List<(IngressSource Source, string? Description)> sources, StringCache strings, bool keep)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            string? groupId = null, groupName = null, userId = null, vpcId = null, peering = null, status = null, description = null;
            var seen = new SeenFields();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("GroupId"u8) ? 0
                    : reader.ValueTextEquals("GroupName"u8) ? 1
                    : reader.ValueTextEquals("UserId"u8) ? 2
                    : reader.ValueTextEquals("VpcId"u8) ? 3
                    : reader.ValueTextEquals("VpcPeeringConnectionId"u8) ? 4
                    : reader.ValueTextEquals("PeeringStatus"u8) ? 5
                    : reader.ValueTextEquals("Description"u8) ? 6
                    : -1;
                if (!seen.TryAdd(field)) return false;
                Next(ref reader);
                var ok = field switch
                {
                    0 => String(ref reader, strings, out groupId),
                    1 => String(ref reader, strings, out groupName),
                    2 => String(ref reader, strings, out userId),
                    3 => String(ref reader, strings, out vpcId),
                    4 => String(ref reader, strings, out peering),
                    5 => String(ref reader, strings, out status),
                    _ => String(ref reader, out description),
                };
                if (!ok) return false;
            }
            if (string.IsNullOrEmpty(groupId) && string.IsNullOrEmpty(groupName)) return false;
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
        return reader.TokenType == JsonTokenType.EndArray;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadTags(ref Utf8JsonReader reader, List<ResourceTag> tags)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            string? key = null, value = null;
            var seen = new SeenFields();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("Key"u8) ? 0 : reader.ValueTextEquals("Value"u8) ? 1 : -1;
                if (!seen.TryAdd(field)) return false;
                Next(ref reader);
                if (!(field == 0 ? NonEmptyString(ref reader, out key) : String(ref reader, out value))) return false;
            }
            if (key is null) return false;
            GroupAssembly.SetTag(tags, key, value ?? "");
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>The next token; None when the text stops (every caller then fails, and the group is not read here).</summary>
    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : JsonTokenType.None;

    /// <summary>A string value; null (absent-like) and other types are left to the canonical reader.</summary>
    private static bool String(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return value is not null;
    }

    /// <summary>A string value that repeats across groups (account and VPC ids): one instance per distinct value.</summary>
    private static bool String(ref Utf8JsonReader reader, StringCache strings, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? strings.Get(ref reader) : null;
        return value is not null;
    }

    private static bool NonEmptyString(ref Utf8JsonReader reader, out string? value) =>
        String(ref reader, out value) && value!.Length > 0;

    private static bool NonEmptyString(ref Utf8JsonReader reader, StringCache strings, out string? value) =>
        String(ref reader, strings, out value) && value!.Length > 0;

    private static bool Int(ref Utf8JsonReader reader, out int? value)
    {
        value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) ? number : null;
        return value is not null;
    }

    private static bool Protocol(ref Utf8JsonReader reader, bool keep, out IpProtocol? protocol)
    {
        protocol = null;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (!keep) return true;
        // The protocol is always one of a handful of short values: read it without making a string.
        Span<char> text = stackalloc char[8];
        if (reader.ValueSpan.Length > text.Length || reader.ValueIsEscaped) return false;
        var length = reader.CopyString(text);
        if (!IpProtocol.TryParse(text[..length], out var parsed)) return false;
        protocol = parsed;
        return true;
    }

    private static bool CidrValue(ref Utf8JsonReader reader, bool ipv6, bool keep, out Cidr? cidr)
    {
        cidr = null;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (!keep) return true;
        Span<char> text = stackalloc char[64];
        if (reader.ValueSpan.Length > text.Length || reader.ValueIsEscaped) return false;
        var length = reader.CopyString(text);
        if (!Cidr.TryParse(text[..length], out var parsed) || parsed.IsIPv6 != ipv6) return false;
        cidr = parsed;
        return true;
    }

    /// <summary>Lists reused from group to group, one set per thread, so that reading a group allocates only its model.</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? cached;

        public List<IngressRule> Rules { get; } = [];
        public List<ResourceTag> Tags { get; } = [];
        public List<(IngressSource Source, string? Description)> Sources { get; } = [];
        public StringCache Strings { get; } = new();

        public static Scratch Take()
        {
            var scratch = cached ?? new Scratch();
            cached = null;
            scratch.Rules.Clear();
            scratch.Tags.Clear();
            return scratch;
        }

        public static void Return(Scratch scratch) => cached = scratch;
    }

    /// <summary>The known fields an object has had so far; an unknown (-1) or repeated field is refused.</summary>
    private struct SeenFields
    {
        private int bits;

        public bool TryAdd(int field)
        {
            if (field < 0 || (bits & (1 << field)) != 0) return false;
            bits |= 1 << field;
            return true;
        }

        public readonly bool Has(int field) => (bits & (1 << field)) != 0;
    }
}
