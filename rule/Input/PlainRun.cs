using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SgConfigRule.Input;

/// <summary>
/// Where a run of plain string bytes ends: the first quote, backslash, control character (below the space) or byte above
/// <c>highest</c>. Sixteen bytes at a time while there are sixteen — most strings of an item (names, ids, CIDRs) fit in
/// one step — with the compares every x64 and Arm64 CPU has, so a Native AOT build for the baseline CPU is as fast as
/// the JIT's code (<c>SearchValues</c> falls back to a slow shuffle there); then byte by byte.
/// </summary>
internal static class PlainRun
{
    /// <summary>Any byte from the space up is plain (UTF-8 is checked elsewhere, or by the JSON reader).</summary>
    public const byte AnyByte = 0xFF;

    /// <summary>ASCII from the space up, DEL too (JSON lets it stand).</summary>
    public const byte Ascii = 0x7F;

    /// <summary>Printable ASCII only.</summary>
    public const byte Printable = 0x7E;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int End(ReadOnlySpan<byte> text, int at, byte highest)
    {
        var quote = Vector128.Create((byte)'"');
        var backslash = Vector128.Create((byte)'\\');
        var space = Vector128.Create((byte)' ');
        var top = Vector128.Create(highest);
        while (at + Vector128<byte>.Count <= text.Length)
        {
            var block = Vector128.Create(text.Slice(at, Vector128<byte>.Count));
            var stops = Vector128.Equals(block, quote) | Vector128.Equals(block, backslash)
                        | Vector128.LessThan(block, space) | Vector128.GreaterThan(block, top);
            var mask = stops.ExtractMostSignificantBits();
            if (mask != 0) return at + BitOperations.TrailingZeroCount(mask);
            at += Vector128<byte>.Count;
        }
        while (at < text.Length && text[at] is var b && b != (byte)'"' && b != (byte)'\\' && b >= (byte)' ' && b <= highest) at++;
        return at;
    }
}
