using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.Tests.Aws.AwsTestSupport;
using Filter = Amazon.EC2.Model.Filter;

namespace SgConfigRule.Tests.Aws;

/// <summary>The real AWSSDK.EC2 client against the loopback EC2 endpoint: the Query/XML protocol, state and errors.</summary>
public class Ec2WireTests
{
    private const string Group = "sg-0f3c6a1e2b4d58a90";

    internal static AmazonEC2Client Client(FakeAwsServer server, int maxErrorRetry = 3) => new(Credentials, new AmazonEC2Config
    {
        ServiceURL = server.Url.ToString(),
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = maxErrorRetry,
        RetryMode = RequestRetryMode.Standard,
    });

    private static FakeAwsServer WebServerScenario(FakeAwsServer server, bool defaultVpc = false)
    {
        server.Ec2.AddGroup(Group, "Web Server Security Group", "Allow HTTPS from anywhere", inDefaultVpc: defaultVpc);
        server.Ec2.AddIngress(Group, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS from anywhere");
        server.Ec2.AddIngress(Group, "tcp", 443, 443, Ec2Source.Ipv6("::/0"), "HTTPS from anywhere");
        server.Ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), "SSH from my laptop");
        server.Ec2.AddEgress(Group, "-1", -1, -1, Ec2Source.Ipv4("0.0.0.0/0"));
        server.Ec2.SetTag(Group, "Name", "web-server");
        return server;
    }

    [Fact]
    public async Task DescribeSecurityGroups_groups_sources_into_permissions_as_EC2_does()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        using var ec2 = Client(server);
        var response = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [Group] }, TestContext.Current.CancellationToken);
        var group = Assert.Single(response.SecurityGroups);
        Assert.Equal("Web Server Security Group", group.GroupName);
        Assert.Equal("web-server", group.Tags.Single(t => t.Key == "Name").Value);
        var https = group.IpPermissions.Single(p => p.FromPort == 443);
        Assert.Equal("0.0.0.0/0", https.Ipv4Ranges.Single().CidrIp);
        Assert.Equal("::/0", https.Ipv6Ranges.Single().CidrIpv6);
        Assert.Equal("SSH from my laptop", group.IpPermissions.Single(p => p.FromPort == 22).Ipv4Ranges.Single().Description);
        Assert.Equal("-1", group.IpPermissionsEgress.Single().IpProtocol);
    }

    [Fact]
    public async Task DescribeSecurityGroupRules_by_group_filter_gives_one_rule_per_source_with_ids()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        server.Ec2.AddGroup("sg-other", "other");
        server.Ec2.AddIngress("sg-other", "tcp", 80, 80, Ec2Source.Ipv4("0.0.0.0/0"));
        using var ec2 = Client(server);
        var response = await ec2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest
        {
            Filters = [new Filter("group-id", [Group])],
        }, TestContext.Current.CancellationToken);
        Assert.Equal(4, response.SecurityGroupRules.Count);
        Assert.All(response.SecurityGroupRules, r => Assert.StartsWith("sgr-", r.SecurityGroupRuleId));
        var ssh = response.SecurityGroupRules.Single(r => r.FromPort == 22);
        Assert.Equal(("203.0.113.7/32", false, "tcp", "SSH from my laptop"), (ssh.CidrIpv4, ssh.IsEgress, ssh.IpProtocol, ssh.Description));
        Assert.Equal(-1, response.SecurityGroupRules.Single(r => r.IsEgress == true).FromPort);
    }

    [Fact]
    public async Task Authorize_canonicalises_cidrs_and_returns_the_new_rule_ids()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        using var ec2 = Client(server);
        var response = await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = Group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 3389, ToPort = 3389, Ipv4Ranges = [new IpRange { CidrIp = "100.68.0.18/18", Description = "rdp" }] }],
        }, TestContext.Current.CancellationToken);
        var rule = Assert.Single(response.SecurityGroupRules);
        Assert.Equal("100.68.0.0/18", rule.CidrIpv4);
        Assert.Contains(server.Ec2.Rules(Group), r => r.RuleId == rule.SecurityGroupRuleId && r.Source.CidrIpv4 == "100.68.0.0/18");

        var duplicate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = Group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 3389, ToPort = 3389, Ipv4Ranges = [new IpRange { CidrIp = "100.68.0.0/18" }] }],
        }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidPermission.Duplicate", duplicate.ErrorCode);
    }

    [Fact]
    public async Task Revoke_by_rule_id_removes_exactly_that_rule()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        var ssh = server.Ec2.Rules(Group).Single(r => r.FromPort == 22);
        using var ec2 = Client(server);
        var response = await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = Group,
            SecurityGroupRuleIds = [ssh.RuleId],
        }, TestContext.Current.CancellationToken);
        Assert.True(response.Return);
        Assert.Equal(ssh.RuleId, Assert.Single(response.RevokedSecurityGroupRules).SecurityGroupRuleId);
        Assert.DoesNotContain(server.Ec2.Rules(Group), r => r.RuleId == ssh.RuleId);
        Assert.Equal(3, server.Ec2.Rules(Group).Count);
    }

    [Fact]
    public async Task Revoke_errors_are_EC2s_codes()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        using var ec2 = Client(server);
        var unknownRule = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = Group, SecurityGroupRuleIds = ["sgr-0000000000000dead"] }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidSecurityGroupRuleId.NotFound", unknownRule.ErrorCode);
        Assert.Equal(4, server.Ec2.Rules(Group).Count);

        var unknownGroup = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(
            new RevokeSecurityGroupIngressRequest { GroupId = "sg-0000000000000dead", SecurityGroupRuleIds = ["sgr-1"] }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidGroup.NotFound", unknownGroup.ErrorCode);

        var unknownPermission = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = Group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 23, ToPort = 23, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidPermission.NotFound", unknownPermission.ErrorCode);
    }

    [Fact]
    public async Task In_the_default_VPC_an_unknown_permission_is_reported_not_refused()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync(), defaultVpc: true);
        using var ec2 = Client(server);
        var response = await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = Group,
            IpPermissions =
            [
                new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "203.0.113.7/32" }] },
                new IpPermission { IpProtocol = "tcp", FromPort = 23, ToPort = 23, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] },
            ],
        }, TestContext.Current.CancellationToken);
        Assert.True(response.Return);
        Assert.Single(response.RevokedSecurityGroupRules);
        Assert.Equal(23, Assert.Single(response.UnknownIpPermissions).FromPort);
    }

    [Fact]
    public async Task Prefix_lists_and_their_entries_are_described()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddPrefixList("pl-0a1b2c3d4e5f67890", "corp-vpn", "111122223333", ("10.8.0.0/16", "vpn"), ("192.168.50.0/24", null));
        server.Ec2.AddPrefixList("pl-63a5400a", "com.amazonaws.us-east-1.s3", "AWS", ("52.216.0.0/15", null));
        using var ec2 = Client(server);
        var lists = await ec2.DescribeManagedPrefixListsAsync(new DescribeManagedPrefixListsRequest { PrefixListIds = ["pl-63a5400a"] }, TestContext.Current.CancellationToken);
        Assert.Equal(("com.amazonaws.us-east-1.s3", "AWS"), (lists.PrefixLists.Single().PrefixListName, lists.PrefixLists.Single().OwnerId));
        var entries = await ec2.GetManagedPrefixListEntriesAsync(new GetManagedPrefixListEntriesRequest { PrefixListId = "pl-0a1b2c3d4e5f67890" }, TestContext.Current.CancellationToken);
        Assert.Equal(["10.8.0.0/16", "192.168.50.0/24"], entries.Entries.Select(e => e.Cidr));
    }

    [Fact]
    public async Task RequestLimitExceeded_is_retried_by_the_SDK_and_other_errors_are_not()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        server.Faults.Add(FaultRule.Count("ec2", "DescribeSecurityGroupRules", FaultKind.Throttle, 2));
        using var ec2 = Client(server, maxErrorRetry: 4);
        var response = await ec2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest { Filters = [new Filter("group-id", [Group])] }, TestContext.Current.CancellationToken);
        Assert.Equal(4, response.SecurityGroupRules.Count);
        Assert.Equal(3, server.CountCalls("ec2", "DescribeSecurityGroupRules"));
        Assert.Equal("RequestLimitExceeded", server.Calls.First().ErrorCode);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_EC2s_auth_error()
    {
        await using var server = WebServerScenario(await FakeAwsServer.StartAsync());
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials(FakeAwsServer.AccessKey, "wrong"),
            new AmazonEC2Config { ServiceURL = server.Url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken));
        Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
    }
}
