using System.Numerics;
using CsCheck;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

/// <summary>
/// What <c>sourceScope=public</c> treats as private: each block to its first and last address, and not one address
/// beyond either end.
/// </summary>
public class PrivateAddressSpaceTests
{
    /// <summary>The private ranges as plain integers, written out independently of the product's CIDR texts.</summary>
    private static readonly (bool V6, UInt128 First, UInt128 Last)[] Ranges =
    [
        (false, 0x0A000000, 0x0AFFFFFF), // 10.0.0.0/8
        (false, 0xAC100000, 0xAC1FFFFF), // 172.16.0.0/12
        (false, 0xC0A80000, 0xC0A8FFFF), // 192.168.0.0/16
        (false, 0x64400000, 0x647FFFFF), // 100.64.0.0/10
        (false, 0x7F000000, 0x7FFFFFFF), // 127.0.0.0/8
        (false, 0xA9FE0000, 0xA9FEFFFF), // 169.254.0.0/16
        (true, new UInt128(0xFC00000000000000, 0), new UInt128(0xFDFFFFFFFFFFFFFF, ulong.MaxValue)), // fc00::/7
        (true, new UInt128(0xFE80000000000000, 0), new UInt128(0xFEBFFFFFFFFFFFFF, ulong.MaxValue)), // fe80::/10
        (true, UInt128.One, UInt128.One), // ::1/128
    ];

    [Fact]
    public void The_private_blocks_are_exactly_these()
    {
        Assert.Equal(
            ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"],
            PrivateAddressSpace.Blocks.Select(b => b.ToString()));
    }

    [Theory]
    // 10.0.0.0/8
    [InlineData("9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0")]
    // 172.16.0.0/12
    [InlineData("172.15.255.255", "172.16.0.0", "172.31.255.255", "172.32.0.0")]
    // 192.168.0.0/16
    [InlineData("192.167.255.255", "192.168.0.0", "192.168.255.255", "192.169.0.0")]
    // 100.64.0.0/10, shared address space
    [InlineData("100.63.255.255", "100.64.0.0", "100.127.255.255", "100.128.0.0")]
    // 127.0.0.0/8, loopback
    [InlineData("126.255.255.255", "127.0.0.0", "127.255.255.255", "128.0.0.0")]
    // 169.254.0.0/16, link-local
    [InlineData("169.253.255.255", "169.254.0.0", "169.254.255.255", "169.255.0.0")]
    // fc00::/7, unique local
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::")]
    // fe80::/10, link-local
    [InlineData("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::")]
    // ::1/128, loopback
    [InlineData("::", "::1", "::1", "::2")]
    public void A_block_is_private_from_its_first_to_its_last_address_and_no_further(
        string justBelow, string first, string last, string justAbove)
    {
        var host = first.Contains(':') ? "/128" : "/32";
        Assert.False(PrivateAddressSpace.ContainsEntirely(Cidr.Parse(justBelow + host)));
        Assert.True(PrivateAddressSpace.ContainsEntirely(Cidr.Parse(first + host)));
        Assert.True(PrivateAddressSpace.ContainsEntirely(Cidr.Parse(last + host)));
        Assert.False(PrivateAddressSpace.ContainsEntirely(Cidr.Parse(justAbove + host)));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/7")]
    [InlineData("172.16.0.0/12", "172.16.0.0/11")]
    [InlineData("192.168.0.0/16", "192.168.0.0/15")]
    [InlineData("100.64.0.0/10", "100.64.0.0/9")]
    [InlineData("127.0.0.0/8", "126.0.0.0/7")]
    [InlineData("169.254.0.0/16", "169.254.0.0/15")]
    [InlineData("fc00::/7", "fc00::/6")]
    [InlineData("fe80::/10", "fe80::/9")]
    [InlineData("::1/128", "::/127")]
    public void A_whole_block_is_private_and_the_block_one_bit_wider_is_not(string block, string wider)
    {
        Assert.True(PrivateAddressSpace.ContainsEntirely(Cidr.Parse(block)));
        Assert.False(PrivateAddressSpace.ContainsEntirely(Cidr.Parse(wider)));
    }

    [Fact]
    public void A_block_is_private_exactly_when_one_private_range_holds_all_of_it()
    {
        // Addresses near the ends of the ranges, a little inside or outside, as often as random ones.
        var v4 = Gen.Frequency(
            (1, Gen.UInt.Select(a => (UInt128)a)),
            (2, Gen.Select(Gen.Int[0, 5], Gen.Bool, Gen.Int[-3, 3]).Select(t => Near(t.Item1, t.Item2, t.Item3))));
        var v6 = Gen.Frequency(
            (1, Gen.Select(Gen.ULong, Gen.ULong).Select(t => new UInt128(t.Item1, t.Item2))),
            (2, Gen.Select(Gen.Int[6, 8], Gen.Bool, Gen.Int[-3, 3]).Select(t => Near(t.Item1, t.Item2, t.Item3))));
        Gen.Select(Gen.Bool, v4, v6, Gen.Int[0, 128]).Sample((isV6, a4, a6, prefix) =>
        {
            var bits = isV6 ? 128 : 32;
            var address = isV6 ? a6 : a4;
            // Long prefixes, where the ranges' ends are, are the interesting ones; short ones cover whole ranges.
            prefix = bits - (int)((long)prefix * prefix * bits / (128 * 128));
            var cidr = isV6 ? Cidr.IPv6(address, prefix) : Cidr.IPv4((uint)address, prefix);
            var (first, last) = CidrProperties.Range(address, bits, prefix);

            var expected = Ranges.Any(r => r.V6 == isV6 && (BigInteger)r.First <= first && last <= (BigInteger)r.Last);
            Assert.Equal(expected, PrivateAddressSpace.ContainsEntirely(cidr));
        }, iter: 5000);
    }

    private static UInt128 Near(int range, bool atFirst, int offset)
    {
        var (v6, first, last) = Ranges[range];
        var anchor = atFirst ? first : last;
        var address = unchecked(offset < 0 ? anchor - (UInt128)(-offset) : anchor + (UInt128)offset);
        return v6 ? address : address & uint.MaxValue;
    }
}
