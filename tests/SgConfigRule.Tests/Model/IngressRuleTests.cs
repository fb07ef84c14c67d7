using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

public class IngressRuleTests
{
    private static readonly IngressSource Host = new CidrSource(Cidr.Parse("203.0.113.7/32"));

    private static IngressRule Rule(IpProtocol protocol, int? from = null, int? to = null, IngressSource? source = null)
    {
        var (ports, icmp) = WireRuleFields.Ports(protocol, from, to);
        return new IngressRule(protocol, ports, icmp, source ?? Host, null, null);
    }

    [Fact]
    public void A_rule_opens_ports_only_for_its_own_transport_and_all_protocols_opens_every_port_of_both()
    {
        var ssh = Rule(IpProtocol.Tcp, 22, 22);
        Assert.Equal(PortRange.Of(22), ssh.PortsFor(IpProtocol.Tcp));
        Assert.Null(ssh.PortsFor(IpProtocol.Udp));

        var dns = Rule(IpProtocol.Udp, 53, 53);
        Assert.Equal(PortRange.Of(53), dns.PortsFor(IpProtocol.Udp));
        Assert.Null(dns.PortsFor(IpProtocol.Tcp));

        var everything = Rule(IpProtocol.All, -1, -1);
        Assert.Equal(PortRange.All, everything.PortsFor(IpProtocol.Tcp));
        Assert.Equal(PortRange.All, everything.PortsFor(IpProtocol.Udp));

        foreach (var other in new[] { Rule(IpProtocol.Icmp, 8, 0), Rule(IpProtocol.FromNumber(50)) })
        {
            Assert.Null(other.PortsFor(IpProtocol.Tcp));
            Assert.Null(other.PortsFor(IpProtocol.Udp));
        }
    }

    [Theory]
    [InlineData("tcp", 22, 25, 22, 25)]
    [InlineData("udp", null, null, 0, 65535)]
    [InlineData("tcp", 0, 0, 0, 0)]
    [InlineData("icmp", 8, 0, 8, 0)]
    [InlineData("icmpv6", 128, null, 128, -1)]
    [InlineData("icmp", null, null, -1, -1)]
    [InlineData("-1", null, null, -1, -1)]
    [InlineData("50", null, null, -1, -1)]
    public void Wire_ports_are_what_EC2_reports(string protocol, int? from, int? to, int wireFrom, int wireTo)
    {
        var rule = Rule(WireRuleFields.Protocol(protocol), from, to);
        Assert.Equal(wireFrom, rule.WireFromPort);
        Assert.Equal(wireTo, rule.WireToPort);
    }

    [Theory]
    [InlineData("tcp", 22, 22, "tcp/22")]
    [InlineData("tcp", 8000, 8100, "tcp/8000-8100")]
    [InlineData("udp", -1, -1, "udp/0-65535")]
    [InlineData("-1", null, null, "all traffic")]
    [InlineData("icmp", 8, 0, "icmp/8:0")]
    [InlineData("icmp", 3, -1, "icmp/3")]
    [InlineData("icmpv6", -1, -1, "icmpv6/any")]
    [InlineData("50", null, null, "proto 50")]
    [InlineData("0", null, null, "proto 0")]
    public void Traffic_reads_as_in_annotations(string protocol, int? from, int? to, string traffic)
    {
        var rule = Rule(WireRuleFields.Protocol(protocol), from, to);
        Assert.Equal(traffic, rule.TrafficDisplay);
        Assert.Equal($"{traffic} from 203.0.113.7/32", rule.Display);
    }

    [Fact]
    public void A_rule_names_its_source_by_canonical_cidr_prefix_list_or_group()
    {
        Assert.Equal("tcp/22 from 10.0.0.0/8", Rule(IpProtocol.Tcp, 22, 22, new CidrSource(Cidr.Parse("10.1.2.3/8"))).Display);
        Assert.Equal("tcp/22 from pl-63a5400a", Rule(IpProtocol.Tcp, 22, 22, new PrefixListSource("pl-63a5400a")).Display);
        Assert.Equal("tcp/22 from sg-12345678",
            Rule(IpProtocol.Tcp, 22, 22, new SecurityGroupSource("sg-12345678", null, null, null, null, null)).Display);
    }

    [Fact]
    public void Rules_are_equal_when_protocol_ports_and_source_are()
    {
        Assert.Equal(Rule(IpProtocol.Tcp, 22, 22, new CidrSource(Cidr.Parse("10.1.2.3/8"))),
                     Rule(IpProtocol.Tcp, 22, 22, new CidrSource(Cidr.Parse("10.0.0.0/8"))));
        Assert.Equal(Rule(IpProtocol.Udp, null, null), Rule(IpProtocol.Udp, 0, 65535));
        Assert.NotEqual(Rule(IpProtocol.Tcp, 22, 22), Rule(IpProtocol.Udp, 22, 22));
        Assert.NotEqual(Rule(IpProtocol.Tcp, 22, 22), Rule(IpProtocol.Tcp, 22, 23));
        Assert.NotEqual(Rule(IpProtocol.Tcp, 22, 22), Rule(IpProtocol.Tcp, 22, 22, new PrefixListSource("pl-63a5400a")));
    }

    [Theory]
    [InlineData(-1, -1, "any")]
    [InlineData(8, -1, "8")]
    [InlineData(8, 0, "8:0")]
    [InlineData(0, 0, "0:0")]
    [InlineData(0, -1, "0")]
    [InlineData(1, 1, "1:1")]
    [InlineData(255, 255, "255:255")]
    public void Icmp_type_and_code_read_any_type_or_type_colon_code(int type, int code, string text) =>
        Assert.Equal(text, new IcmpTypeCode(type, code).ToString());

    [Fact]
    public void Any_icmp_is_what_a_rule_without_type_and_code_reads_as()
    {
        Assert.Equal(new IcmpTypeCode(-1, -1), IcmpTypeCode.Any);
        Assert.Equal(IcmpTypeCode.Any, WireRuleFields.Ports(IpProtocol.Icmp, null, null).Icmp);
        Assert.Equal("any", IcmpTypeCode.Any.ToString());
    }
}
