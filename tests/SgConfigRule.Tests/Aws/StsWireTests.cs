using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using SgConfigRule.FakeAws;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

/// <summary>AssumeRole through the real AWSSDK.SecurityToken client; the issued credentials work on the other fakes.</summary>
public class StsWireTests
{
    private static AmazonSecurityTokenServiceClient Sts(FakeAwsServer server) => new(AwsTestSupport.Credentials, new AmazonSecurityTokenServiceConfig
    {
        ServiceURL = server.Url.ToString(),
        AuthenticationRegion = "us-east-1",
    });

    [Fact]
    public async Task Assumed_role_credentials_sign_later_calls_with_their_session_token()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-1", "member-group");
        using var sts = Sts(server);
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = "arn:aws:iam::444455556666:role/SgConfigRuleMember",
            RoleSessionName = "sg-config-rule",
        }, TestContext.Current.CancellationToken);
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/SgConfigRuleMember/sg-config-rule", assumed.AssumedRoleUser.Arn);

        var c = assumed.Credentials;
        using var ec2 = new AmazonEC2Client(new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
            new AmazonEC2Config { ServiceURL = server.Url.ToString(), AuthenticationRegion = "us-east-1" });
        var groups = await ec2.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken);
        Assert.Single(groups.SecurityGroups);
        Assert.Equal("444455556666", server.Credentials.AccountOf(server.Calls.Last().AccessKey!));
        Assert.Equal("arn:aws:iam::444455556666:role/SgConfigRuleMember", server.Credentials.RoleOf(server.Calls.Last().AccessKey!));
    }

    [Fact]
    public async Task A_role_without_trust_is_AccessDenied()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Sts.Deny("arn:aws:iam::444455556666:role/Untrusted");
        using var sts = Sts(server);
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = "arn:aws:iam::444455556666:role/Untrusted",
            RoleSessionName = "sg-config-rule",
        }, TestContext.Current.CancellationToken));
        Assert.Equal("AccessDenied", e.ErrorCode);
    }
}
