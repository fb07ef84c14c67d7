using System.Globalization;
using System.Text;
using CsCheck;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The byte-level reader of AWS timestamps (<see cref="IsoTimestamp"/>) held to the general parser the canonical reader
/// uses (<c>DateTimeOffset.TryParse</c>, invariant culture, UTC unless the text says otherwise): whatever it takes, the
/// general parser takes with the same instant; and it takes every timestamp in the form AWS writes, so the fast path
/// is not a path nothing uses.
/// </summary>
public sealed class IsoTimestampTests
{
    private static readonly long Iterations = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FUZZ_CASES"), out var n) && n > 0 ? n * 10L : 20_000;

    private static bool General(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>A timestamp's parts, each sometimes out of its range, and the ways its text can be laid out.</summary>
    private sealed record Parts(int Year, int Month, int Day, int Hour, int Minute, int Second, string Fraction, string Zone, char Separator)
    {
        public string Text => $"{Year:D4}-{Month:D2}-{Day:D2}{Separator}{Hour:D2}:{Minute:D2}:{Second:D2}{Fraction}{Zone}";

        /// <summary>Whether this is the form AWS writes, every value in range (year 1 and 9999 aside).</summary>
        public bool IsAwsForm =>
            Separator == 'T' && Year is >= 2 and <= 9998 && Month is >= 1 and <= 12 && Day >= 1 && Day <= DateTime.DaysInMonth(Year, Month)
            && Hour <= 23 && Minute <= 59 && Second <= 59 && Fraction.Length <= 8 && Fraction != "."
            && (Zone is "" or "Z" || (Zone.Length == 6 && Zone[3] == ':' && int.Parse(Zone[1..3], CultureInfo.InvariantCulture) * 60 + int.Parse(Zone[4..], CultureInfo.InvariantCulture) <= 14 * 60
                                      && int.Parse(Zone[4..], CultureInfo.InvariantCulture) <= 59));
    }

    private static readonly Gen<string> Fractions = Gen.OneOf(
        Gen.Const(""), Gen.Const("."),
        Gen.Int[1, 9].SelectMany(digits => Gen.Char["0123456789"].Array[digits]).Select(d => "." + new string(d)));

    private static readonly Gen<string> Zones = Gen.OneOf(
        Gen.Const(""), Gen.Const("Z"), Gen.Const("z"),
        Gen.Select(Gen.OneOf<char>('+', '-'), Gen.Int[0, 15], Gen.Int[0, 61], (s, h, m) => $"{s}{h:D2}:{m:D2}"),
        Gen.Select(Gen.OneOf<char>('+', '-'), Gen.Int[0, 15], Gen.Int[0, 59], (s, h, m) => $"{s}{h:D2}{m:D2}"));

    private static readonly Gen<Parts> AnyParts =
        Gen.Select(Gen.OneOf(Gen.Int[1, 9999], Gen.Int[1990, 2040]), Gen.Int[0, 13], Gen.Int[0, 32], Gen.Int[0, 25], Gen.Int[0, 61], Gen.Int[0, 61],
                   Gen.Select(Fractions, Zones, Gen.OneOf<char>('T', 'T', 'T', ' ', 't'), (f, z, sep) => (f, z, sep)))
           .Select(p => new Parts(p.Item1, p.Item2, p.Item3, p.Item4, p.Item5, p.Item6, p.Item7.f, p.Item7.z, p.Item7.sep));

    [Fact]
    public void What_it_takes_the_general_parser_takes_as_the_same_instant_and_it_takes_the_AWS_form()
    {
        AnyParts.Sample(parts =>
        {
            var text = parts.Text;
            var taken = IsoTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out var fast);
            if (taken)
            {
                Assert.True(General(text, out var general), $"taken, but not by the general parser: {text}");
                Assert.Equal(general, fast);
                Assert.Equal(TimeSpan.Zero, fast.Offset);
                Assert.Equal(general.UtcTicks, fast.UtcTicks);
            }
            Assert.True(taken || !parts.IsAwsForm, $"the AWS form declined: {text}");
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Damaged_timestamps_are_declined_or_mean_what_the_general_parser_says()
    {
        Gen.Select(AnyParts, Gen.Int[0, 40], Gen.Byte, Gen.Int[0, 2], (parts, at, b, kind) => (parts.Text, at, b, kind)).Sample(c =>
        {
            var bytes = new List<byte>(Encoding.ASCII.GetBytes(c.Text));
            var at = Math.Min(c.at, bytes.Count - 1);
            switch (c.kind)
            {
                case 0: bytes[at] = c.b; break;
                case 1: bytes.Insert(at, c.b); break;
                default: bytes.RemoveAt(at); break;
            }
            if (!IsoTimestamp.TryParse(bytes.ToArray(), out var fast)) return;
            var text = Encoding.Latin1.GetString(bytes.ToArray());
            Assert.True(General(text, out var general), $"taken, but not by the general parser: {text}");
            Assert.Equal(general, fast);
        }, iter: Iterations, threads: 1);
    }

    [Theory]
    [InlineData("2026-12-05T10:11:12.123456+00:00", "2026-12-05T10:11:12.1234560+00:00")] // the AWS CLI's form
    [InlineData("2026-12-05T10:11:12Z", "2026-12-05T10:11:12.0000000+00:00")]
    [InlineData("2026-12-05T10:11:12.1Z", "2026-12-05T10:11:12.1000000+00:00")]
    [InlineData("2026-12-05T10:11:12.1234567Z", "2026-12-05T10:11:12.1234567+00:00")]
    [InlineData("2026-12-05T10:11:12", "2026-12-05T10:11:12.0000000+00:00")]             // no zone: UTC
    [InlineData("2026-12-05T01:30:00+02:30", "2026-12-04T23:00:00.0000000+00:00")]      // to UTC, across midnight
    [InlineData("2026-12-31T23:30:00-14:00", "2027-01-01T13:30:00.0000000+00:00")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000+00:00")]            // a leap day
    [InlineData("2026-12-05T23:59:59Z", "2026-12-05T23:59:59.0000000+00:00")]            // the last second of a day
    [InlineData("0002-01-01T00:00:00Z", "0002-01-01T00:00:00.0000000+00:00")]            // the years it takes: 2…
    [InlineData("9998-12-31T23:59:59Z", "9998-12-31T23:59:59.0000000+00:00")]            // …to 9998
    public void The_forms_AWS_writes_are_taken(string text, string utc)
    {
        Assert.True(IsoTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(utc, value.ToString("o", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")]        // no such day
    [InlineData("2026-12-05T24:00:00Z")]        // hour 24: the general parser's to judge
    [InlineData("2026-12-05T10:11:60Z")]        // a leap second
    [InlineData("2026-12-05T10:11:12.12345678Z")] // eight fraction digits
    [InlineData("2026-12-05T10:11:12.Z")]
    [InlineData("2026-12-05T10:11:12+0000")]    // an offset without its colon
    [InlineData("2026-12-05T10:11:12+14:01")]   // beyond DateTimeOffset's range
    [InlineData("2026-12-05 10:11:12Z")]
    [InlineData("2026-12-05t10:11:12Z")]
    [InlineData("2026-12-05T10:11:12z")]
    [InlineData("0001-01-01T00:00:00Z")]        // the edges of DateTime, where an offset could leave its range
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("2026-12-05T10:11:12Z ")]
    [InlineData("2026-12-05T10:11")]
    [InlineData("")]
    public void Anything_else_is_left_to_the_general_parser(string text) =>
        Assert.False(IsoTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out _));
}
