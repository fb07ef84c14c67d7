using CsCheck;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>The inline comparison of field names (<see cref="ShortBytes"/>) against the general one, at every length.</summary>
public sealed class ShortBytesTests
{
    [Fact]
    public void Two_byte_strings_are_equal_exactly_when_the_general_comparison_says_so()
    {
        // Pairs that differ in one byte anywhere (first, last, the middle the two loads overlap on), or not at all.
        var pair = Gen.Int[0, 40].SelectMany(length => Gen.Byte.Array[length].SelectMany(left =>
            Gen.Int[-1, Math.Max(length - 1, -1)].Select(Gen.Byte, (at, other) =>
            {
                var right = (byte[])left.Clone();
                if (at >= 0) right[at] = other;
                return (left, right);
            })));
        pair.Sample((left, right) =>
        {
            Assert.Equal(left.AsSpan().SequenceEqual(right), ShortBytes.Equal(left, right));
            // Slices of a longer text, as the tokenizer compares them: nothing past the slice is read into the answer.
            var padded = new byte[left.Length + 16];
            left.CopyTo(padded, 3);
            Assert.Equal(left.AsSpan().SequenceEqual(right), ShortBytes.Equal(padded.AsSpan(3, left.Length), right));
        }, iter: 20_000);
        Assert.False(ShortBytes.Equal("ipRanges"u8, "ipRange"u8));
        Assert.True(ShortBytes.Equal(""u8, ""u8));
    }
}
