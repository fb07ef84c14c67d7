namespace SgConfigRule.Input;

/// <summary>
/// A timestamp in the form AWS writes it — <c>2026-12-05T10:11:12.123456+00:00</c>, <c>2026-12-05T10:11:12Z</c> —
/// read from its ASCII bytes, without making a string or running the general, culture-aware parser, which cost more
/// than the rest of a Config item's envelope. Only that form is taken: four-digit year, <c>T</c>, seconds, at most
/// seven fraction digits, then <c>Z</c>, <c>±HH:MM</c> or nothing (UTC), every value in its range. Anything else
/// answers false, and the caller asks the general parser (<see cref="JsonCursor.TryParseTimestamp"/>), so a timestamp
/// means the same either way; the tests hold the two to that.
/// </summary>
internal static class IsoTimestamp
{
    private const int MaxOffsetMinutes = 14 * 60; // what DateTimeOffset allows

    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (text.Length < 19 || text[4] != (byte)'-' || text[7] != (byte)'-' || text[10] != (byte)'T' || text[13] != (byte)':' || text[16] != (byte)':') return false;
        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)
            || !Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second))
        {
            return false;
        }
        // Years 1 and 9999 are left to the general parser: an offset could carry the instant out of DateTime's range.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var at = 19;
        long fraction = 0;
        if (at < text.Length && text[at] == (byte)'.')
        {
            var first = ++at;
            while (at < text.Length && char.IsAsciiDigit((char)text[at])) at++;
            var count = at - first;
            if (count is 0 or > 7 || !Digits(text[first..at], out var value)) return false;
            fraction = value;
            for (var scale = count; scale < 7; scale++) fraction *= 10; // to ticks (100 ns)
        }
        var offsetMinutes = 0;
        if (at < text.Length)
        {
            var sign = text[at];
            if (sign == (byte)'Z')
            {
                at++;
            }
            else if (sign is (byte)'+' or (byte)'-' && text.Length - at == 6 && text[at + 3] == (byte)':'
                     && Digits(text.Slice(at + 1, 2), out var offsetHours) && Digits(text.Slice(at + 4, 2), out var offsetMinute)
                     && offsetMinute <= 59 && offsetHours * 60 + offsetMinute <= MaxOffsetMinutes)
            {
                offsetMinutes = (sign == (byte)'-' ? -1 : 1) * (offsetHours * 60 + offsetMinute);
                at += 6;
            }
            else
            {
                return false;
            }
        }
        if (at != text.Length) return false;
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fraction;
        timestamp = new DateTimeOffset(local - offsetMinutes * TimeSpan.TicksPerMinute, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (!char.IsAsciiDigit((char)b)) return false;
            value = value * 10 + (b - (byte)'0');
        }
        return true;
    }
}
