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
    public void Malformed_text_is_refused_with_the_reason(string input, string reason)
    {
        Assert.False(Cidr.TryParse(input, out _, out var error));
        Assert.Contains(reason, error);
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
