using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SgConfigRule.Input;

/// <summary>
/// Values kept under short byte strings (a value's text as it stands in the input), for the fast readers: direct-mapped
/// and fixed in size, keys included (one block of bytes, nothing allocated on a miss), so memory does not grow with the
/// input; a new value replaces the one in its slot. Shared by the string cache and the CIDR sources found by their text.
/// </summary>
internal sealed class ByteKeyedCache<T>(int slots, int maxKeyLength) where T : class
{
    private readonly byte[] keys = new byte[slots * maxKeyLength];
    private readonly byte[] keyLengths = new byte[slots]; // the key's length + 1; 0: an empty slot
    private readonly T?[] values = new T?[slots];

    /// <summary>The value kept under <paramref name="key"/>, or null; and the slot to keep it in (-1: too long to keep).</summary>
    public T? Find(ReadOnlySpan<byte> key, out int slot)
    {
        slot = key.Length > maxKeyLength ? -1 : (int)(Hash(key) % (uint)slots);
        return slot >= 0 && keyLengths[slot] == key.Length + 1 && key.SequenceEqual(keys.AsSpan(slot * maxKeyLength, key.Length))
            ? values[slot]
            : null;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> in the slot <see cref="Find"/> gave (none for -1); returns it.</summary>
    public T Keep(int slot, ReadOnlySpan<byte> key, T value)
    {
        if (slot < 0) return value;
        key.CopyTo(keys.AsSpan(slot * maxKeyLength));
        keyLengths[slot] = (byte)(key.Length + 1);
        values[slot] = value;
        return value;
    }

    // Eight bytes at a time (the last eight overlapping), multiplied in: a byte-by-byte hash (FNV-1a, before) was most
    // of a lookup's cost. A collision costs only a miss: the slot's key is compared in full.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> utf8)
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
