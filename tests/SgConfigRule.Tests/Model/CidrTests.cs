using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

public class CidrTests
{
    [Theory]
    [InlineData("10.0.0.5/0", "0.0.0.0/0")]
    [InlineData("100.68.0.18/18", "100.68.0.0/18")]
    [InlineData("192.168.0.1/31", "192.168.0.0/31")]
    [InlineData("203.0.113.7/32", "203.0.113.7/32")]
    [InlineData("2001:DB8::1/32", "2001:db8::/32")]
    [InlineData("::/0", "::/0")]
    [InlineData("2001:db8:1234:5678::1/0", "::/0")]
    [InlineData("fe80::1%eth0/64", null)]
    public void Host_bits_are_cleared_as_EC2_does(string input, string? canonical)
    {
        var ok = Cidr.TryParse(input, out var cidr, out _);
        Assert.Equal(canonical is not null, ok);
        if (ok) Assert.Equal(canonical, cidr.ToString());
    }

    [Fact]
    public void Ten_slash_zero_is_the_whole_internet()
    {
        var cidr = Cidr.Parse("10.0.0.0/0");
        Assert.True(cidr.IsWholeAddressSpace);
        Assert.Equal(Cidr.Parse("0.0.0.0/0"), cidr);
    }

    [Theory]
    [InlineData("10.0.0.0", "the /prefix length is missing")]
    [InlineData("10.1/8", "is not an IPv4 or IPv6 address")]
    [InlineData("010.0.0.0/8", "is not an IPv4 or IPv6 address")]
    [InlineData("256.0.0.0/8", "is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.0/33", "prefix length must be 0-32")]
    [InlineData("10.0.0.0/08", "prefix length must be 0-32")]
    [InlineData("10.0.0.0/-1", "prefix length must be 0-32")]
    [InlineData("::/129", "prefix length must be 0-128")]
    [InlineData("", "empty string")]
    [InlineData("sg-123/8", "is not an IPv4 or IPv6 address")]
    [InlineData("[::1]/128", "is not an IPv4 or IPv6 address")]
    [InlineData("/8", "'' is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.0.0/8", "'10.0.0.0.0' is not an IPv4 or IPv6 address")]
    [InlineData("10..0.0/8", "is not an IPv4 or IPv6 address")]
    [InlineData(".10.0.0/8", "is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0./8", "is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.1000/8", "is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.0/", "prefix length must be 0-32")]
    [InlineData("10.0.0.0/8/8", "prefix length must be 0-32")]
    [InlineData("10.0.0.0/1000", "prefix length must be 0-32")]
    [InlineData("2001:db8::/", "prefix length must be 0-128")]
    [InlineData("2001:db8::/0128", "prefix length must be 0-128")]
    public void Malformed_text_is_refused_with_the_reason(string input, string reason)
    {
        Assert.False(Cidr.TryParse(input, out _, out var error));
        Assert.Contains(reason, error);
        Assert.False(Cidr.TryParse(input.AsSpan(), out _));
        Assert.Equal(error, Assert.Throws<FormatException>(() => Cidr.Parse(input)).Message);
    }

    [Fact]
    public void No_text_at_all_is_refused_as_empty()
    {
        Assert.False(Cidr.TryParse((string?)null, out _, out var error));
        Assert.Equal("an empty string is not a CIDR", error);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", 0x00000000u, 0xFFFFFFFFu)]
    [InlineData("255.255.255.255/0", "0.0.0.0/0", 0x00000000u, 0xFFFFFFFFu)]
    [InlineData("255.255.255.255/32", "255.255.255.255/32", 0xFFFFFFFFu, 0xFFFFFFFFu)]
    [InlineData("0.0.0.0/32", "0.0.0.0/32", 0x00000000u, 0x00000000u)]
    [InlineData("255.255.255.255/1", "128.0.0.0/1", 0x80000000u, 0xFFFFFFFFu)]
    [InlineData("127.255.255.255/1", "0.0.0.0/1", 0x00000000u, 0x7FFFFFFFu)]
    [InlineData("192.168.255.255/31", "192.168.255.254/31", 0xC0A8FFFEu, 0xC0A8FFFFu)]
    [InlineData("1.2.3.4/32", "1.2.3.4/32", 0x01020304u, 0x01020304u)]
    [InlineData("4.3.2.1/24", "4.3.2.0/24", 0x04030200u, 0x040302FFu)]
    public void IPv4_edge_prefixes_keep_every_octet_in_place(string input, string canonical, uint first, uint last)
    {
        var cidr = Cidr.Parse(input);
        Assert.Equal(canonical, cidr.ToString());
        Assert.Equal((UInt128)first, cidr.Network);
        Assert.Equal((UInt128)last, cidr.LastAddress);
        Assert.False(cidr.IsIPv6);
        Assert.Equal(cidr.PrefixLength == 0, cidr.IsWholeAddressSpace);
    }

    [Theory]
    [InlineData("2001:db8::1/128", "2001:db8::1/128")]
    [InlineData("::1/128", "::1/128")]
    [InlineData("::/128", "::/128")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1", "8000::/1")]
    [InlineData("2001:db8:0:0:1:2:3:4/64", "2001:db8::/64")]
    [InlineData("2001:db8:0:0:1:2:3:4/65", "2001:db8::/65")]
    [InlineData("2001:db8:0:0:ffff:2:3:4/65", "2001:db8:0:0:8000::/65")]
    [InlineData("2001:0DB8:0000:0000:0000:0000:0000:00FF/120", "2001:db8::/120")]
    [InlineData("2001:db8::abcd:1/127", "2001:db8::abcd:0/127")]
    public void IPv6_canonical_text_keeps_the_low_64_bits(string input, string canonical)
    {
        var cidr = Cidr.Parse(input);
        Assert.Equal(canonical, cidr.ToString());
        Assert.True(cidr.IsIPv6);
        Assert.Equal(cidr, Cidr.Parse(canonical));
    }

    [Fact]
    public void The_factories_accept_exactly_the_prefix_lengths_of_their_family()
    {
        Assert.Equal("0.0.0.0/0", Cidr.IPv4(0xFFFFFFFF, 0).ToString());
        Assert.Equal("255.255.255.255/32", Cidr.IPv4(0xFFFFFFFF, 32).ToString());
        Assert.Equal("10.0.0.0/8", Cidr.IPv4(0x0A0B0C0D, 8).ToString());
        Assert.Equal("prefixLength", Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.IPv4(0, -1)).ParamName);
        Assert.Equal("prefixLength", Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.IPv4(0, 33)).ParamName);

        Assert.Equal("::/0", Cidr.IPv6(UInt128.MaxValue, 0).ToString());
        Assert.Equal("::1/128", Cidr.IPv6(UInt128.One, 128).ToString());
        Assert.Equal("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", Cidr.IPv6(UInt128.MaxValue, 128).ToString());
        Assert.Equal("prefixLength", Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.IPv6(0, -1)).ParamName);
        Assert.Equal("prefixLength", Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.IPv6(0, 129)).ParamName);
    }

    [Fact]
    public void The_factories_make_the_same_block_as_parsing()
    {
        Assert.Equal(Cidr.Parse("203.0.113.9/24"), Cidr.IPv4(0xCB007109, 24));
        Assert.Equal(Cidr.Parse("2001:db8::9/64"), Cidr.IPv6(new UInt128(0x20010DB800000000, 9), 64));
        Assert.NotEqual(Cidr.IPv4(0, 0), Cidr.IPv6(0, 0));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.0/24", true)]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", true)]
    [InlineData("10.0.0.0/8", "10.0.0.0/7", false)]
    [InlineData("10.0.0.0/8", "11.0.0.0/24", false)]
    [InlineData("0.0.0.0/0", "203.0.113.7/32", true)]
    [InlineData("0.0.0.0/0", "::/0", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::/48", true)]
    [InlineData("2001:db8::/32", "2001:db9::/48", false)]
    [InlineData("10.0.0.0/8", "10.255.255.255/32", true)]
    [InlineData("10.0.0.0/8", "9.255.255.255/32", false)]
    [InlineData("10.0.0.0/8", "11.0.0.0/32", false)]
    [InlineData("10.0.0.0/32", "10.0.0.0/32", true)]
    [InlineData("10.0.0.0/32", "10.0.0.1/32", false)]
    [InlineData("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", true)]
    [InlineData("::/0", "0.0.0.0/0", false)]
    [InlineData("::1/128", "::1/128", true)]
    [InlineData("::1/128", "::/127", false)]
    public void Containment_is_by_whole_blocks_and_family(string outer, string inner, bool contains) =>
        Assert.Equal(contains, Cidr.Parse(outer).Contains(Cidr.Parse(inner)));

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("10.200.0.0/16", true)]
    [InlineData("172.16.0.0/12", true)]
    [InlineData("172.32.0.0/16", false)]
    [InlineData("192.168.7.0/24", true)]
    [InlineData("100.64.0.0/10", true)]
    [InlineData("100.128.0.0/16", false)]
    [InlineData("127.0.0.1/32", true)]
    [InlineData("169.254.169.254/32", true)]
    [InlineData("10.0.0.0/7", false)]
    [InlineData("0.0.0.0/0", false)]
    [InlineData("203.0.113.0/24", false)]
    [InlineData("fd12:3456::/48", true)]
    [InlineData("fe80::/64", true)]
    [InlineData("::1/128", true)]
    [InlineData("2001:db8::/32", false)]
    [InlineData("::/0", false)]
    public void Private_space_means_entirely_private(string cidr, bool isPrivate) =>
        Assert.Equal(isPrivate, PrivateAddressSpace.ContainsEntirely(Cidr.Parse(cidr)));

    [Fact]
    public void Last_address_is_the_top_of_the_block()
    {
        Assert.Equal((UInt128)0x0AFFFFFF, Cidr.Parse("10.0.0.0/8").LastAddress);
        Assert.Equal((UInt128)uint.MaxValue, Cidr.Parse("0.0.0.0/0").LastAddress);
        Assert.Equal(UInt128.MaxValue, Cidr.Parse("::/0").LastAddress);
    }
}
