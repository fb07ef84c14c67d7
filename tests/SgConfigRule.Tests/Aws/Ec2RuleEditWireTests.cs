using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Attribution;
using static SgConfigRule.Tests.Aws.AwsTestSupport;
using Filter = Amazon.EC2.Model.Filter;

namespace SgConfigRule.Tests.Aws;

/// <summary>
/// People's edits to rules (ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptionsIngress) and the revokes
/// that race them, through the real AWSSDK.EC2 client against the loopback EC2: a modified rule keeps its id, so a
/// revoke by id removes whatever the rule has become, while a revoke by content fails or reports it.
/// </summary>
public class Ec2RuleEditWireTests
{
    private const string Group = "sg-0f3c6a1e2b4d58a90";
    private const string Peer = "sg-0aa11bb22cc33dd44";
    private const string CorpPrefixList = "pl-0a1b2c3d4e5f67890";
    private const string ExemptionKey = "sgcr:exempt";

    private static AmazonEC2Client ClientIn(FakeAwsServer server, string region) => new(Credentials, new AmazonEC2Config
    {
        ServiceURL = server.Url.ToString(),
        AuthenticationRegion = region,
        MaxErrorRetry = 0,
    });

    /// <summary>SSH open to the world, RDP open to the world, HTTPS from a peer group; one egress rule.</summary>
    private static (Ec2Rule Ssh, Ec2Rule Rdp, Ec2Rule FromPeer) Scenario(FakeAwsServer server, bool defaultVpc = false)
    {
        server.Ec2.AddGroup(Group, "web", inDefaultVpc: defaultVpc);
        server.Ec2.AddGroup(Peer, "peer");
        var ssh = server.Ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH");
        var rdp = server.Ec2.AddIngress(Group, "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"), "RDP");
        var fromPeer = server.Ec2.AddIngress(Group, "tcp", 443, 443, Ec2Source.Group(Peer));
        server.Ec2.AddEgress(Group, "-1", -1, -1, Ec2Source.Ipv4("0.0.0.0/0"));
        return (ssh, rdp, fromPeer);
    }

    private static IpPermission Tcp(int port, string cidr) =>
        new() { IpProtocol = "tcp", FromPort = port, ToPort = port, Ipv4Ranges = [new IpRange { CidrIp = cidr }] };

    private static ModifySecurityGroupRulesRequest Modify(string groupId, params (string RuleId, SecurityGroupRuleRequest Rule)[] updates) => new()
    {
        GroupId = groupId,
        SecurityGroupRules = [.. updates.Select(u => new SecurityGroupRuleUpdate { SecurityGroupRuleId = u.RuleId, SecurityGroupRule = u.Rule })],
    };

    private static QueryParameters LastRequest(FakeAwsServer server, string operation) =>
        new(server.Calls.Last(c => c.Operation == operation).Body);

    [Fact]
    public async Task Modify_changes_the_rule_in_place_and_keeps_its_id()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, _) = Scenario(server);
        using var ec2 = Ec2WireTests.Client(server);

        var response = await ec2.ModifySecurityGroupRulesAsync(Modify(Group, (ssh.RuleId, new SecurityGroupRuleRequest
        {
            IpProtocol = "tcp", FromPort = 8443, ToPort = 8443, CidrIpv4 = "10.1.2.3/16", Description = "internal HTTPS",
        })), TestContext.Current.CancellationToken);

        Assert.True(response.Return);
        // The wire names AWSSDK.EC2 sends, which the fake reads.
        var sent = LastRequest(server, "ModifySecurityGroupRules");
        Assert.Equal((Group, ssh.RuleId, "tcp", "8443", "8443", "10.1.2.3/16", "internal HTTPS"),
            (sent["GroupId"], sent["SecurityGroupRule.1.SecurityGroupRuleId"], sent["SecurityGroupRule.1.SecurityGroupRule.IpProtocol"],
             sent["SecurityGroupRule.1.SecurityGroupRule.FromPort"], sent["SecurityGroupRule.1.SecurityGroupRule.ToPort"],
             sent["SecurityGroupRule.1.SecurityGroupRule.CidrIpv4"], sent["SecurityGroupRule.1.SecurityGroupRule.Description"]));

        var rules = await ec2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest { Filters = [new Filter("group-id", [Group])] },
            TestContext.Current.CancellationToken);
        var modified = rules.SecurityGroupRules.Single(r => r.SecurityGroupRuleId == ssh.RuleId);
        Assert.Equal(("tcp", 8443, 8443, "10.1.0.0/16", "internal HTTPS", false), (modified.IpProtocol, modified.FromPort, modified.ToPort, modified.CidrIpv4, modified.Description, modified.IsEgress));
        Assert.DoesNotContain(rules.SecurityGroupRules, r => r.FromPort == 22);
        Assert.Equal(4, rules.SecurityGroupRules.Count);
    }

    [Fact]
    public async Task Modify_can_change_the_source_type_and_leaving_out_the_description_removes_it()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, fromPeer) = Scenario(server);
        using var ec2 = Ec2WireTests.Client(server);

        await ec2.ModifySecurityGroupRulesAsync(Modify(Group,
            (ssh.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 22, ToPort = 22, PrefixListId = CorpPrefixList }),
            (fromPeer.RuleId, new SecurityGroupRuleRequest { IpProtocol = "-1", CidrIpv6 = "2001:db8::1/64", Description = "all from the v6 net" })),
            TestContext.Current.CancellationToken);

        var sent = LastRequest(server, "ModifySecurityGroupRules");
        Assert.Equal((CorpPrefixList, "2001:db8::1/64"), (sent["SecurityGroupRule.1.SecurityGroupRule.PrefixListId"], sent["SecurityGroupRule.2.SecurityGroupRule.CidrIpv6"]));
        var rules = server.Ec2.Rules(Group);
        Assert.Equal(new Ec2Rule(ssh.RuleId, Group, false, "tcp", 22, 22, Ec2Source.PrefixList(CorpPrefixList), null), rules.Single(r => r.RuleId == ssh.RuleId));
        Assert.Equal(new Ec2Rule(fromPeer.RuleId, Group, false, "-1", -1, -1, Ec2Source.Ipv6("2001:db8::/64"), "all from the v6 net"),
            rules.Single(r => r.RuleId == fromPeer.RuleId));
    }

    [Fact]
    public async Task Modify_to_the_content_of_another_rule_is_a_duplicate_and_changes_nothing()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, rdp, _) = Scenario(server);
        var before = server.Ec2.Rules(Group);
        using var ec2 = Ec2WireTests.Client(server);

        // The first update alone would be fine; the second makes RDP the same as SSH (descriptions do not count).
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ModifySecurityGroupRulesAsync(Modify(Group,
            (ssh.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv4 = "0.0.0.0/0", Description = "renamed" }),
            (rdp.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv4 = "0.0.0.0/0", Description = "other" })),
            TestContext.Current.CancellationToken));

        Assert.Equal("InvalidPermission.Duplicate", e.ErrorCode);
        Assert.Equal(before, server.Ec2.Rules(Group));
    }

    [Fact]
    public async Task Modify_answers_EC2s_error_codes_and_changes_nothing()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, _) = Scenario(server);
        server.Ec2.AddGroup("sg-0other0000000000a", "other");
        var foreign = server.Ec2.AddIngress("sg-0other0000000000a", "tcp", 80, 80, Ec2Source.Ipv4("0.0.0.0/0"));
        var before = server.Ec2.Rules(Group);
        using var ec2 = Ec2WireTests.Client(server);
        var allowed = new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv4 = "10.0.0.0/8" };

        async Task<string> ErrorOf(ModifySecurityGroupRulesRequest request) =>
            (await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ModifySecurityGroupRulesAsync(request, TestContext.Current.CancellationToken))).ErrorCode;

        Assert.Equal("InvalidGroup.NotFound", await ErrorOf(Modify("sg-0000000000000dead", (ssh.RuleId, allowed))));
        Assert.Equal("InvalidSecurityGroupRuleId.NotFound", await ErrorOf(Modify(Group, (ssh.RuleId, allowed), ("sgr-0000000000000dead", allowed))));
        Assert.Equal("InvalidSecurityGroupRuleId.NotFound", await ErrorOf(Modify(Group, (foreign.RuleId, allowed))));
        Assert.Equal("InvalidParameterValue", await ErrorOf(Modify(Group,
            (ssh.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 22, ToPort = 70000, CidrIpv4 = "10.0.0.0/8" }))));
        Assert.Equal("InvalidParameterValue", await ErrorOf(Modify(Group,
            (ssh.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 30, ToPort = 20, CidrIpv4 = "10.0.0.0/8" }))));
        Assert.Equal(before, server.Ec2.Rules(Group));
        Assert.Empty(server.CloudTrail.Events);
    }

    [Fact]
    public async Task Modify_changes_egress_rules_too_as_EC2_does()
    {
        await using var server = await FakeAwsServer.StartAsync();
        Scenario(server);
        var egress = server.Ec2.Rules(Group).Single(r => r.IsEgress);
        using var ec2 = Ec2WireTests.Client(server);

        await ec2.ModifySecurityGroupRulesAsync(Modify(Group, (egress.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 443, ToPort = 443, CidrIpv4 = "0.0.0.0/0" })),
            TestContext.Current.CancellationToken);

        Assert.Equal(egress with { Protocol = "tcp", FromPort = 443, ToPort = 443 }, server.Ec2.Rules(Group).Single(r => r.IsEgress));
    }

    [Fact]
    public async Task Modify_leaves_a_CloudTrail_record_that_attribution_finds_by_rule_id()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, _) = Scenario(server); // added by the helper: no CloudTrail record of its own
        using var ec2 = Ec2WireTests.Client(server);
        await ec2.ModifySecurityGroupRulesAsync(Modify(Group, (ssh.RuleId, new SecurityGroupRuleRequest { IpProtocol = "tcp", FromPort = 23, ToPort = 23, CidrIpv4 = "0.0.0.0/0" })),
            TestContext.Current.CancellationToken);

        var trailEvent = Assert.Single(server.CloudTrail.Events);
        var record = JsonDocument.Parse(trailEvent.CloudTrailEvent).RootElement;
        var request = record.GetProperty("requestParameters").GetProperty("ModifySecurityGroupRulesRequest");
        Assert.Equal(("ModifySecurityGroupRules", "us-east-1", Group, ssh.RuleId, 23),
            (record.GetProperty("eventName").GetString(), record.GetProperty("awsRegion").GetString(), request.GetProperty("GroupId").GetString(),
             request.GetProperty("SecurityGroupRule").GetProperty("SecurityGroupRuleId").GetString(),
             request.GetProperty("SecurityGroupRule").GetProperty("SecurityGroupRule").GetProperty("ToPort").GetInt32()));

        var revoked = new RevokedRule
        {
            RuleId = ssh.RuleId, Protocol = "tcp", FromPort = 23, ToPort = 23, Source = "0.0.0.0/0", SourceType = "ipv4",
            Reason = "blocked port 23", Display = "tcp/23 from 0.0.0.0/0",
        };
        var (rules, status, _) = await CloudTrailAttribution.AttributeAsync(new AmazonCloudTrailClient(Options(server)), Group, [revoked],
            DateTime.UtcNow.AddMinutes(1), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AttributionStatus.Found, status);
        Assert.Equal(("ModifySecurityGroupRules", server.Principals[FakeAwsServer.AccessKey]), (rules.Single().AddedBy!.EventName, rules.Single().AddedBy!.Principal));
    }

    [Fact]
    public async Task Descriptions_update_by_rule_id_and_by_content_and_are_removed_when_left_out()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, rdp, fromPeer) = Scenario(server);
        using var ec2 = Ec2WireTests.Client(server);

        await ec2.UpdateSecurityGroupRuleDescriptionsIngressAsync(new UpdateSecurityGroupRuleDescriptionsIngressRequest
        {
            GroupId = Group,
            SecurityGroupRuleDescriptions = [new SecurityGroupRuleDescription { SecurityGroupRuleId = ssh.RuleId, Description = "bastion only, honest" }],
        }, TestContext.Current.CancellationToken);
        var sent = LastRequest(server, "UpdateSecurityGroupRuleDescriptionsIngress");
        Assert.Equal((ssh.RuleId, "bastion only, honest"),
            (sent["SecurityGroupRuleDescription.1.SecurityGroupRuleId"], sent["SecurityGroupRuleDescription.1.Description"]));

        await ec2.UpdateSecurityGroupRuleDescriptionsIngressAsync(new UpdateSecurityGroupRuleDescriptionsIngressRequest
        {
            GroupId = Group,
            IpPermissions =
            [
                new IpPermission { IpProtocol = "tcp", FromPort = 3389, ToPort = 3389, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0", Description = "remote desktop" }] },
                new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, UserIdGroupPairs = [new UserIdGroupPair { GroupId = Peer }] },
            ],
        }, TestContext.Current.CancellationToken);
        sent = LastRequest(server, "UpdateSecurityGroupRuleDescriptionsIngress");
        Assert.Equal(("0.0.0.0/0", "remote desktop", Peer),
            (sent["IpPermissions.1.IpRanges.1.CidrIp"], sent["IpPermissions.1.IpRanges.1.Description"], sent["IpPermissions.2.Groups.1.GroupId"]));

        var rules = server.Ec2.Rules(Group);
        Assert.Equal(ssh with { Description = "bastion only, honest" }, rules.Single(r => r.RuleId == ssh.RuleId));
        Assert.Equal(rdp with { Description = "remote desktop" }, rules.Single(r => r.RuleId == rdp.RuleId));
        Assert.Equal(fromPeer with { Description = null }, rules.Single(r => r.RuleId == fromPeer.RuleId));
    }

    [Fact]
    public async Task A_description_update_naming_an_unknown_rule_is_refused_and_changes_nothing()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, _) = Scenario(server);
        var egress = server.Ec2.Rules(Group).Single(r => r.IsEgress);
        var before = server.Ec2.Rules(Group);
        using var ec2 = Ec2WireTests.Client(server);

        var byId = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.UpdateSecurityGroupRuleDescriptionsIngressAsync(new UpdateSecurityGroupRuleDescriptionsIngressRequest
        {
            GroupId = Group,
            SecurityGroupRuleDescriptions =
            [
                new SecurityGroupRuleDescription { SecurityGroupRuleId = ssh.RuleId, Description = "changed" },
                new SecurityGroupRuleDescription { SecurityGroupRuleId = egress.RuleId, Description = "not an ingress rule" },
            ],
        }, TestContext.Current.CancellationToken));
        var byContent = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.UpdateSecurityGroupRuleDescriptionsIngressAsync(new UpdateSecurityGroupRuleDescriptionsIngressRequest
        {
            GroupId = Group,
            IpPermissions = [Tcp(22, "0.0.0.0/0"), Tcp(23, "0.0.0.0/0")],
        }, TestContext.Current.CancellationToken));

        Assert.Equal(("InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound"), (byId.ErrorCode, byContent.ErrorCode));
        Assert.Equal(before, server.Ec2.Rules(Group));
    }

    [Fact]
    public async Task Revoke_by_content_after_a_modify_in_a_non_default_VPC_fails_and_revokes_nothing()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, rdp, _) = Scenario(server);
        // Between the remediation's describe and its revoke, a person narrows SSH to the office network.
        server.Ec2.ModifyRule(Group, ssh.RuleId, "tcp", 22, 22, Ec2Source.Ipv4("198.51.100.0/24"), "office");
        var before = server.Ec2.Rules(Group);
        using var ec2 = Ec2WireTests.Client(server);

        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = Group,
            IpPermissions = [Tcp(3389, "0.0.0.0/0"), Tcp(22, "0.0.0.0/0")], // RDP still matches, SSH no longer does
        }, TestContext.Current.CancellationToken));

        Assert.Equal("InvalidPermission.NotFound", e.ErrorCode);
        Assert.Equal(before, server.Ec2.Rules(Group));
        Assert.Contains(server.Ec2.Rules(Group), r => r.RuleId == rdp.RuleId);
        Assert.Empty(server.Ec2.Revocations);
    }

    [Fact]
    public async Task Revoke_by_content_in_the_default_VPC_revokes_what_matches_and_reports_the_rest_by_source_type()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, rdp, fromPeer) = Scenario(server, defaultVpc: true);
        var v6 = server.Ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv6("::/0"), "SSH v6");
        var corp = server.Ec2.AddIngress(Group, "tcp", 5432, 5432, Ec2Source.PrefixList(CorpPrefixList), "postgres");
        // People change the IPv6 and prefix-list rules and re-describe SSH before the revoke arrives.
        server.Ec2.ModifyRule(Group, v6.RuleId, "tcp", 22, 22, Ec2Source.Ipv6("2001:db8::/32"), "SSH from our v6 net");
        server.Ec2.ModifyRule(Group, corp.RuleId, "tcp", 5433, 5433, Ec2Source.PrefixList(CorpPrefixList), "postgres moved");
        server.Ec2.UpdateDescription(Group, ssh.RuleId, "SSH, ticket 4711");
        using var ec2 = Ec2WireTests.Client(server);

        var response = await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = Group,
            IpPermissions =
            [
                new IpPermission
                {
                    IpProtocol = "tcp", FromPort = 22, ToPort = 22,
                    Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0", Description = "a stale description" }],
                    Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "::/0" }],
                },
                new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, PrefixListIds = [new PrefixListId { Id = CorpPrefixList }] },
                new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, UserIdGroupPairs = [new UserIdGroupPair { GroupId = Peer }] },
            ],
        }, TestContext.Current.CancellationToken);

        var sent = LastRequest(server, "RevokeSecurityGroupIngress");
        Assert.Equal(("::/0", CorpPrefixList, Peer),
            (sent["IpPermissions.1.Ipv6Ranges.1.CidrIpv6"], sent["IpPermissions.2.PrefixListIds.1.PrefixListId"], sent["IpPermissions.3.Groups.1.GroupId"]));
        Assert.True(response.Return);
        var revoked = response.RevokedSecurityGroupRules.OrderBy(r => r.FromPort).ToList();
        Assert.Equal([(ssh.RuleId, Group, false, "tcp", 22, 22, "0.0.0.0/0", (string?)null, "SSH, ticket 4711"), (fromPeer.RuleId, Group, false, "tcp", 443, 443, null, Peer, null)],
            revoked.Select<RevokedSecurityGroupRule, (string, string, bool, string, int, int, string?, string?, string?)>(r => (r.SecurityGroupRuleId, r.GroupId, r.IsEgress!.Value, r.IpProtocol, r.FromPort!.Value, r.ToPort!.Value, r.CidrIpv4, r.ReferencedGroupId, r.Description)));
        var unknown = response.UnknownIpPermissions.OrderBy(p => p.FromPort).ToList();
        Assert.Equal(2, unknown.Count);
        Assert.Equal(("tcp", 22, 22, "::/0"), (unknown[0].IpProtocol, unknown[0].FromPort!.Value, unknown[0].ToPort!.Value, unknown[0].Ipv6Ranges.Single().CidrIpv6));
        Assert.True(unknown[0].Ipv4Ranges is null or { Count: 0 });
        Assert.Equal((5432, CorpPrefixList), (unknown[1].FromPort!.Value, unknown[1].PrefixListIds.Single().Id));
        Assert.Equal(new[] { rdp.RuleId, v6.RuleId, corp.RuleId }.Order(StringComparer.Ordinal),
            server.Ec2.Rules(Group).Where(r => !r.IsEgress).Select(r => r.RuleId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Revoke_by_content_matches_a_referenced_group_on_its_id_and_on_the_user_id_when_given()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (_, _, fromPeer) = Scenario(server);
        using var ec2 = Ec2WireTests.Client(server);
        IpPermission FromPeer(string? userId) => new()
        {
            IpProtocol = "tcp", FromPort = 443, ToPort = 443, UserIdGroupPairs = [new UserIdGroupPair { GroupId = Peer, UserId = userId }],
        };

        var wrongOwner = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, IpPermissions = [FromPeer("444455556666")] }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidPermission.NotFound", wrongOwner.ErrorCode);
        Assert.Contains(server.Ec2.Rules(Group), r => r.RuleId == fromPeer.RuleId);

        var response = await ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, IpPermissions = [FromPeer(FakeEc2.DefaultAccount)] }, TestContext.Current.CancellationToken);
        Assert.Equal(fromPeer.RuleId, response.RevokedSecurityGroupRules.Single().SecurityGroupRuleId);
        Assert.Equal(FakeEc2.DefaultAccount, LastRequest(server, "RevokeSecurityGroupIngress")["IpPermissions.1.Groups.1.UserId"]);
    }

    [Fact]
    public async Task Revoke_by_id_after_a_modify_removes_the_rule_as_it_now_is()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, _) = Scenario(server);
        // The hazard: the remediation read "SSH from anywhere" under this id; a person has since made it an allowed rule.
        server.Ec2.ModifyRule(Group, ssh.RuleId, "tcp", 22, 22, Ec2Source.Ipv4("10.0.0.0/8"), "SSH from the VPN");
        using var ec2 = Ec2WireTests.Client(server);

        var response = await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = [ssh.RuleId] },
            TestContext.Current.CancellationToken);

        var revoked = response.RevokedSecurityGroupRules.Single();
        Assert.Equal((ssh.RuleId, "10.0.0.0/8", "SSH from the VPN"), (revoked.SecurityGroupRuleId, revoked.CidrIpv4, revoked.Description));
        Assert.DoesNotContain(server.Ec2.Rules(Group), r => r.Source.CidrIpv4 == "10.0.0.0/8");
        Assert.Equal("10.0.0.0/8", server.Ec2.Revocations.Single().Removed.Single().Source.CidrIpv4);
    }

    [Fact]
    public async Task Revoke_by_id_is_all_or_nothing()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, _, _) = Scenario(server);
        var egress = server.Ec2.Rules(Group).Single(r => r.IsEgress);
        var before = server.Ec2.Rules(Group);
        using var ec2 = Ec2WireTests.Client(server);

        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = [ssh.RuleId, egress.RuleId] }, TestContext.Current.CancellationToken));

        Assert.Equal("InvalidSecurityGroupRuleId.NotFound", e.ErrorCode);
        Assert.Equal(before, server.Ec2.Rules(Group));
    }

    [Fact]
    public async Task Revoke_is_refused_while_the_group_carries_a_denied_tag_key()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, rdp, _) = Scenario(server);
        server.Ec2.DenyRevokeWhenTagged.Add(ExemptionKey);
        server.Ec2.SetTag(Group, ExemptionKey, "INC-12");
        var before = server.Ec2.Rules(Group);
        using var ec2 = Ec2WireTests.Client(server);

        var byId = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = [ssh.RuleId] }, TestContext.Current.CancellationToken));
        var byContent = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, IpPermissions = [Tcp(3389, "0.0.0.0/0")] }, TestContext.Current.CancellationToken));

        Assert.Equal(("UnauthorizedOperation", System.Net.HttpStatusCode.Forbidden), (byId.ErrorCode, byId.StatusCode));
        Assert.Equal("UnauthorizedOperation", byContent.ErrorCode);
        Assert.Equal(before, server.Ec2.Rules(Group));
        Assert.Empty(server.Ec2.Revocations);

        // The deny looks at the tags at the moment of the call.
        server.Ec2.RemoveTag(Group, ExemptionKey);
        await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = [rdp.RuleId] }, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(server.Ec2.Rules(Group), r => r.RuleId == rdp.RuleId);
    }

    [Fact]
    public async Task The_revoke_log_holds_what_each_revoke_removed_and_the_group_as_the_call_found_it()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var (ssh, rdp, fromPeer) = Scenario(server);
        server.Ec2.SetTag(Group, "Name", "web");
        var ingressBefore = server.Ec2.Rules(Group).Where(r => !r.IsEgress).ToList();
        using var ec2 = Ec2WireTests.Client(server);

        await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = Group, IpPermissions = [Tcp(22, "0.0.0.0/0")] },
            TestContext.Current.CancellationToken);
        server.Ec2.SetTag(Group, "Name", "renamed later");
        await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = ["sgr-0000000000000dead"] }, TestContext.Current.CancellationToken));
        await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = [rdp.RuleId, fromPeer.RuleId] },
            TestContext.Current.CancellationToken);

        var log = server.Ec2.Revocations;
        Assert.Equal(2, log.Count); // the failed revoke removed nothing and is not logged
        var first = log[0];
        Assert.Equal((1L, Group, FakeAwsServer.AccessKey, "us-east-1"), (first.Sequence, first.GroupId, first.AccessKey, first.SigningRegion));
        Assert.Equal([ssh], first.Removed);
        Assert.Equal("web", first.TagsAtCall["Name"]);
        Assert.Equal(ingressBefore, first.IngressBefore);
        Assert.Equal(2L, log[1].Sequence);
        Assert.Equal([rdp, fromPeer], log[1].Removed);
        Assert.Equal([rdp, fromPeer], log[1].IngressBefore);
        Assert.Equal("renamed later", log[1].TagsAtCall["Name"]);
        Assert.True(log[1].Time >= first.Time);
    }

    [Fact]
    public async Task EC2_state_is_per_Region_and_each_call_goes_to_the_Region_it_was_signed_for()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0us0000000000001", "virginia");
        var ireland = server.Ec2In("eu-west-1");
        Assert.Same(ireland, server.Ec2In("eu-west-1"));
        ireland.AddGroup("sg-0eu0000000000001", "ireland");
        var irishRule = ireland.AddIngress("sg-0eu0000000000001", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        var virginiaRule = server.Ec2.AddIngress("sg-0us0000000000001", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        using var us = ClientIn(server, "us-east-1");
        using var eu = ClientIn(server, "eu-west-1");

        var seenFromEu = await eu.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken);
        var seenFromUs = await us.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken);
        Assert.Equal(["sg-0eu0000000000001"], seenFromEu.SecurityGroups.Select(g => g.GroupId));
        Assert.Equal(["sg-0us0000000000001"], seenFromUs.SecurityGroups.Select(g => g.GroupId));
        Assert.NotEqual(irishRule.RuleId, virginiaRule.RuleId);
        Assert.EndsWith($":eu-west-1:{FakeEc2.DefaultAccount}:security-group/sg-0eu0000000000001", seenFromEu.SecurityGroups.Single().SecurityGroupArn);

        // A group of the other Region does not exist here; a revoke signed for eu-west-1 acts there only.
        var elsewhere = await Assert.ThrowsAsync<AmazonEC2Exception>(() => us.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = "sg-0eu0000000000001", SecurityGroupRuleIds = [irishRule.RuleId] }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidGroup.NotFound", elsewhere.ErrorCode);
        await eu.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = "sg-0eu0000000000001", SecurityGroupRuleIds = [irishRule.RuleId] },
            TestContext.Current.CancellationToken);
        Assert.Equal("eu-west-1", ireland.Revocations.Single().SigningRegion);
        Assert.Empty(server.Ec2.Revocations);
        Assert.Single(server.Ec2.Rules("sg-0us0000000000001"));

        await eu.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = "sg-0eu0000000000001", IpPermissions = [Tcp(443, "0.0.0.0/0")] },
            TestContext.Current.CancellationToken);
        Assert.Equal("eu-west-1", JsonDocument.Parse(server.CloudTrail.Events.Single().CloudTrailEvent).RootElement.GetProperty("awsRegion").GetString());

        // Every call is recorded with the Region it was signed for, whatever the service.
        await new AmazonCloudTrailClient(Options(server) with { Region = "ap-southeast-2" }).LookupEventsAsync(new(), TestContext.Current.CancellationToken);
        Assert.Equal(
            [("ec2", "eu-west-1"), ("ec2", "us-east-1"), ("ec2", "us-east-1"), ("ec2", "eu-west-1"), ("ec2", "eu-west-1"), ("cloudtrail", "ap-southeast-2")],
            server.Calls.Select(c => (c.Service, c.Region)));
    }

    [Fact]
    public async Task A_badly_signed_call_is_still_recorded_with_its_Region()
    {
        await using var server = await FakeAwsServer.StartAsync();
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials(FakeAwsServer.AccessKey, "wrong"),
            new AmazonEC2Config { ServiceURL = server.Url.ToString(), AuthenticationRegion = "eu-central-1", MaxErrorRetry = 0 });
        await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken));
        Assert.Equal(("SignatureDoesNotMatch", "eu-central-1"), (server.Calls.Single().ErrorCode, server.Calls.Single().Region));
    }
}
