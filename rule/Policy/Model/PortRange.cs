using System.Globalization;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// An inclusive range of TCP/UDP ports, <c>From..To</c>, with <c>0 &lt;= From &lt;= To &lt;= 65535</c>.
/// <see cref="All"/> (0–65535) is what a rule without ports, or with -1, covers.
/// </summary>
public readonly record struct PortRange : ISpanFormattable
{
    public const int MinPort = 0;
    public const int MaxPort = 65535;

    public PortRange(int from, int to)
    {
        if (from is < MinPort or > MaxPort) throw new ArgumentOutOfRangeException(nameof(from), from, "a port is 0-65535");
        if (to is < MinPort or > MaxPort) throw new ArgumentOutOfRangeException(nameof(to), to, "a port is 0-65535");
        if (from > to) throw new ArgumentException($"port range {from}-{to} ends before it starts", nameof(to));
        From = from;
        To = to;
    }

    /// <summary>First port, inclusive.</summary>
    public int From { get; }

    /// <summary>Last port, inclusive.</summary>
    public int To { get; }

    public static PortRange All { get; } = new(MinPort, MaxPort);

    public static PortRange Of(int port) => new(port, port);

    public bool IsAll => From == MinPort && To == MaxPort;
    public int Count => To - From + 1;

    public bool Contains(int port) => port >= From && port <= To;
    public bool Contains(PortRange other) => other.From >= From && other.To <= To;
    public bool Overlaps(PortRange other) => other.From <= To && other.To >= From;

    /// <summary><c>22</c> for a single port, <c>8000-8100</c> for a range.</summary>
    public override string ToString() => Text.Of(this, static (range, ref text) => text.AppendFormatted(range));

    /// <summary>The text of <see cref="ToString()"/> written in place: reports and annotations format many of them.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null) =>
        From == To
            ? From.TryFormat(destination, out charsWritten, default, CultureInfo.InvariantCulture)
            : destination.TryWrite(CultureInfo.InvariantCulture, $"{From}-{To}", out charsWritten);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
