using System.Net;
using System.Reflection;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Execution;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>
/// The one call <see cref="Ec2Revoker"/> makes, against an EC2 client that answers from the test (no HTTP): what it
/// sends, and how each way the call can end becomes answered, refused (EC2 did nothing) or unknown (it may have acted).
/// </summary>
public sealed class Ec2RevokerCallTests
{
    private static readonly RevokedRule Ssh = Described("sgr-0000000000000ssh", 22, description: "admin");
    private static readonly RevokedRule Rdp = Described("sgr-0000000000000rdp", 3389, "::/0", sourceType: "ipv6");

    /// <summary>An IAmazonEC2 whose revoke does what the test says; any other call is a test failure.</summary>
    public class Ec2Stub : DispatchProxy
    {
        public Func<RevokeSecurityGroupIngressRequest, Task<RevokeSecurityGroupIngressResponse>> Revoke { get; set; } =
            _ => Task.FromResult(new RevokeSecurityGroupIngressResponse());

        public List<RevokeSecurityGroupIngressRequest> Requests { get; } = [];

        public static (IAmazonEC2 Client, Ec2Stub Stub) Create(Func<RevokeSecurityGroupIngressRequest, Task<RevokeSecurityGroupIngressResponse>> revoke)
        {
            var client = DispatchProxy.Create<IAmazonEC2, Ec2Stub>();
            var stub = (Ec2Stub)(object)client;
            stub.Revoke = revoke;
            return (client, stub);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IAmazonEC2.RevokeSecurityGroupIngressAsync) && args?[0] is RevokeSecurityGroupIngressRequest request)
            {
                Requests.Add(request);
                return Revoke(request);
            }
            throw new InvalidOperationException($"unexpected call {targetMethod?.Name}");
        }
    }

    private static Task<RevokeAttempt> RevokeAsync(Exception e) =>
        new Ec2Revoker(Ec2Stub.Create(_ => Task.FromException<RevokeSecurityGroupIngressResponse>(e)).Client)
            .RevokeAsync(GroupId, [Ssh], TestContext.Current.CancellationToken);

    private static AmazonServiceException Service(HttpStatusCode status, string? code, string message = "no") =>
        new AmazonEC2Exception(message, null, ErrorType.Sender, code, "request-1", status);

    [Fact]
    public async Task The_revoke_names_the_group_and_each_rules_content_and_reads_EC2s_answer()
    {
        var (client, stub) = Ec2Stub.Create(_ => Task.FromResult(new RevokeSecurityGroupIngressResponse
        {
            Return = true,
            RevokedSecurityGroupRules = [new RevokedSecurityGroupRule { SecurityGroupRuleId = Ssh.RuleId, IpProtocol = "tcp", FromPort = 22, ToPort = 22, CidrIpv4 = "0.0.0.0/0" }],
            UnknownIpPermissions = [RuleContent.ToIpPermission(Rdp)],
        }));
        var attempt = await new Ec2Revoker(client).RevokeAsync(GroupId, [Ssh, Rdp], TestContext.Current.CancellationToken);

        var request = Assert.Single(stub.Requests);
        Assert.Equal(GroupId, request.GroupId);
        Assert.Equal(2, request.IpPermissions.Count);
        Assert.Equal("0.0.0.0/0", Assert.Single(request.IpPermissions[0].Ipv4Ranges).CidrIp);
        Assert.Equal("::/0", Assert.Single(request.IpPermissions[1].Ipv6Ranges).CidrIpv6);
        Assert.True(request.SecurityGroupRuleIds is null or { Count: 0 });

        var answered = Assert.IsType<RevokeAttempt.Answered>(attempt);
        Assert.Equal(1, answered.Unmatched);
        Assert.Equal(Ssh.RuleId, Assert.Single(answered.Revoked).RuleId);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "InvalidPermission.NotFound")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidGroup.NotFound")]
    [InlineData(HttpStatusCode.Forbidden, "UnauthorizedOperation")]
    [InlineData(HttpStatusCode.TooManyRequests, "Throttling")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "RequestLimitExceeded")]
    [InlineData(HttpStatusCode.InternalServerError, "RequestLimitExceeded")]
    [InlineData(HttpStatusCode.InternalServerError, "Throttling")]
    [InlineData((HttpStatusCode)499, "Whatever")]
    public async Task An_error_answer_that_EC2_gives_without_acting_is_a_refusal(HttpStatusCode status, string code)
    {
        var refused = Assert.IsType<RevokeAttempt.Refused>(await RevokeAsync(Service(status, code, "EC2 says no")));
        Assert.Equal((code, "EC2 says no"), (refused.ErrorCode, refused.Message));
    }

    [Fact]
    public async Task A_refusal_without_an_error_code_is_named_by_its_status()
    {
        Assert.Equal("BadRequest", Assert.IsType<RevokeAttempt.Refused>(await RevokeAsync(Service(HttpStatusCode.BadRequest, null))).ErrorCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Unavailable")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "")]
    [InlineData(HttpStatusCode.BadGateway, null)]
    [InlineData((HttpStatusCode)399, "Odd")]
    public async Task A_server_error_leaves_the_outcome_unknown(HttpStatusCode status, string? code)
    {
        var unknown = Assert.IsType<RevokeAttempt.Unknown>(await RevokeAsync(Service(status, code, "try later")));
        Assert.Equal(RemediationRun.Describe(Service(status, code, "try later")), unknown.Problem);
        Assert.Contains("try later", unknown.Problem);
    }

    public static TheoryData<Exception> NoAnswers =>
    [
        new HttpRequestException("connection reset"),
        new IOException("connection reset"),
        new TimeoutException("connection reset"),
        new TaskCanceledException("connection reset"),
        new AmazonClientException("connection reset"),
    ];

    [Theory]
    [MemberData(nameof(NoAnswers))]
    public async Task No_answer_at_all_leaves_the_outcome_unknown(Exception e)
    {
        Assert.Equal("connection reset", Assert.IsType<RevokeAttempt.Unknown>(await RevokeAsync(e)).Problem);
    }

    [Fact]
    public async Task A_bug_is_not_taken_for_an_answer()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => RevokeAsync(new InvalidOperationException("bug")));
    }

    [Fact]
    public void A_refusal_says_what_kind_it_is()
    {
        static RevokeAttempt.Refused Refused(string code) => new(code, "m");
        Assert.True(Refused("InvalidPermission.NotFound").ChangedMeanwhile);
        Assert.False(Refused("InvalidGroup.NotFound").ChangedMeanwhile);
        Assert.True(Refused("InvalidGroup.NotFound").GroupGone);
        Assert.False(Refused("InvalidPermission.NotFound").GroupGone);
        foreach (var code in new[] { "RequestLimitExceeded", "Throttling", "ThrottlingException" }) Assert.True(Refused(code).Throttled, code);
        Assert.False(Refused("InvalidGroup.NotFound").Throttled);
        foreach (var code in new[] { "UnauthorizedOperation", "AccessDenied" }) Assert.True(Refused(code).Unauthorized, code);
        Assert.False(Refused("Throttling").Unauthorized);
    }
}
