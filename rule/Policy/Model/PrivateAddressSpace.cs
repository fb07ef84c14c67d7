namespace SgConfigRule.Policy.Model;

/// <summary>
/// Address space that is not reachable from the internet, for <c>sourceScope=public</c>: RFC 1918, shared address
/// space (RFC 6598), loopback, link-local, IPv6 unique-local and link-local, and the IPv6 loopback address.
/// </summary>
public static class PrivateAddressSpace
{
    public static IReadOnlyList<Cidr> Blocks { get; } =
    [
        Cidr.Parse("10.0.0.0/8"),
        Cidr.Parse("172.16.0.0/12"),
        Cidr.Parse("192.168.0.0/16"),
        Cidr.Parse("100.64.0.0/10"),
        Cidr.Parse("127.0.0.0/8"),
        Cidr.Parse("169.254.0.0/16"),
        Cidr.Parse("fc00::/7"),
        Cidr.Parse("fe80::/10"),
        Cidr.Parse("::1/128"),
    ];

    /// <summary>True when every address of <paramref name="cidr"/> is private; a block that is only partly private is public.</summary>
    public static bool ContainsEntirely(Cidr cidr)
    {
        foreach (var block in Blocks)
        {
            if (block.Contains(cidr)) return true;
        }
        return false;
    }
}
