using Amazon.EC2.Model;
using SgConfigRule.Remediation;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>What makes a rule the rule it is for EC2 — and the permission the revoke sends, which names exactly that.</summary>
public sealed class RuleContentTests
{
    [Fact]
    public void The_key_is_protocol_ports_kind_and_canonical_source()
    {
        Assert.Equal("tcp|22|22|ipv4|0.0.0.0/0", RuleContent.Key("tcp", 22, 22, "ipv4", "0.0.0.0/0"));
        Assert.Equal("tcp|22|22|ipv4|0.0.0.0/0", RuleContent.Key(Described("sgr-1", 22)));
        // EC2 may answer with the number, or upper case: the same protocol.
        Assert.Equal(RuleContent.Key("tcp", 22, 22, "ipv4", "0.0.0.0/0"), RuleContent.Key("6", 22, 22, "ipv4", "0.0.0.0/0"));
        Assert.Equal(RuleContent.Key("udp", 53, 53, "ipv4", "0.0.0.0/0"), RuleContent.Key("UDP", 53, 53, "ipv4", "0.0.0.0/0"));
        Assert.Equal("icmpv6|128|0|ipv6|::/0", RuleContent.Key("58", 128, 0, "ipv6", "::/0"));
        Assert.Equal("50|-1|-1|ipv4|0.0.0.0/0", RuleContent.Key("50", -1, -1, "ipv4", "0.0.0.0/0"));
        // A protocol it cannot read stays as it is (lower case), so it matches only itself.
        Assert.Equal("gre-ish|1|2|ipv4|0.0.0.0/0", RuleContent.Key("GRE-ish", 1, 2, "ipv4", "0.0.0.0/0"));
    }

    [Fact]
    public void All_protocols_have_no_ports_whatever_was_sent()
    {
        Assert.Equal("-1|-1|-1|ipv4|0.0.0.0/0", RuleContent.Key("-1", 0, 65535, "ipv4", "0.0.0.0/0"));
        Assert.Equal(RuleContent.Key("-1", -1, -1, "ipv4", "0.0.0.0/0"), RuleContent.Key("all", 22, 22, "ipv4", "0.0.0.0/0"));
        // For other protocols the ports are part of the content.
        Assert.NotEqual(RuleContent.Key("tcp", 0, 65535, "ipv4", "0.0.0.0/0"), RuleContent.Key("tcp", -1, -1, "ipv4", "0.0.0.0/0"));
        Assert.NotEqual(RuleContent.Key("tcp", 22, 22, "ipv4", "0.0.0.0/0"), RuleContent.Key("tcp", 22, 23, "ipv4", "0.0.0.0/0"));
        Assert.NotEqual(RuleContent.Key("tcp", 21, 22, "ipv4", "0.0.0.0/0"), RuleContent.Key("tcp", 22, 22, "ipv4", "0.0.0.0/0"));
    }

    [Fact]
    public void Addresses_are_compared_in_canonical_form_other_sources_as_they_are()
    {
        Assert.Equal("tcp|22|22|ipv4|10.0.0.0/8", RuleContent.Key("tcp", 22, 22, "ipv4", "10.1.2.3/8"));
        Assert.Equal("tcp|22|22|ipv6|2001:db8::/32", RuleContent.Key("tcp", 22, 22, "ipv6", "2001:DB8:0::1/32"));
        // Not a CIDR: left alone rather than failing.
        Assert.Equal("tcp|22|22|ipv4|not-a-cidr", RuleContent.Key("tcp", 22, 22, "ipv4", "not-a-cidr"));
        // Only address sources are read as CIDRs; the kind is part of the key.
        Assert.Equal("tcp|22|22|prefixList|pl-0123abcd", RuleContent.Key("tcp", 22, 22, "prefixList", "pl-0123abcd"));
        Assert.Equal("tcp|22|22|securityGroup|10.1.2.3/8", RuleContent.Key("tcp", 22, 22, "securityGroup", "10.1.2.3/8"));
        Assert.NotEqual(RuleContent.Key("tcp", 22, 22, "prefixList", "x"), RuleContent.Key("tcp", 22, 22, "securityGroup", "x"));
    }

    [Fact]
    public void EC2s_revoked_rule_has_the_same_key_as_the_rule_asked_for()
    {
        Assert.Equal(RuleContent.Key(Described("sgr-1", 22, "10.0.0.0/8")),
            RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "6", FromPort = 22, ToPort = 22, CidrIpv4 = "10.0.0.0/8" }));
        Assert.Equal("tcp|22|22|ipv6|::/0", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv6 = "::/0" }));
        Assert.Equal("tcp|22|22|prefixList|pl-1", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22, PrefixListId = "pl-1" }));
        Assert.Equal("tcp|22|22|securityGroup|sg-1", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22, ReferencedGroupId = "sg-1" }));
        // Empty strings are no source; missing fields read as EC2's "none".
        Assert.Equal("tcp|22|22|ipv6|::/0", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv4 = "", CidrIpv6 = "::/0" }));
        Assert.Equal("tcp|22|22|prefixList|pl-1", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv6 = "", PrefixListId = "pl-1" }));
        Assert.Equal("tcp|22|22|securityGroup|sg-1", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22, PrefixListId = "", ReferencedGroupId = "sg-1" }));
        Assert.Equal("|-1|-1|securityGroup|", RuleContent.Key(new RevokedSecurityGroupRule()));
        Assert.Equal("-1|-1|-1|ipv4|0.0.0.0/0", RuleContent.Key(new RevokedSecurityGroupRule { IpProtocol = "-1", CidrIpv4 = "0.0.0.0/0" }));
    }

    [Fact]
    public void The_same_rule_is_the_same_id_and_the_same_content_whatever_the_description()
    {
        var rule = Described("sgr-1", 22, description: "admin");
        Assert.True(RuleContent.SameRule(rule, Described("sgr-1", 22, description: "changed") with { Reason = "other", Display = "other", Evidence = RevokeEvidence.Confirmed }));
        Assert.True(RuleContent.SameRule(rule, Described("sgr-1", 22, "0.0.0.7/0", protocol: "6")));
        // Re-added (new id), or changed in place (same id, new content): another rule.
        Assert.False(RuleContent.SameRule(rule, Described("sgr-2", 22)));
        Assert.False(RuleContent.SameRule(rule, Described("sgr-1", 23)));
        Assert.True(RuleContent.SameContent(rule, Described("sgr-2", 22)));
        Assert.False(RuleContent.SameContent(rule, Described("sgr-1", 22, "::/0", sourceType: "ipv6")));
    }

    [Fact]
    public void The_permission_names_exactly_an_address_rule_without_its_description()
    {
        var permission = RuleContent.ToIpPermission(Described("sgr-1", 22, "10.0.0.0/8", description: "admin"));
        Assert.Equal(("tcp", 22, 22), (permission.IpProtocol, permission.FromPort, permission.ToPort));
        var range = Assert.Single(permission.Ipv4Ranges);
        Assert.Equal("10.0.0.0/8", range.CidrIp);
        Assert.Null(range.Description);
        Assert.True(permission.Ipv6Ranges is null or { Count: 0 });
        Assert.True(permission.PrefixListIds is null or { Count: 0 });
        Assert.True(permission.UserIdGroupPairs is null or { Count: 0 });

        var v6 = RuleContent.ToIpPermission(Described("sgr-1", 3389, "::/0", sourceType: "ipv6", description: "admin"));
        var v6Range = Assert.Single(v6.Ipv6Ranges);
        Assert.Equal("::/0", v6Range.CidrIpv6);
        Assert.Null(v6Range.Description);
        Assert.True(v6.Ipv4Ranges is null or { Count: 0 });

        var listed = RuleContent.ToIpPermission(Described("sgr-1", 22, "pl-0123abcd", sourceType: "prefixList", description: "admin"));
        var list = Assert.Single(listed.PrefixListIds);
        Assert.Equal("pl-0123abcd", list.Id);
        Assert.Null(list.Description);
        Assert.True(listed.Ipv4Ranges is null or { Count: 0 });
    }

    [Fact]
    public void The_permission_for_all_protocols_has_no_ports()
    {
        var permission = RuleContent.ToIpPermission(Described("sgr-1", -1, protocol: "-1"));
        Assert.Equal("-1", permission.IpProtocol);
        Assert.Null(permission.FromPort);
        Assert.Null(permission.ToPort);
        var icmp = RuleContent.ToIpPermission(Described("sgr-1", 8, protocol: "icmp") with { ToPort = 0 });
        Assert.Equal(("icmp", 8, 0), (icmp.IpProtocol, icmp.FromPort, icmp.ToPort));
    }

    [Fact]
    public void The_permission_for_a_referenced_group_names_its_owner_and_peering_not_its_description()
    {
        var rule = Described("sgr-1", 22, "sg-0fedcba9876543210", sourceType: "securityGroup", description: "app tier") with
        {
            SourceUserId = "444455556666", SourceVpcId = "vpc-0b", SourcePeeringConnectionId = "pcx-0c",
        };
        var pair = Assert.Single(RuleContent.ToIpPermission(rule).UserIdGroupPairs);
        Assert.Equal(("sg-0fedcba9876543210", "444455556666", "pcx-0c"), (pair.GroupId, pair.UserId, pair.VpcPeeringConnectionId));
        Assert.Null(pair.Description);
        Assert.True(RuleContent.ToIpPermission(rule).Ipv4Ranges is null or { Count: 0 });
    }
}
