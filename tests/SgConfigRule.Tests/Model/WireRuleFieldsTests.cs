using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

/// <summary>
/// The protocol and port fields of every AWS shape, straight into the model (DESIGN §3): a TCP/UDP bound that is
/// absent, null or -1 is the end of its side; ICMP's two numbers are type and code; other protocols have no ports.
/// </summary>
public class WireRuleFieldsTests
{
    public static TheoryData<IpProtocol> TcpAndUdp => [IpProtocol.Tcp, IpProtocol.Udp];
    public static TheoryData<IpProtocol> IcmpFamily => [IpProtocol.Icmp, IpProtocol.Icmpv6];

    [Theory]
    [InlineData("tcp", "tcp")]
    [InlineData("6", "tcp")]
    [InlineData("UDP", "udp")]
    [InlineData("icmpv6", "icmpv6")]
    [InlineData("-1", "all")]
    [InlineData("50", "50")]
    public void The_protocol_field_reads_names_and_numbers(string text, string name) =>
        Assert.Equal(name, WireRuleFields.Protocol(text).Name);

    [Theory]
    [InlineData("sctp")]
    [InlineData("256")]
    [InlineData("")]
    public void An_unknown_protocol_is_refused_naming_the_field_and_the_value(string text)
    {
        var e = Assert.Throws<RuleFieldException>(() => WireRuleFields.Protocol(text));
        Assert.Equal(RuleField.Protocol, e.Field);
        Assert.Equal($"unknown protocol '{text}': expected tcp, udp, icmp, icmpv6, -1 or a protocol number 0-255", e.Message);
    }

    [Theory]
    [InlineData(null, null, "0-65535")]
    [InlineData(-1, -1, "0-65535")]
    [InlineData(null, -1, "0-65535")]
    [InlineData(-1, 22, "0-22")]
    [InlineData(null, 22, "0-22")]
    [InlineData(22, -1, "22-65535")]
    [InlineData(22, null, "22-65535")]
    [InlineData(22, 22, "22")]
    [InlineData(0, 0, "0")]
    [InlineData(-1, 0, "0")]
    [InlineData(65535, 65535, "65535")]
    [InlineData(65535, -1, "65535")]
    [InlineData(0, 65535, "0-65535")]
    [InlineData(8000, 8100, "8000-8100")]
    public void A_missing_or_minus_one_tcp_udp_bound_is_the_end_of_its_side(int? from, int? to, string ports)
    {
        foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
        {
            var (range, icmp) = WireRuleFields.Ports(protocol, from, to);
            Assert.Equal(ports, range?.ToString());
            Assert.Null(icmp);
        }
    }

    [Theory]
    [InlineData(-2, 22, RuleField.FromPort, "fromPort -2 is outside 0-65535 (or -1 for all)")]
    [InlineData(65536, null, RuleField.FromPort, "fromPort 65536 is outside 0-65535 (or -1 for all)")]
    [InlineData(0, 65536, RuleField.ToPort, "toPort 65536 is outside 0-65535 (or -1 for all)")]
    [InlineData(null, -2, RuleField.ToPort, "toPort -2 is outside 0-65535 (or -1 for all)")]
    [InlineData(23, 22, RuleField.FromPort, "fromPort 23 is greater than toPort 22")]
    [InlineData(65535, 0, RuleField.FromPort, "fromPort 65535 is greater than toPort 0")]
    public void A_tcp_udp_bound_outside_the_ports_or_a_reversed_range_is_refused_naming_the_field(
        int? from, int? to, RuleField field, string message)
    {
        foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
        {
            var e = Assert.Throws<RuleFieldException>(() => WireRuleFields.Ports(protocol, from, to));
            Assert.Equal(field, e.Field);
            Assert.Equal(message, e.Message);
        }
    }

    [Fact]
    public void Errors_use_the_field_names_of_the_shape_read()
    {
        var reversed = Assert.Throws<RuleFieldException>(() => WireRuleFields.Ports(IpProtocol.Tcp, 23, 22, "FromPort", "ToPort"));
        Assert.Equal("FromPort 23 is greater than ToPort 22", reversed.Message);
        var outside = Assert.Throws<RuleFieldException>(() => WireRuleFields.Ports(IpProtocol.Udp, 53, 70000, "FromPort", "ToPort"));
        Assert.Equal("ToPort 70000 is outside 0-65535 (or -1 for all)", outside.Message);
    }

    [Theory]
    [InlineData(null, null, -1, -1, "any")]
    [InlineData(-1, -1, -1, -1, "any")]
    [InlineData(8, 0, 8, 0, "8:0")]
    [InlineData(8, -1, 8, -1, "8")]
    [InlineData(3, null, 3, -1, "3")]
    [InlineData(0, 0, 0, 0, "0:0")]
    [InlineData(255, 255, 255, 255, "255:255")]
    public void Icmp_numbers_are_type_and_code_with_minus_one_for_any(int? from, int? to, int type, int code, string text)
    {
        foreach (var protocol in new[] { IpProtocol.Icmp, IpProtocol.Icmpv6 })
        {
            var (range, icmp) = WireRuleFields.Ports(protocol, from, to);
            Assert.Null(range);
            Assert.Equal(new IcmpTypeCode(type, code), icmp);
            Assert.Equal(text, icmp.ToString());
        }
    }

    [Theory]
    [InlineData(-2, 0, RuleField.FromPort, "ICMP type/code -2 is outside -1..255")]
    [InlineData(256, 0, RuleField.FromPort, "ICMP type/code 256 is outside -1..255")]
    [InlineData(8, 256, RuleField.ToPort, "ICMP type/code 256 is outside -1..255")]
    [InlineData(8, -2, RuleField.ToPort, "ICMP type/code -2 is outside -1..255")]
    public void An_icmp_type_or_code_outside_minus_one_to_255_is_refused_naming_the_field(
        int from, int to, RuleField field, string message)
    {
        foreach (var protocol in new[] { IpProtocol.Icmp, IpProtocol.Icmpv6 })
        {
            var e = Assert.Throws<RuleFieldException>(() => WireRuleFields.Ports(protocol, from, to));
            Assert.Equal(field, e.Field);
            Assert.Equal(message, e.Message);
        }
    }

    [Theory]
    [InlineData(-1, null, null)]
    [InlineData(-1, -1, -1)]
    [InlineData(-1, 0, 65535)]
    [InlineData(50, null, null)]
    [InlineData(50, 22, 22)]
    [InlineData(0, -1, -1)]
    [InlineData(255, 8, 0)]
    public void Other_protocols_have_neither_ports_nor_icmp_type(int protocol, int? from, int? to) =>
        Assert.Equal((null, null), WireRuleFields.Ports(IpProtocol.FromNumber(protocol), from, to));

    [Fact]
    public void Every_rule_field_error_explains_itself()
    {
        var bare = new RuleFieldException();
        Assert.Equal(RuleField.Protocol, bare.Field);
        Assert.False(string.IsNullOrEmpty(bare.Message));
        var inner = new FormatException("bad");
        var wrapped = new RuleFieldException("fromPort is not a number", inner);
        Assert.Equal("fromPort is not a number", wrapped.Message);
        Assert.Same(inner, wrapped.InnerException);
    }
}
