using System.Globalization;
using System.Net;
using System.Numerics;

namespace SgConfigRule.FakeAws.Infrastructure;

/// <summary>EC2 stores CIDRs with host bits cleared (<c>100.68.0.18/18</c> becomes <c>100.68.0.0/18</c>); so does the fake.</summary>
public static class CidrText
{
    public static string? Canonical(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var address)) return null;
        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)) return null;
        var bytes = address.GetAddressBytes();
        var bits = bytes.Length * 8;
        if (prefix > bits) return null;
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var network = value & ~((BigInteger.One << (bits - prefix)) - 1);
        var raw = network.ToByteArray(isUnsigned: true, isBigEndian: true);
        var full = new byte[bytes.Length];
        Array.Copy(raw, 0, full, full.Length - raw.Length, raw.Length);
        return new IPAddress(full) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
    }
}
