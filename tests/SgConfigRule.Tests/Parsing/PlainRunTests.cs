using CsCheck;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The vector search for the end of a plain string run (<see cref="PlainRun"/>) against the byte-by-byte definition:
/// the first quote, backslash, control character or byte above the bound from the start, at every length and start
/// (so both the 16-byte steps and the tail are taken), for each bound the readers use.
/// </summary>
public sealed class PlainRunTests
{
    private static int Reference(ReadOnlySpan<byte> text, int at, byte highest)
    {
        while (at < text.Length && text[at] is var b && b != (byte)'"' && b != (byte)'\\' && b >= 0x20 && b <= highest) at++;
        return at;
    }

    [Fact]
    public void It_stops_where_the_byte_by_byte_definition_stops()
    {
        // Mostly plain bytes, so runs are long enough to cross 16-byte steps; now and then one of each kind of stop.
        var bytes = Gen.Frequency((20, Gen.Byte[0x20, 0x7E]), (1, Gen.Const((byte)'"')), (1, Gen.Const((byte)'\\')),
                                  (1, Gen.Byte[0x00, 0x1F]), (1, Gen.Const((byte)0x7F)), (1, Gen.Byte[0x80, 0xFF]));
        Gen.Select(bytes.Array[0, 70], Gen.Int[0, 70], Gen.OneOf<byte>(PlainRun.AnyByte, PlainRun.Ascii, PlainRun.Printable))
           .Sample((text, start, highest) =>
           {
               var at = Math.Min(start, text.Length);
               Assert.Equal(Reference(text, at, highest), PlainRun.End(text, at, highest));
           }, iter: 20_000, threads: 1);
    }

    [Theory]
    [InlineData(PlainRun.AnyByte, 0xFF, true)]
    [InlineData(PlainRun.Ascii, 0x7F, true)]
    [InlineData(PlainRun.Ascii, 0x80, false)]
    [InlineData(PlainRun.Printable, 0x7E, true)]
    [InlineData(PlainRun.Printable, 0x7F, false)]
    public void The_bound_is_the_highest_plain_byte(byte highest, byte b, bool plain)
    {
        // At each position of a 40-byte run, in a 16-byte step and in the tail.
        for (var at = 0; at < 40; at++)
        {
            var text = Enumerable.Repeat((byte)'a', 40).ToArray();
            text[at] = b;
            Assert.Equal(plain ? 40 : at, PlainRun.End(text, 0, highest));
        }
    }
}
