using Amazon.EC2.Model;
using SgConfigRule.Aws;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.Tests.Aws;

/// <summary>
/// The revoke goes out once: neither the SDK's retry nor .NET's resend on a closed keep-alive connection may send it a
/// second time after EC2 acted and the answer was lost — the second answer ("not found") would hide the first.
/// </summary>
public sealed class SingleAttemptClientTests
{
    [Theory]
    [InlineData(FaultKind.LostReply)]
    [InlineData(FaultKind.Drop)]
    [InlineData(FaultKind.ServerError)]
    public async Task A_revoke_whose_answer_is_lost_is_sent_once_even_on_a_reused_connection(FaultKind fault)
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0123456789abcdef0", "web");
        server.Ec2.AddIngress("sg-0123456789abcdef0", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        using var ec2 = AwsClients.Ec2SingleAttempt(AwsTestSupport.Options(server));
        // A first call opens a connection a pool would keep for the revoke.
        await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest(), TestContext.Current.CancellationToken);
        server.Faults.Add(FaultRule.Count("ec2", "RevokeSecurityGroupIngress", fault, 1));

        await Assert.ThrowsAnyAsync<Exception>(() => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = "sg-0123456789abcdef0",
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        }, TestContext.Current.CancellationToken));
        Assert.Equal(1, server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }
}
