using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// One string instance per distinct short value for the values that repeat across a large export (account, VPC and
/// referenced group ids, names, descriptions), so reading them allocates nothing after the first time; a value read
/// twice in one item (a Config item's <c>resourceId</c> and its group's <c>groupId</c>) is one string. Kept under their
/// bytes in a <see cref="ByteKeyedCache{T}"/>: fixed in size, a new value replaces the one in its slot.
/// </summary>
internal sealed class StringCache
{
    private const int Slots = 1024;
    private const int MaxLength = 64;
    private readonly ByteKeyedCache<string> strings = new(Slots, MaxLength);

    /// <summary>The string value at the reader (which must be on a string token).</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence) return reader.GetString()!;
        var utf8 = reader.ValueSpan;
        return strings.Find(utf8, out var slot) ?? strings.Keep(slot, utf8, reader.GetString()!);
    }

    /// <summary>The string of ASCII text (the caller has checked it is ASCII).</summary>
    public string Get(ReadOnlySpan<byte> ascii) =>
        strings.Find(ascii, out var slot) ?? strings.Keep(slot, ascii, System.Text.Encoding.ASCII.GetString(ascii));

    /// <summary>
    /// The string kept for an inner JSON string still escaped in its outer one (<see cref="EscapedJsonTokens"/>), found
    /// by its escaped bytes; else null, and the slot to keep it in once decoded (<see cref="KeepEscaped"/>), -1 when
    /// it is too long to keep. Escaped bytes always hold a backslash, which the bytes of a plain value never do, so
    /// the two kinds of key cannot meet.
    /// </summary>
    public string? FindEscaped(ReadOnlySpan<byte> escaped, out int slot) => strings.Find(escaped, out slot);

    /// <summary>Keeps the decoded string of escaped bytes in the slot <see cref="FindEscaped"/> gave.</summary>
    public string KeepEscaped(int slot, ReadOnlySpan<byte> escaped, string value) => strings.Keep(slot, escaped, value);
}
