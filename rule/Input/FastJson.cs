using System.Runtime.CompilerServices;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Token helpers of the fast readers. Each answers false (or null) for anything but the plain case — a null, another
/// type, an invalid value — so that the fast reader gives the item up to the canonical reader, which decides.
/// </summary>
internal static class FastJson
{
    public delegate T? FastRead<T>(ref Utf8JsonReader reader) where T : class;

    /// <summary>JSON's whitespace: space, tab, carriage return, line feed — what may stand between tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>Where the whitespace at <paramref name="at"/> ends: the next token, or the end of the text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SkipWhitespace(ReadOnlySpan<byte> text, int at)
    {
        while (at < text.Length && IsWhitespace(text[at])) at++;
        return at;
    }

    /// <summary>The item that is the whole of <paramref name="utf8"/>, or null.</summary>
    public static T? TryReadWhole<T>(ReadOnlySpan<byte> utf8, FastRead<T> read) where T : class
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = JsonText.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            var item = read(ref reader);
            // Anything after the item is left to the canonical reader.
            return item is not null && !reader.Read() ? item : null;
        }
        catch (JsonException)
        {
            return null; // broken JSON: the canonical reader reports where
        }
    }

    /// <summary>A string value; null (absent-like) and other types are left to the canonical reader.</summary>
    public static bool String<T>(ref T reader, out string? value) where T : IFastTokens, allows ref struct
    {
        value = null;
        return reader.TokenType == JsonTokenType.String && reader.TryGetString(out value);
    }

    /// <summary>A string value that repeats across items (account and VPC ids): one instance per distinct value.</summary>
    public static bool String<T>(ref T reader, StringCache strings, out string? value) where T : IFastTokens, allows ref struct
    {
        value = null;
        return reader.TokenType == JsonTokenType.String && reader.TryGetString(strings, out value);
    }

    /// <summary>An optional string: a string, or null, which the canonical reader takes as absent.</summary>
    public static bool OptionalString<T>(ref T reader, out string? value) where T : IFastTokens, allows ref struct
    {
        value = null;
        return reader.TokenType == JsonTokenType.Null || String(ref reader, out value);
    }

    /// <summary>An optional string that repeats across items, or null (absent).</summary>
    public static bool OptionalString<T>(ref T reader, StringCache strings, out string? value) where T : IFastTokens, allows ref struct
    {
        value = null;
        return reader.TokenType == JsonTokenType.Null || String(ref reader, strings, out value);
    }

    public static bool NonEmptyString<T>(ref T reader, out string? value) where T : IFastTokens, allows ref struct =>
        String(ref reader, out value) && value!.Length > 0;

    public static bool NonEmptyString<T>(ref T reader, StringCache strings, out string? value) where T : IFastTokens, allows ref struct =>
        String(ref reader, strings, out value) && value!.Length > 0;

    public static bool Int<T>(ref T reader, out int? value) where T : IFastTokens, allows ref struct
    {
        value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) ? number : null;
        return value is not null;
    }

    public static bool Protocol<T>(ref T reader, bool keep, out IpProtocol? protocol) where T : IFastTokens, allows ref struct
    {
        protocol = null;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (!keep) return true;
        // The protocol is always one of a handful of short values: read it without making a string (IpProtocol.TryParse
        // takes the three AWS writes first).
        Span<char> text = stackalloc char[8];
        var length = reader.CopyPlainString(text);
        if (length < 0 || !IpProtocol.TryParse(text[..length], out var parsed)) return false;
        protocol = parsed;
        return true;
    }

    /// <summary>
    /// A CIDR string as its source (<paramref name="source"/> null when not kept): found by its bytes in the scratch's
    /// cache (<see cref="FastReaderScratch.SourceOf"/>), else read as characters and parsed.
    /// </summary>
    public static bool CidrSource<T>(ref T reader, bool ipv6, bool keep, FastReaderScratch scratch, out CidrSource? source) where T : IFastTokens, allows ref struct
    {
        source = null;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (!keep) return true;
        if (reader.TryGetPlainBytes(out var text) && scratch.SourceOf(text) is { } known)
        {
            source = known;
            return known.Cidr.IsIPv6 == ipv6;
        }
        // Beyond the cache's reach (escaped, longer than a key, outside ASCII), or not a CIDR: the parser decides.
        Span<char> chars = stackalloc char[64];
        var length = reader.CopyPlainString(chars);
        if (length < 0 || !Cidr.TryParse(chars[..length], out var parsed) || parsed.IsIPv6 != ipv6) return false;
        source = scratch.Source(parsed);
        return true;
    }
}

/// <summary>The known fields an object has had so far; an unknown (-1) or repeated field is refused.</summary>
internal struct SeenFields
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

/// <summary>Lists reused from item to item, one set per thread, so that reading an item allocates only its model.</summary>
internal sealed class FastReaderScratch
{
    [ThreadStatic] private static FastReaderScratch? cached;

    public delegate T? Read<T>(ref Utf8JsonReader reader, FastReaderScratch scratch) where T : class;

    /// <summary>
    /// Runs a fast read of the object the reader is on with this thread's scratch: its result, or null for anything
    /// the fast reader does not take — the reader then anywhere inside the object (the caller goes back to its start).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T? Run<T>(ref Utf8JsonReader reader, Read<T> read) where T : class
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        var depth = reader.CurrentDepth;
        var scratch = Take();
        try
        {
            var result = read(ref reader, scratch);
            // Only an object whose own end was read is whole. When the buffered text runs out, Read answers false and
            // the reader keeps its last token — possibly the end of a nested object — so the token alone proves nothing.
            return result is not null && reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth ? result : null;
        }
        catch (Exception e) when (GivesUp(e))
        {
            return null;
        }
        finally
        {
            Return(scratch);
        }
    }

    /// <summary>
    /// What makes a fast reader give an item up to the canonical reader, which decides what it means and reports it
    /// with its path: broken JSON, an invalid protocol or port, a string that is not valid text (a lone surrogate escape).
    /// </summary>
    private static bool GivesUp(Exception e) => e is JsonException or RuleFieldException or InvalidOperationException;

    public delegate T? ReadText<T>(ReadOnlySpan<byte> text, FastReaderScratch scratch, out int consumed) where T : class;

    /// <summary>As <see cref="Run{T}(ref Utf8JsonReader, Read{T})"/>, for a reader of the value at the start of a text, which says how many bytes it took.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T? Run<T>(ReadOnlySpan<byte> text, out int consumed, ReadText<T> read) where T : class
    {
        consumed = 0;
        var scratch = Take();
        try
        {
            return read(text, scratch, out consumed);
        }
        catch (Exception e) when (GivesUp(e))
        {
            return null;
        }
        finally
        {
            Return(scratch);
        }
    }

    public List<IngressRule> Rules { get; } = [];
    public List<ResourceTag> Tags { get; } = [];
    public List<(IngressSource Source, string? Description)> Sources { get; } = [];

    /// <summary>A permission's sources, one list per field, in the order the canonical reader takes the fields.</summary>
    public List<(IngressSource Source, string? Description)>[] SourceSlots { get; } = [[], [], [], [], []];

    public StringCache Strings { get; } = new();

    private const int CidrSlots = 256;
    private readonly CidrSource?[] cidrSources = new CidrSource?[CidrSlots];

    /// <summary>
    /// The source of a CIDR, one instance per value while it stays in its slot: sources are immutable, and a few CIDRs
    /// (<c>0.0.0.0/0</c>, <c>::/0</c>, the private ranges, an office's) make up most rules. Direct-mapped and fixed in size.
    /// </summary>
    public CidrSource Source(Cidr cidr)
    {
        // Both halves of the address, the prefix and the family (0.0.0.0/0 and ::/0 differ in nothing else), multiplied
        // in: the record's own hash cost more than the lookup saves.
        var network = cidr.Network;
        var hash = ((ulong)network ^ (ulong)(network >> 64) ^ ((ulong)cidr.PrefixLength << 56) ^ ((ulong)cidr.Family << 48)) * 0x9E3779B97F4A7C15UL;
        var slot = (int)(hash >> 56); // the top 8 bits: CidrSlots is 256
        if (cidrSources[slot] is { } known && known.Cidr == cidr) return known;
        return cidrSources[slot] = new CidrSource(cidr);
    }

    // The longest IPv6 CIDR, eight groups of four and /128, is 43 bytes.
    private readonly ByteKeyedCache<CidrSource> cidrTexts = new(slots: 256, maxKeyLength: 48);

    /// <summary>
    /// The source of the CIDR written as <paramref name="text"/>, or null when it is not one in plain ASCII (the caller
    /// then parses it the usual way, which decides). Parsed once per distinct text while it stays in its slot: a Config
    /// item writes each IPv4 source twice (<c>ipRanges</c>, <c>ipv4Ranges</c>), and a few CIDRs make up most rules.
    /// </summary>
    public CidrSource? SourceOf(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return null;
        if (cidrTexts.Find(text, out var slot) is { } known) return known;
        if (slot < 0) return null;
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F) return null;
            chars[i] = (char)text[i];
        }
        return Cidr.TryParse(chars, out var cidr) ? cidrTexts.Keep(slot, text, Source(cidr)) : null;
    }

    /// <summary>Where a Config item's embedded configuration is unescaped.</summary>
    public byte[] Text { get; set; } = new byte[4096];

    private static FastReaderScratch Take()
    {
        var scratch = cached ?? new FastReaderScratch();
        cached = null;
        return scratch;
    }

    private static void Return(FastReaderScratch scratch) => cached = scratch;
}
