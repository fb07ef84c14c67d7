using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// One string instance per distinct short value for the values that repeat across a large export (account, VPC and
/// referenced group ids, names, descriptions), so reading them allocates nothing after the first time; a value read
/// twice in one item (a Config item's <c>resourceId</c> and its group's <c>groupId</c>) is one string. Direct-mapped
/// and fixed in size, keys included (one block of bytes, nothing allocated on a miss but the new string): a new value
/// replaces the one in its slot, so memory does not grow with the input.
/// </summary>
internal sealed class StringCache
{
    private const int Slots = 1024;
    private const int MaxLength = 64;
    private readonly byte[] keys = new byte[Slots * MaxLength];
    private readonly byte[] keyLengths = new byte[Slots]; // the key's length + 1; 0: an empty slot
    private readonly string?[] values = new string[Slots];

    /// <summary>The string value at the reader (which must be on a string token).</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        var utf8 = reader.ValueSpan;
        if (reader.ValueIsEscaped || reader.HasValueSequence || utf8.Length > MaxLength) return reader.GetString()!;
        var slot = Slot(utf8);
        return Find(slot, utf8) ?? Keep(slot, utf8, reader.GetString()!);
    }

    /// <summary>The string of ASCII text (the caller has checked it is ASCII).</summary>
    public string Get(ReadOnlySpan<byte> ascii)
    {
        if (ascii.Length > MaxLength) return System.Text.Encoding.ASCII.GetString(ascii);
        var slot = Slot(ascii);
        return Find(slot, ascii) ?? Keep(slot, ascii, System.Text.Encoding.ASCII.GetString(ascii));
    }

    /// <summary>
    /// The string kept for an inner JSON string still escaped in its outer one (<see cref="EscapedJsonTokens"/>), found
    /// by its escaped bytes; else null, and the slot to keep it in once decoded (<see cref="KeepEscaped"/>), -1 when
    /// it is too long to keep. Escaped bytes always hold a backslash, which the bytes of a plain value never do, so
    /// the two kinds of key cannot meet.
    /// </summary>
    public string? FindEscaped(ReadOnlySpan<byte> escaped, out int slot)
    {
        slot = escaped.Length > MaxLength ? -1 : Slot(escaped);
        return slot < 0 ? null : Find(slot, escaped);
    }

    /// <summary>Keeps the decoded string of escaped bytes in the slot <see cref="FindEscaped"/> gave.</summary>
    public string KeepEscaped(int slot, ReadOnlySpan<byte> escaped, string value) => slot < 0 ? value : Keep(slot, escaped, value);

    private string? Find(int slot, ReadOnlySpan<byte> utf8) =>
        keyLengths[slot] == utf8.Length + 1 && utf8.SequenceEqual(keys.AsSpan(slot * MaxLength, utf8.Length)) ? values[slot] : null;

    private string Keep(int slot, ReadOnlySpan<byte> utf8, string value)
    {
        utf8.CopyTo(keys.AsSpan(slot * MaxLength));
        keyLengths[slot] = (byte)(utf8.Length + 1);
        values[slot] = value;
        return value;
    }

    // Eight bytes at a time (the last eight overlapping), multiplied in: a byte-by-byte hash (FNV-1a, before) was most
    // of a lookup's cost. A collision costs only a miss: the slot's key is compared in full.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ReadOnlySpan<byte> utf8) => (int)(Hash(utf8) % Slots);

    /// <summary>A hash of short UTF-8 text, for the fast readers' direct-mapped caches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = (ulong)utf8.Length;
        if (utf8.Length >= sizeof(ulong))
        {
            for (var at = 0; at < utf8.Length - sizeof(ulong); at += sizeof(ulong))
            {
                hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[at..])) * 0x9E3779B97F4A7C15UL;
            }
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..])) * 0xC2B2AE3D27D4EB4FUL;
        }
        else
        {
            ulong packed = 0;
            foreach (var b in utf8) packed = (packed << 8) | b;
            hash = (hash ^ packed) * 0xC2B2AE3D27D4EB4FUL;
        }
        return (uint)(hash ^ (hash >> 32));
    }
}
