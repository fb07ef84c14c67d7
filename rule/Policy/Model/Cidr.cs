using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// An IPv4 or IPv6 CIDR block in canonical form: the host bits are cleared at construction, as EC2 does, so
/// <c>10.0.0.5/0</c> <b>is</b> <c>0.0.0.0/0</c>, the whole internet. Addresses are kept as unsigned integers
/// (IPv4 in the low 32 bits) to make containment a mask comparison.
/// </summary>
public readonly record struct Cidr : ISpanFormattable
{
    private Cidr(AddressFamily family, UInt128 network, int prefixLength)
    {
        Family = family;
        PrefixLength = prefixLength;
        Network = network & Mask(family, prefixLength);
    }

    public AddressFamily Family { get; }

    /// <summary>The network address with host bits cleared.</summary>
    public UInt128 Network { get; }

    public int PrefixLength { get; }

    public bool IsIPv6 => Family == AddressFamily.InterNetworkV6;

    /// <summary>True for <c>0.0.0.0/0</c> and <c>::/0</c>.</summary>
    public bool IsWholeAddressSpace => PrefixLength == 0;

    /// <summary>The last address of the block.</summary>
    public UInt128 LastAddress => Network | (~Mask(Family, PrefixLength) & FamilyMask(Family));

    public static Cidr IPv4(uint network, int prefixLength) =>
        prefixLength is >= 0 and <= 32
            ? new Cidr(AddressFamily.InterNetwork, network, prefixLength)
            : throw new ArgumentOutOfRangeException(nameof(prefixLength));

    public static Cidr IPv6(UInt128 network, int prefixLength) =>
        prefixLength is >= 0 and <= 128
            ? new Cidr(AddressFamily.InterNetworkV6, network, prefixLength)
            : throw new ArgumentOutOfRangeException(nameof(prefixLength));

    /// <summary>True when every address of <paramref name="other"/> is inside this block (same family only).</summary>
    public bool Contains(Cidr other) =>
        Family == other.Family
        && other.PrefixLength >= PrefixLength
        && (other.Network & Mask(Family, PrefixLength)) == Network;

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    /// <summary>
    /// Strict parsing: an IPv4 dotted quad (no leading zeros, no short forms such as <c>10.1</c>) or an IPv6 address,
    /// then <c>/</c> and a prefix length. Host bits may be set; they are cleared.
    /// </summary>
    public static bool TryParse(string? text, out Cidr cidr, out string? error)
    {
        if (TryParse(text.AsSpan(), out cidr))
        {
            error = null;
            return true;
        }
        error = Problem(text ?? "");
        return false;
    }

    /// <summary>As <see cref="TryParse(string?, out Cidr, out string?)"/>, without allocating: the hot path of reading exports.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Cidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/');
        if (slash < 0) return false;
        var addressText = text[..slash];
        var prefixText = text[(slash + 1)..];
        if (TryParseIPv4(addressText, out var v4))
        {
            if (!TryParsePrefix(prefixText, 32, out var prefix)) return false;
            cidr = new Cidr(AddressFamily.InterNetwork, v4, prefix);
            return true;
        }
        if (TryParseIPv6(addressText, out var v6))
        {
            if (!TryParsePrefix(prefixText, 128, out var prefix)) return false;
            cidr = new Cidr(AddressFamily.InterNetworkV6, v6, prefix);
            return true;
        }
        return false;
    }

    /// <summary>Why a text that failed to parse is not a CIDR.</summary>
    private static string Problem(string text)
    {
        if (text.Length == 0) return "an empty string is not a CIDR";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return $"'{text}' is not a CIDR: the /prefix length is missing";
        var addressText = text[..slash];
        if (TryParseIPv4(addressText, out _)) return $"'{text}' is not a CIDR: the prefix length must be 0-32";
        if (TryParseIPv6(addressText, out _)) return $"'{text}' is not a CIDR: the prefix length must be 0-128";
        return $"'{text}' is not a CIDR: '{addressText}' is not an IPv4 or IPv6 address";
    }

    /// <summary>A dotted quad: four decimal octets 0-255 of one to three digits, no leading zeros.</summary>
    private static bool TryParseIPv4(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        var octets = 0;
        while (true)
        {
            var dot = text.IndexOf('.');
            var part = dot < 0 ? text : text[..dot];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return false;
            var octet = 0;
            foreach (var c in part)
            {
                if (!char.IsAsciiDigit(c)) return false;
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) return false;
            value = (value << 8) | (uint)octet;
            octets++;
            if (dot < 0) return octets == 4;
            if (octets == 4) return false;
            text = text[(dot + 1)..];
        }
    }

    /// <summary>A plain IPv6 address: no zone (<c>%eth0</c>) and no brackets.</summary>
    private static bool TryParseIPv6(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = UInt128.Zero;
        if (!text.Contains(':') || text.Contains('%') || text.Contains('[')
            || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        value = new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return true;
    }

    private static bool TryParsePrefix(ReadOnlySpan<char> text, int max, out int prefix)
    {
        prefix = 0;
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0')) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            prefix = prefix * 10 + (c - '0');
        }
        return prefix <= max;
    }

    private static UInt128 FamilyMask(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? UInt128.MaxValue : uint.MaxValue;

    private static UInt128 Mask(AddressFamily family, int prefixLength)
    {
        var bits = family == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (prefixLength == 0) return UInt128.Zero;
        return (UInt128.MaxValue << (bits - prefixLength)) & FamilyMask(family);
    }

    /// <summary>Canonical text: <c>203.0.113.0/24</c>, <c>2001:db8::/32</c>.</summary>
    public override string ToString() => Text.Of(this, static (cidr, ref text) => text.AppendFormatted(cidr));

    /// <summary>The text of <see cref="ToString()"/> written in place.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        if (!IsIPv6)
        {
            var n = (uint)Network;
            return destination.TryWrite(CultureInfo.InvariantCulture,
                $"{n >> 24}.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{n & 0xFF}/{PrefixLength}", out charsWritten);
        }
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[..8], (ulong)(Network >> 64));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (ulong)Network);
        charsWritten = 0;
        if (!new IPAddress(bytes).TryFormat(destination, out var address)
            || !destination[address..].TryWrite(CultureInfo.InvariantCulture, $"/{PrefixLength}", out var suffix)) return false;
        charsWritten = address + suffix;
        return true;
    }

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
