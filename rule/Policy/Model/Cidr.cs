using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// An IPv4 or IPv6 CIDR block in canonical form: the host bits are cleared at construction, as EC2 does, so
/// <c>10.0.0.5/0</c> <b>is</b> <c>0.0.0.0/0</c>, the whole internet. Addresses are kept as unsigned integers
/// (IPv4 in the low 32 bits) to make containment a mask comparison.
/// </summary>
public readonly record struct Cidr
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
    public int AddressBits => IsIPv6 ? 128 : 32;

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

    public bool Overlaps(Cidr other) => Family == other.Family && (Contains(other) || other.Contains(this));

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    /// <summary>
    /// Strict parsing: an IPv4 dotted quad (no leading zeros, no short forms such as <c>10.1</c>) or an IPv6 address,
    /// then <c>/</c> and a prefix length. Host bits may be set; they are cleared.
    /// </summary>
    public static bool TryParse(string? text, out Cidr cidr, out string? error)
    {
        cidr = default;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "an empty string is not a CIDR";
            return false;
        }
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            error = $"'{text}' is not a CIDR: the /prefix length is missing";
            return false;
        }
        var addressText = text[..slash];
        var prefixText = text[(slash + 1)..];
        if (TryParseIPv4(addressText, out var v4))
        {
            if (!TryParsePrefix(prefixText, 32, out var prefix))
            {
                error = $"'{text}' is not a CIDR: the prefix length must be 0-32";
                return false;
            }
            cidr = new Cidr(AddressFamily.InterNetwork, v4, prefix);
            return true;
        }
        if (addressText.Contains(':') && !addressText.Contains('%') && !addressText.Contains('[')
            && IPAddress.TryParse(addressText, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (!TryParsePrefix(prefixText, 128, out var prefix))
            {
                error = $"'{text}' is not a CIDR: the prefix length must be 0-128";
                return false;
            }
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            cidr = new Cidr(AddressFamily.InterNetworkV6, new UInt128(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])), prefix);
            return true;
        }
        error = $"'{text}' is not a CIDR: '{addressText}' is not an IPv4 or IPv6 address";
        return false;
    }

    private static bool TryParseIPv4(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit)) return false;
            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255) return false;
            value = (value << 8) | (uint)octet;
        }
        return true;
    }

    private static bool TryParsePrefix(string text, int max, out int prefix)
    {
        prefix = 0;
        return text.Length is > 0 and <= 3 && (text.Length == 1 || text[0] != '0') && text.All(char.IsAsciiDigit)
               && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= max;
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
    public override string ToString()
    {
        if (!IsIPv6)
        {
            var n = (uint)Network;
            return string.Create(CultureInfo.InvariantCulture,
                $"{n >> 24}.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{n & 0xFF}/{PrefixLength}");
        }
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[..8], (ulong)(Network >> 64));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (ulong)Network);
        return new IPAddress(bytes).ToString() + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);
    }
}
