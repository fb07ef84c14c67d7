using Amazon.EC2.Model;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Execution;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>EC2's answer to the revoke, mapped to what was read: <see cref="Ec2Revoker.Interpret"/> without HTTP.</summary>
public sealed class Ec2RevokerInterpretTests
{
    private static readonly RevokedRule Ssh = Described("sgr-0000000000000ssh", 22, description: "as read");

    private static readonly RevokedRule Peer = Described("sgr-00000000000group", 3389, "sg-0fedcba9876543210", sourceType: "securityGroup", description: "as read") with
    {
        SourceUserId = "444455556666", SourceVpcId = "vpc-0b", SourcePeeringConnectionId = "pcx-0c", Reason = "blocked port 3389",
    };

    private static RevokedSecurityGroupRule Answer(string id, string protocol, int? from, int? to, string? v4 = null, string? group = null,
                                                  string? description = null, bool? egress = false, string? v6 = null, string? list = null) => new()
    {
        SecurityGroupRuleId = id, GroupId = GroupId, IpProtocol = protocol, FromPort = from, ToPort = to, CidrIpv4 = v4, CidrIpv6 = v6,
        PrefixListId = list, ReferencedGroupId = group, Description = description, IsEgress = egress,
    };

    [Fact]
    public void Each_removed_rule_is_described_as_read_with_EC2s_id_and_description()
    {
        var response = new RevokeSecurityGroupIngressResponse
        {
            Return = true,
            RevokedSecurityGroupRules =
            [
                Answer("sgr-0000000000000new", "6", 22, 22, v4: "0.0.0.0/0", description: "edited since the read"),
                Answer("sgr-00000000000group", "tcp", 3389, 3389, group: "sg-0fedcba9876543210", description: null),
            ],
        };
        var answered = Ec2Revoker.Interpret([Ssh, Peer], response);
        Assert.Equal(0, answered.Unmatched);
        Assert.Equal(2, answered.Revoked.Count);

        var ssh = answered.Revoked[0];
        Assert.Equal(Ssh with { RuleId = "sgr-0000000000000new", Description = "edited since the read", Evidence = RevokeEvidence.Confirmed }, ssh);

        // EC2's answer does not name the referenced group's owner, VPC or peering: they come from the read.
        var peer = answered.Revoked[1];
        Assert.Equal(Peer with { Description = null, Evidence = RevokeEvidence.Confirmed }, peer);
        Assert.Equal(("444455556666", "vpc-0b", "pcx-0c"), (peer.SourceUserId, peer.SourceVpcId, peer.SourcePeeringConnectionId));
    }

    [Fact]
    public void A_removed_rule_without_an_id_in_the_answer_keeps_the_id_read()
    {
        var response = new RevokeSecurityGroupIngressResponse { RevokedSecurityGroupRules = [Answer(null!, "tcp", 22, 22, v4: "0.0.0.0/0")] };
        Assert.Equal(Ssh.RuleId, Assert.Single(Ec2Revoker.Interpret([Ssh], response).Revoked).RuleId);
    }

    [Fact]
    public void An_answer_without_details_confirms_everything_asked_for_unless_EC2_matched_nothing()
    {
        foreach (var response in new[] { new RevokeSecurityGroupIngressResponse { Return = true }, new RevokeSecurityGroupIngressResponse { RevokedSecurityGroupRules = [], UnknownIpPermissions = [] } })
        {
            var answered = Ec2Revoker.Interpret([Ssh, Peer], response);
            Assert.Equal(0, answered.Unmatched);
            Assert.Equal([Ssh with { Evidence = RevokeEvidence.Confirmed }, Peer with { Evidence = RevokeEvidence.Confirmed }], answered.Revoked);
        }

        // Default VPC: what it could not match it lists as unknown, and without details nothing is known to have gone.
        var unmatched = Ec2Revoker.Interpret([Ssh, Peer], new RevokeSecurityGroupIngressResponse { UnknownIpPermissions = [RuleContent.ToIpPermission(Ssh)] });
        Assert.Empty(unmatched.Revoked);
        Assert.Equal(1, unmatched.Unmatched);
    }

    [Fact]
    public void Unknown_permissions_are_counted_next_to_what_went()
    {
        var response = new RevokeSecurityGroupIngressResponse
        {
            RevokedSecurityGroupRules = [Answer("sgr-0000000000000ssh", "tcp", 22, 22, v4: "0.0.0.0/0")],
            UnknownIpPermissions = [RuleContent.ToIpPermission(Peer), RuleContent.ToIpPermission(Described("sgr-3", 80))],
        };
        var answered = Ec2Revoker.Interpret([Ssh, Peer], response);
        Assert.Equal(2, answered.Unmatched);
        Assert.Equal(Ssh.RuleId, Assert.Single(answered.Revoked).RuleId);
    }

    [Fact]
    public void Egress_entries_in_the_answer_are_not_inbound_removals()
    {
        var response = new RevokeSecurityGroupIngressResponse
        {
            RevokedSecurityGroupRules =
            [
                Answer("sgr-00000000000egress", "tcp", 22, 22, v4: "0.0.0.0/0", egress: true),
                Answer("sgr-0000000000000ssh", "tcp", 22, 22, v4: "0.0.0.0/0", egress: null),
            ],
        };
        Assert.Equal(Ssh.RuleId, Assert.Single(Ec2Revoker.Interpret([Ssh], response).Revoked).RuleId);

        var onlyEgress = new RevokeSecurityGroupIngressResponse { RevokedSecurityGroupRules = [Answer("sgr-00000000000egress", "tcp", 22, 22, v4: "0.0.0.0/0", egress: true)] };
        var answered = Ec2Revoker.Interpret([Ssh], onlyEgress);
        Assert.Empty(answered.Revoked);
        Assert.Equal(0, answered.Unmatched);
    }

    [Fact]
    public void A_removed_rule_that_was_not_asked_for_is_still_announced_from_the_answer()
    {
        var response = new RevokeSecurityGroupIngressResponse
        {
            RevokedSecurityGroupRules =
            [
                Answer("sgr-000000000000v4", "tcp", 20, 30, v4: "198.51.100.0/24", description: "surprise"),
                Answer("sgr-000000000000all", "-1", null, null, v6: "::/0"),
                Answer("sgr-000000000000list", "udp", 53, 53, list: "pl-0123abcd"),
                Answer("sgr-000000000000grp", null!, null, null, group: "sg-0aaaaaaaaaaaaaaaa"),
            ],
        };
        var revoked = Ec2Revoker.Interpret([Ssh], response).Revoked;
        Assert.Equal(4, revoked.Count);

        var v4 = revoked[0];
        Assert.Equal(("sgr-000000000000v4", "tcp", 20, 30, "198.51.100.0/24", "ipv4", "surprise"),
            (v4.RuleId, v4.Protocol, v4.FromPort, v4.ToPort, v4.Source, v4.SourceType, v4.Description));
        Assert.Equal("removed by EC2 although not asked for by content", v4.Reason);
        Assert.Equal("tcp/20-30 from 198.51.100.0/24", v4.Display);
        Assert.Equal(RevokeEvidence.Confirmed, v4.Evidence);
        Assert.Null(v4.SourceUserId);

        Assert.Equal(("-1", -1, -1, "::/0", "ipv6", "all traffic from ::/0"), (revoked[1].Protocol, revoked[1].FromPort, revoked[1].ToPort, revoked[1].Source, revoked[1].SourceType, revoked[1].Display));
        Assert.Equal(("pl-0123abcd", "prefixList", "udp/53-53 from pl-0123abcd"), (revoked[2].Source, revoked[2].SourceType, revoked[2].Display));
        // No protocol in the answer reads as all traffic.
        Assert.Equal(("-1", "sg-0aaaaaaaaaaaaaaaa", "securityGroup", "all traffic from sg-0aaaaaaaaaaaaaaaa"), (revoked[3].Protocol, revoked[3].Source, revoked[3].SourceType, revoked[3].Display));
        Assert.All(revoked, r => Assert.Equal(RevokeEvidence.Confirmed, r.Evidence));
    }

    [Fact]
    public void A_rule_with_neither_source_nor_id_in_the_answer_is_still_reported()
    {
        var revoked = Assert.Single(Ec2Revoker.Interpret([Ssh], new RevokeSecurityGroupIngressResponse
        {
            RevokedSecurityGroupRules = [new RevokedSecurityGroupRule { IpProtocol = "tcp", FromPort = 22, ToPort = 22 }],
        }).Revoked);
        Assert.Equal(("", "securityGroup", ""), (revoked.RuleId, revoked.SourceType, revoked.Source));
    }
}
