using System.Globalization;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// An IP protocol as security groups name it: <c>-1</c> (all protocols), <c>tcp</c>, <c>udp</c>, <c>icmp</c>,
/// <c>icmpv6</c>, or any IP protocol number 0–255. Names and numbers are interchangeable: <c>"6"</c> is <c>tcp</c>.
/// </summary>
public readonly record struct IpProtocol
{
    private IpProtocol(int number) => Number = number;

    /// <summary>The IANA protocol number; -1 means every protocol.</summary>
    public int Number { get; }

    public static IpProtocol All { get; } = new(-1);
    public static IpProtocol Icmp { get; } = new(1);
    public static IpProtocol Tcp { get; } = new(6);
    public static IpProtocol Udp { get; } = new(17);
    public static IpProtocol Icmpv6 { get; } = new(58);

    public bool IsAll => Number == -1;
    public bool IsTcpOrUdp => Number is 6 or 17;
    public bool IsIcmpFamily => Number is 1 or 58;

    /// <summary>The readable name used in reports: all, tcp, udp, icmp, icmpv6, or the number.</summary>
    public string Name => Number switch
    {
        -1 => "all",
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        58 => "icmpv6",
        _ => Number.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The value EC2 expects in <c>IpProtocol</c> (<c>-1</c> for all protocols).</summary>
    public string WireValue => IsAll ? "-1" : Name;

    public static IpProtocol FromNumber(int number) =>
        number is >= -1 and <= 255
            ? new IpProtocol(number)
            : throw new ArgumentOutOfRangeException(nameof(number), number, "an IP protocol is -1 or 0-255");

    /// <summary>Accepts names (case-insensitive) and numbers; <c>all</c> is accepted as a synonym of -1.</summary>
    public static bool TryParse(string? text, out IpProtocol protocol) => TryParse(text.AsSpan(), out protocol);

    public static bool TryParse(ReadOnlySpan<char> text, out IpProtocol protocol)
    {
        protocol = default;
        // Every name and number accepted is at most six characters ("icmpv6"); longer text is never one.
        if (text.IsEmpty || text.Length > 6) return false;
        // As AWS writes them, lower case: no copy to lower.
        switch (text)
        {
            case "tcp": protocol = Tcp; return true;
            case "udp": protocol = Udp; return true;
            case "-1": protocol = All; return true;
        }
        Span<char> lower = stackalloc char[6];
        lower = lower[..text.ToLowerInvariant(lower)];
        switch (lower)
        {
            case "-1" or "all": protocol = All; return true;
            case "tcp": protocol = Tcp; return true;
            case "udp": protocol = Udp; return true;
            case "icmp": protocol = Icmp; return true;
            case "icmpv6": protocol = Icmpv6; return true;
        }
        if (text.Length <= 3 && !text.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 255)
        {
            protocol = new IpProtocol(n);
            return true;
        }
        return false;
    }

    public override string ToString() => Name;
}
