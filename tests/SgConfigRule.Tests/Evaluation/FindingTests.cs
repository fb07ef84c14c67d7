using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using static SgConfigRule.Tests.Support.Build;

namespace SgConfigRule.Tests.Evaluation;

/// <summary>How a finding names its reason, for people (the annotation) and for machines (scan's JSON).</summary>
public class FindingTests
{
    private static Finding Blocked(IngressRule rule, params PortRange[] ports) =>
        new(rule, FindingReason.BlockedPort, PortSet.Of(ports), false);

    [Fact]
    public void One_blocked_port_is_singular_and_more_are_plural()
    {
        Assert.Equal("blocked port 22", Blocked(Tcp(22, "0.0.0.0/0"), PortRange.Of(22)).ReasonText);
        Assert.Equal("blocked ports 22,3389", Blocked(AllTraffic("0.0.0.0/0"), PortRange.Of(22), PortRange.Of(3389)).ReasonText);
        Assert.Equal("blocked ports 8000-8001", Blocked(Tcp(0, 9000, "0.0.0.0/0"), new PortRange(8000, 8001)).ReasonText);
    }

    [Fact]
    public void The_reason_codes_are_blockedPort_and_notAuthorized()
    {
        Assert.Equal("blockedPort", Blocked(Tcp(22, "0.0.0.0/0"), PortRange.Of(22)).ReasonCode);
        Assert.Equal("notAuthorized", new Finding(Tcp(8080, "0.0.0.0/0"), FindingReason.NotAuthorized, PortSet.Of(PortRange.Of(8080)), false).ReasonCode);
    }

    [Fact]
    public void A_port_outside_the_allow_list_reads_not_authorized_without_its_ports()
    {
        var finding = new Finding(Tcp(8080, "0.0.0.0/0"), FindingReason.NotAuthorized, PortSet.Of(PortRange.Of(8080)), false);
        Assert.Equal("not authorized", finding.ReasonText);
        Assert.Equal("tcp/8080 from 0.0.0.0/0 (not authorized)", finding.Display);
    }

    [Fact]
    public void An_unresolved_prefix_list_is_named_after_the_reason()
    {
        Assert.Equal("tcp/22 from pl-0a1b2c3d4e5f67890 (blocked port 22, prefix list unresolved)",
            new Finding(Tcp(22, "pl-0a1b2c3d4e5f67890"), FindingReason.BlockedPort, PortSet.Of(PortRange.Of(22)), true).Display);
        Assert.Equal("udp/53 from pl-0a1b2c3d4e5f67890 (not authorized, prefix list unresolved)",
            new Finding(Udp(53, 53, "pl-0a1b2c3d4e5f67890"), FindingReason.NotAuthorized, PortSet.Of(PortRange.Of(53)), true).Display);
    }

    [Fact]
    public void A_resolved_prefix_list_says_nothing_more()
    {
        Assert.Equal("tcp/22 from pl-0a1b2c3d4e5f67890 (blocked port 22)",
            Blocked(Tcp(22, "pl-0a1b2c3d4e5f67890"), PortRange.Of(22)).Display);
    }

    [Fact]
    public void What_a_template_or_plan_reader_assumed_follows_the_reason_and_an_unknown_address_is_no_prefix_list()
    {
        var fromTemplate = new IngressRule(IpProtocol.Tcp, PortRange.Of(22), null, new UnresolvedSource("CidrIp is Fn::ImportValue Shared"), null, null)
        {
            Assumed = "assumed the worst: CidrIp is Fn::ImportValue Shared",
        };
        // The evaluator flags an unknown address as unresolved (fail closed); the words say what was assumed, not "prefix list".
        Assert.Equal("tcp/22 from (unknown address) (blocked port 22, assumed the worst: CidrIp is Fn::ImportValue Shared)",
            new Finding(fromTemplate, FindingReason.BlockedPort, PortSet.Of(PortRange.Of(22)), true).Display);

        var fromPlan = Tcp(0, 65535, "0.0.0.0/0") with { Assumed = "to_port known only after apply, assumed 65535" };
        Assert.Equal("blocked port 3389, to_port known only after apply, assumed 65535",
            Blocked(fromPlan, PortRange.Of(3389)).ReasonText);

        var unknownList = Tcp(22, "pl-0a1b2c3d4e5f67890") with { Assumed = "prefix_list_id known only after apply" };
        Assert.Equal("blocked port 22, prefix list unresolved, prefix_list_id known only after apply",
            new Finding(unknownList, FindingReason.BlockedPort, PortSet.Of(PortRange.Of(22)), true).ReasonText);
    }
}
