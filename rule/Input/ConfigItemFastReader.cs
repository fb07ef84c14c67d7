using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads one item of a <c>BatchGetResourceConfig</c> response (<c>baseConfigurationItems</c>) straight from its UTF-8
/// bytes: the envelope, then the group in its <c>configuration</c> string, unescaped into a reused buffer and read by
/// the fast group reader. Like <see cref="Ec2GroupFastReader"/> it accepts only the plain case — a security group
/// that Config recorded (<c>OK</c> or <c>ResourceDiscovered</c>), the API's known fields each once with the expected
/// types — and returns null for anything else; <see cref="ConfigItemReader"/> then decides what the item means and
/// reports any error with its path. Differential tests hold the two to the same result.
/// <para>Two ways in, one meaning: on a <see cref="Utf8JsonReader"/> (a stream's reader), or by <see cref="TryScan"/>
/// over the item's whole text, which reads the flat envelope itself and unescapes the configuration string in the
/// same pass that checks it — the JSON reader checks the string byte by byte, then unescapes it in a second pass, and
/// the string is most of an item. The scan takes only the plainest envelope (strings without escapes, nulls, empty
/// objects) and gives anything else up to the JSON reader. Both set the fields through <see cref="Fields"/>.</para>
/// </summary>
internal static class ConfigItemFastReader
{
    /// <summary>The item that is the whole of <paramref name="utf8"/>, or null.</summary>
    public static ResourceItem? TryRead(ReadOnlySpan<byte> utf8) =>
        TryScan(utf8, out var consumed) is { } item && FastJson.SkipWhitespace(utf8, consumed) == utf8.Length ? item : TryReadWithReader(utf8);

    /// <summary>As <see cref="TryRead"/>, on the JSON reader alone (the way a stream is read).</summary>
    internal static ResourceItem? TryReadWithReader(ReadOnlySpan<byte> utf8) => FastJson.TryReadWhole(utf8, TryReadAt);

    /// <summary>The item whose start the reader is on (leaving it on the item's end), or null; see <see cref="Ec2GroupFastReader.TryReadAt"/>.</summary>
    public static ResourceItem? TryReadAt(ref Utf8JsonReader reader) => FastReaderScratch.Run(ref reader, ReadItem);

    /// <summary>
    /// The item at the start of <paramref name="text"/> (after any whitespace) and the bytes it took, or null: the
    /// envelope is not the plainest kind, or the text is not an item — the JSON reader then reads it.
    /// </summary>
    public static ResourceItem? TryScan(ReadOnlySpan<byte> text, out int consumed) => FastReaderScratch.Run(text, out consumed, ScanItem);

    // The envelope's fields, by index: the known fields the canonical reader reads (0–8), then those it never looks at.
    private const int AccountId = 0, CaptureTime = 1, Status = 2, Arn = 3, ResourceType = 4, ResourceId = 5, ResourceName = 6, Region = 7, Configuration = 8;

    private static readonly byte[][] FieldNames =
    [
        "accountId"u8.ToArray(), "configurationItemCaptureTime"u8.ToArray(), "configurationItemStatus"u8.ToArray(),
        "arn"u8.ToArray(), "resourceType"u8.ToArray(), "resourceId"u8.ToArray(), "resourceName"u8.ToArray(),
        "awsRegion"u8.ToArray(), "configuration"u8.ToArray(),
        // Fields the canonical reader never looks at, whatever their value.
        "version"u8.ToArray(), "configurationStateId"u8.ToArray(), "configurationItemMD5Hash"u8.ToArray(),
        "availabilityZone"u8.ToArray(), "resourceCreationTime"u8.ToArray(), "supplementaryConfiguration"u8.ToArray(),
        // Items recorded daily (recordingFrequency DAILY) say so, and when Config delivered them.
        "recordingFrequency"u8.ToArray(), "configurationItemDeliveryTime"u8.ToArray(),
    ];

    /// <summary>What an item's envelope said, and the rules both ways in apply to it.</summary>
    private struct Fields
    {
        public string? AccountId, Status, Arn, ResourceType, ResourceId, ResourceName, Region;
        public DateTimeOffset? CaptureTime;
        public SecurityGroup? Group;
        public SeenFields Seen;

        /// <summary>Only what Config recorded is plain; a deleted or failed item is for the canonical reader to judge.</summary>
        public static bool IsRecorded(string? status) => status is null or "OK" or "ResourceDiscovered";

        public static bool IsSecurityGroup(string? resourceType) => resourceType == ResourceItem.SecurityGroupType;

        public readonly ResourceItem? Build()
        {
            if (Group is null || ResourceType is null) return null;
            if (ResourceId is not null && ResourceId != Group.GroupId) return null;
            var group = Group.GroupName is null && ResourceName is not null ? Group with { GroupName = ResourceName } : Group;
            return ResourceItem.ForGroup(group, new ResourceContext(AccountId, Region, Arn, CaptureTime));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ResourceItem? ReadItem(ref Utf8JsonReader reader, FastReaderScratch scratch)
    {
        var fields = new Fields();
        var tokens = new ReaderTokens(reader);
        JsonTokenType token;
        while ((token = tokens.Next()) == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref tokens.Reader);
            if (!fields.Seen.TryAdd(field) || tokens.Next() == JsonTokenType.None) return null;
            var ok = field switch
            {
                AccountId => FastJson.OptionalString(ref tokens, scratch.Strings, out fields.AccountId),
                CaptureTime => tokens.TokenType == JsonTokenType.Null || Timestamp(ref tokens.Reader, out fields.CaptureTime),
                Status => FastJson.OptionalString(ref tokens, scratch.Strings, out fields.Status) && Fields.IsRecorded(fields.Status),
                Arn => FastJson.OptionalString(ref tokens, out fields.Arn),
                ResourceType => FastJson.String(ref tokens, scratch.Strings, out fields.ResourceType) && Fields.IsSecurityGroup(fields.ResourceType),
                // Through the cache: the group's own id and name, read next, are then the same strings.
                ResourceId => FastJson.OptionalString(ref tokens, scratch.Strings, out fields.ResourceId),
                ResourceName => FastJson.OptionalString(ref tokens, scratch.Strings, out fields.ResourceName),
                Region => FastJson.OptionalString(ref tokens, scratch.Strings, out fields.Region),
                Configuration => ConfigurationString(ref tokens.Reader, scratch, out fields.Group),
                _ => tokens.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || tokens.Reader.TrySkip(),
            };
            if (!ok) return null;
        }
        // The caller checks that the reader ended on the item's own end.
        reader = tokens.Reader;
        return token == JsonTokenType.EndObject ? fields.Build() : null;
    }

    private static int FieldOf(ref Utf8JsonReader reader)
    {
        for (var field = 0; field < FieldNames.Length; field++)
        {
            if (reader.ValueTextEquals(FieldNames[field])) return field;
        }
        return -1;
    }

    /// <summary>The fields by the length of their name: an envelope has a dozen names, each compared with those of its length only.</summary>
    private static readonly int[][] FieldsByLength =
        [.. Enumerable.Range(0, FieldNames.Max(n => n.Length) + 1).Select(length => Enumerable.Range(0, FieldNames.Length).Where(f => FieldNames[f].Length == length).ToArray())];

    private static int FieldOf(ReadOnlySpan<byte> name)
    {
        if (name.Length >= FieldsByLength.Length) return -1;
        foreach (var field in FieldsByLength[name.Length])
        {
            if (name.SequenceEqual(FieldNames[field])) return field;
        }
        return -1;
    }

    /// <summary>
    /// The group in the configuration string: read where it is (<see cref="EscapedGroup"/>), or else unescaped into the
    /// scratch buffer and read as one whole document.
    /// </summary>
    private static bool ConfigurationString(ref Utf8JsonReader reader, FastReaderScratch scratch, out SecurityGroup? group)
    {
        group = null;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (reader.HasValueSequence || !reader.ValueIsEscaped) return UnescapedGroup(ref reader, scratch, out group);
        // The reader's value is the string's text without its quotes: the document must end where it does.
        var text = reader.ValueSpan;
        return (EscapedGroup(text, scratch, out group) is var end && end == text.Length) || UnescapedGroup(ref reader, scratch, out group);
    }

    private static bool UnescapedGroup(ref Utf8JsonReader reader, FastReaderScratch scratch, out SecurityGroup? group)
    {
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
        return GroupOf(text, scratch, out group);
    }

    /// <summary>
    /// The group read from its configuration string as it stands, still escaped (<see cref="EscapedJsonTokens"/>):
    /// where the spaces after the group end in <paramref name="escaped"/> (the text after the string's opening quote),
    /// or -1 when it is not the plain case, <paramref name="group"/> then null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int EscapedGroup(ReadOnlySpan<byte> escaped, FastReaderScratch scratch, out SecurityGroup? group)
    {
        var tokens = new EscapedJsonTokens(escaped);
        group = tokens.Next() == JsonTokenType.StartObject ? GroupFastReader<ConfigGroupNames, EscapedJsonTokens>.ReadGroup(ref tokens, scratch, out _) : null;
        if (group is not null && tokens.TryEnd(out var end)) return end;
        group = null;
        return -1;
    }

    /// <summary>The group of a configuration string read in place, and nothing else (no unescaping if declined): for tests that must see this path.</summary>
    internal static SecurityGroup? ReadGroupInPlace(ReadOnlySpan<byte> escaped) =>
        FastReaderScratch.Run(escaped, out _, static (ReadOnlySpan<byte> text, FastReaderScratch scratch, out int consumed) =>
        {
            consumed = EscapedGroup(text, scratch, out var group);
            return group;
        });

    private static bool GroupOf(ReadOnlySpan<byte> configuration, FastReaderScratch scratch, out SecurityGroup? group)
    {
        group = null;
        var inner = new Utf8JsonReader(configuration, new JsonReaderOptions { MaxDepth = JsonText.MaxDepth });
        if (!inner.Read() || inner.TokenType != JsonTokenType.StartObject) return false;
        var tokens = new ReaderTokens(inner);
        group = GroupFastReader<ConfigGroupNames, ReaderTokens>.ReadGroup(ref tokens, scratch, out _);
        // Anything after the group's object is left to the canonical reader.
        return group is not null && !tokens.Reader.Read();
    }

    private static bool Timestamp(ref Utf8JsonReader reader, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        var parsed = default(DateTimeOffset);
        var ok = reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetDouble(out var seconds) && JsonCursor.TryEpochSeconds(seconds, out parsed),
            JsonTokenType.String => (!reader.ValueIsEscaped && !reader.HasValueSequence && IsoTimestamp.TryParse(reader.ValueSpan, out parsed))
                                    || JsonCursor.TryParseTimestamp(reader.GetString()!, out parsed),
            _ => false,
        };
        if (ok) timestamp = parsed;
        return ok;
    }

    /// <summary>
    /// The flat envelope, read by hand: <c>{ "name": value, … }</c> where each value is a string without escapes (the
    /// configuration string may have the simple ones), <c>null</c>, or an empty object for the fields never looked at.
    /// The syntax it takes is a subset of JSON's, checked as strictly; anything else gives the item up (null).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ResourceItem? ScanItem(ReadOnlySpan<byte> text, FastReaderScratch scratch, out int consumed)
    {
        consumed = 0;
        var at = FastJson.SkipWhitespace(text, 0);
        if (at >= text.Length || text[at] != (byte)'{') return null;
        at = FastJson.SkipWhitespace(text, at + 1);
        var fields = new Fields();
        while (true)
        {
            if (!PlainString(text, ref at, PlainRun.AnyByte, out var name)) return null;
            at = FastJson.SkipWhitespace(text, at);
            if (at >= text.Length || text[at] != (byte)':') return null;
            at = FastJson.SkipWhitespace(text, at + 1);
            var field = FieldOf(name);
            if (!fields.Seen.TryAdd(field) || at >= text.Length) return null;
            bool ok;
            if (text[at] == (byte)'"')
            {
                if (field == Configuration)
                {
                    // Read where it is if plain, ending at the string's closing quote; else unescaped, then read.
                    var end = EscapedGroup(text[(at + 1)..], scratch, out fields.Group);
                    if (end >= 0 && at + 1 + end < text.Length && text[at + 1 + end] == (byte)'"')
                    {
                        at += end + 2;
                        ok = true;
                    }
                    else
                    {
                        ok = UnescapedString(text, ref at, scratch, out var configuration) && GroupOf(configuration, scratch, out fields.Group);
                    }
                }
                else
                {
                    if (!PlainString(text, ref at, PlainRun.Printable, out var value)) return null;
                    ok = field switch
                    {
                        AccountId => Keep(scratch.Strings.Get(value), out fields.AccountId),
                        CaptureTime => Timestamp(value, out fields.CaptureTime),
                        Status => Keep(scratch.Strings.Get(value), out fields.Status) && Fields.IsRecorded(fields.Status),
                        Arn => Keep(System.Text.Encoding.ASCII.GetString(value), out fields.Arn),
                        ResourceType => Keep(scratch.Strings.Get(value), out fields.ResourceType) && Fields.IsSecurityGroup(fields.ResourceType),
                        // Through the cache: the group's own id and name, read next, are then the same strings.
                        ResourceId => Keep(scratch.Strings.Get(value), out fields.ResourceId),
                        ResourceName => Keep(scratch.Strings.Get(value), out fields.ResourceName),
                        Region => Keep(scratch.Strings.Get(value), out fields.Region),
                        _ => true,
                    };
                }
            }
            else if (text[at..].StartsWith("null"u8))
            {
                at += 4;
                // Null is absent for the optional fields; the type and the configuration must be there.
                ok = field is not (ResourceType or Configuration);
            }
            else if (text[at] == (byte)'{' && field > Configuration)
            {
                at = FastJson.SkipWhitespace(text, at + 1);
                ok = at < text.Length && text[at++] == (byte)'}';
            }
            else
            {
                return null;
            }
            if (!ok) return null;
            at = FastJson.SkipWhitespace(text, at);
            if (at >= text.Length) return null;
            if (text[at] == (byte)'}')
            {
                consumed = at + 1;
                return fields.Build();
            }
            if (text[at] != (byte)',') return null;
            at = FastJson.SkipWhitespace(text, at + 1);
        }
    }

    private static bool Keep(string value, out string? field)
    {
        field = value;
        return true;
    }

    /// <summary>
    /// A string with no escape, no control character and no byte above <paramref name="highest"/> (<see cref="PlainRun"/>)
    /// but its closing quote; <paramref name="at"/> moves past it.
    /// </summary>
    private static bool PlainString(ReadOnlySpan<byte> text, ref int at, byte highest, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (at >= text.Length || text[at] != (byte)'"') return false;
        var end = PlainRun.End(text, at + 1, highest);
        if (end >= text.Length || text[end] != (byte)'"') return false;
        value = text[(at + 1)..end];
        at = end + 1;
        return true;
    }

    /// <summary>
    /// The string at <paramref name="at"/>, unescaped into the scratch buffer as it is checked: the one-character
    /// escapes only (a <c>\u</c> escape gives the item up), no control character, valid UTF-8.
    /// <para>32 bytes at a time: each block is copied whole, and only the bytes before its first quote, backslash or
    /// control character are kept — the configuration has an escape every few bytes, too often for a search per run.</para>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool UnescapedString(ReadOnlySpan<byte> text, ref int at, FastReaderScratch scratch, out ReadOnlySpan<byte> unescaped)
    {
        unescaped = default;
        var from = at + 1;
        var written = 0;
        var output = scratch.Text;
        var quote = Vector256.Create((byte)'"');
        var backslash = Vector256.Create((byte)'\\');
        var space = Vector256.Create((byte)' ');
        while (true)
        {
            if (output.Length < written + Vector256<byte>.Count)
            {
                var larger = new byte[Math.Max(written + Vector256<byte>.Count, output.Length * 2)];
                output.AsSpan(0, written).CopyTo(larger);
                scratch.Text = output = larger;
            }
            if (from + Vector256<byte>.Count <= text.Length)
            {
                var block = Vector256.Create(text.Slice(from, Vector256<byte>.Count));
                block.CopyTo(output.AsSpan(written));
                var special = (Vector256.Equals(block, quote) | Vector256.Equals(block, backslash) | Vector256.LessThan(block, space)).ExtractMostSignificantBits();
                if (special == 0)
                {
                    from += Vector256<byte>.Count;
                    written += Vector256<byte>.Count;
                    continue;
                }
                var plain = BitOperations.TrailingZeroCount(special);
                from += plain;
                written += plain;
            }
            else
            {
                // The last few bytes of the text: one at a time.
                while (from < text.Length && text[from] is >= (byte)' ' and not ((byte)'"' or (byte)'\\')) output[written++] = text[from++];
                if (from >= text.Length) return false;
            }
            var next = text[from];
            if (next == (byte)'"')
            {
                at = from + 1;
                unescaped = output.AsSpan(0, written);
                return Utf8.IsValid(unescaped);
            }
            if (next != (byte)'\\' || from + 1 >= text.Length) return false; // a control character is not JSON
            var escaped = text[from + 1] switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => (byte)0,
            };
            if (escaped == 0) return false;
            output[written++] = escaped;
            from += 2;
        }
    }

    private static bool Timestamp(ReadOnlySpan<byte> ascii, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        if (!IsoTimestamp.TryParse(ascii, out var parsed) && !JsonCursor.TryParseTimestamp(System.Text.Encoding.ASCII.GetString(ascii), out parsed)) return false;
        timestamp = parsed;
        return true;
    }

}
