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
    [InlineData(" 6")]
    [InlineData("0006")]
    [InlineData("000017")]
    [InlineData("1000")]
    [InlineData("icmpv6x")]
    [InlineData("1234567")]
    [InlineData("tcp    ")]
    [InlineData("protocol-number-6")]
    public void Anything_else_is_not_a_protocol(string text) => Assert.False(IpProtocol.TryParse(text, out _));

    [Fact]
    public void Anything_else_is_not_a_protocol_as_a_span_either()
    {
        Assert.False(IpProtocol.TryParse("icmpv6x".AsSpan(), out _));
        Assert.False(IpProtocol.TryParse(ReadOnlySpan<char>.Empty, out _));
        Assert.False(IpProtocol.TryParse((string?)null, out _));
    }

    [Theory]
    [InlineData(-1, "all", "-1")]
    [InlineData(1, "icmp", "icmp")]
    [InlineData(6, "tcp", "tcp")]
    [InlineData(17, "udp", "udp")]
    [InlineData(58, "icmpv6", "icmpv6")]
    [InlineData(0, "0", "0")]
    [InlineData(50, "50", "50")]
    [InlineData(255, "255", "255")]
    public void Reports_name_a_protocol_and_EC2_is_sent_its_wire_value(int number, string name, string wire)
    {
        var protocol = IpProtocol.FromNumber(number);
        Assert.Equal(number, protocol.Number);
        Assert.Equal(name, protocol.Name);
        Assert.Equal(name, protocol.ToString());
        Assert.Equal(wire, protocol.WireValue);
    }

    [Fact]
    public void The_named_protocols_have_their_IANA_numbers()
    {
        Assert.Equal(-1, IpProtocol.All.Number);
        Assert.Equal(1, IpProtocol.Icmp.Number);
        Assert.Equal(6, IpProtocol.Tcp.Number);
        Assert.Equal(17, IpProtocol.Udp.Number);
        Assert.Equal(58, IpProtocol.Icmpv6.Number);
    }

    [Fact]
    public void All_protocols_go_on_the_wire_as_minus_one() => Assert.Equal("-1", IpProtocol.All.WireValue);

    [Fact]
    public void Every_protocol_number_reads_back_from_its_name_its_wire_value_and_its_number()
    {
        for (var n = -1; n <= 255; n++)
        {
            var protocol = IpProtocol.FromNumber(n);
            Assert.True(IpProtocol.TryParse(protocol.Name, out var byName), protocol.Name);
            Assert.True(IpProtocol.TryParse(protocol.WireValue, out var byWire), protocol.WireValue);
            Assert.True(IpProtocol.TryParse(n.ToString(), out var byNumber), n.ToString());
            Assert.True(IpProtocol.TryParse(protocol.Name.ToUpperInvariant().AsSpan(), out var byUpperCase), protocol.Name);
            Assert.Equal(protocol, byName);
            Assert.Equal(protocol, byWire);
            Assert.Equal(protocol, byNumber);
            Assert.Equal(protocol, byUpperCase);
        }
    }

    [Fact]
    public void Every_protocol_number_falls_in_the_right_families()
    {
        for (var n = -1; n <= 255; n++)
        {
            var protocol = IpProtocol.FromNumber(n);
            Assert.Equal(n == -1, protocol.IsAll);
            Assert.Equal(n is 6 or 17, protocol.IsTcpOrUdp);
            Assert.Equal(n is 1 or 58, protocol.IsIcmpFamily);
        }
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(256)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void A_number_outside_minus_one_to_255_is_not_a_protocol(int number)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => IpProtocol.FromNumber(number));
        Assert.Equal("number", error.ParamName);
        Assert.Equal(number, error.ActualValue);
        Assert.Contains("an IP protocol is -1 or 0-255", error.Message);
    }
}
