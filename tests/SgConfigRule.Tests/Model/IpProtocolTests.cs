using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

public class IpProtocolTests
{
    [Theory]
    [InlineData("tcp", "tcp")]
    [InlineData("TCP", "tcp")]
    [InlineData("6", "tcp")]
    [InlineData("udp", "udp")]
    [InlineData("17", "udp")]
    [InlineData("icmp", "icmp")]
    [InlineData("1", "icmp")]
    [InlineData("icmpv6", "icmpv6")]
    [InlineData("58", "icmpv6")]
    [InlineData("-1", "all")]
    [InlineData("all", "all")]
    [InlineData("50", "50")]
    [InlineData("0", "0")]
    [InlineData("255", "255")]
    public void Names_and_numbers_are_the_same_protocol(string text, string name)
    {
        Assert.True(IpProtocol.TryParse(text, out var protocol));
        Assert.Equal(name, protocol.Name);
    }

    [Theory]
    [InlineData("256")]
    [InlineData("-2")]
    [InlineData("sctp")]
    [InlineData("")]
    [InlineData("6.0")]
    [InlineData("+6")]
    public void Anything_else_is_not_a_protocol(string text) => Assert.False(IpProtocol.TryParse(text, out _));

    [Fact]
    public void All_protocols_go_on_the_wire_as_minus_one() => Assert.Equal("-1", IpProtocol.All.WireValue);
}
