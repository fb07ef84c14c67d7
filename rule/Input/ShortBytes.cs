using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SgConfigRule.Input;

/// <summary>
/// Equality of two short byte strings of the same length, inline: a field name is compared with up to eight known
/// names, and a call to the general comparison for each (most of them failing on their first bytes) was a visible
/// share of reading a group.
/// </summary>
internal static class ShortBytes
{
    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/>, of the same length, hold the same bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var length = left.Length;
        if (length != right.Length) return false;
        ref var a = ref MemoryMarshal.GetReference(left);
        ref var b = ref MemoryMarshal.GetReference(right);
        // Two loads that overlap cover every length from the load's size to twice it.
        if (length is >= sizeof(ulong) and <= 2 * sizeof(ulong))
        {
            var last = length - sizeof(ulong);
            return Unsafe.ReadUnaligned<ulong>(ref a) == Unsafe.ReadUnaligned<ulong>(ref b)
                   && Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, last)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, last));
        }
        if (length is >= sizeof(uint) and < sizeof(ulong))
        {
            var last = length - sizeof(uint);
            return Unsafe.ReadUnaligned<uint>(ref a) == Unsafe.ReadUnaligned<uint>(ref b)
                   && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref a, last)) == Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, last));
        }
        return left.SequenceEqual(right);
    }
}
