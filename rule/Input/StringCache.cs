using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// One string instance per distinct short value for the ids that repeat across a large export (account, VPC,
/// referenced group and prefix list ids), so reading them allocates nothing after the first time. Direct-mapped and
/// fixed in size: a new value replaces the one in its slot, so memory does not grow with the input.
/// </summary>
internal sealed class StringCache
{
    private const int Slots = 1024;
    private const int MaxLength = 64;
    private readonly byte[]?[] keys = new byte[Slots][];
    private readonly string?[] values = new string[Slots];

    /// <summary>The string value at the reader (which must be on a string token).</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        var utf8 = reader.ValueSpan;
        if (reader.ValueIsEscaped || reader.HasValueSequence || utf8.Length > MaxLength) return reader.GetString()!;
        var slot = Slot(utf8);
        if (keys[slot] is { } key && utf8.SequenceEqual(key)) return values[slot]!;
        var value = reader.GetString()!;
        keys[slot] = utf8.ToArray();
        values[slot] = value;
        return value;
    }

    /// <summary>The string of ASCII text (the caller has checked it is ASCII).</summary>
    public string Get(ReadOnlySpan<byte> ascii)
    {
        if (ascii.Length > MaxLength) return System.Text.Encoding.ASCII.GetString(ascii);
        var slot = Slot(ascii);
        if (keys[slot] is { } key && ascii.SequenceEqual(key)) return values[slot]!;
        var value = System.Text.Encoding.ASCII.GetString(ascii);
        keys[slot] = ascii.ToArray();
        values[slot] = value;
        return value;
    }

    // FNV-1a: the values are short ids, and a seeded general-purpose hash cost more than the lookup it serves.
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        var hash = 2166136261u;
        foreach (var b in utf8) hash = (hash ^ b) * 16777619u;
        return (int)(hash % Slots);
    }
}
