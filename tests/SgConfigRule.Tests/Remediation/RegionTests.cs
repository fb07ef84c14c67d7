using System.Text;
using Amazon.Runtime;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Aws;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The remediation acts only in the Region it was asked to act in, whatever the environment says: with an endpoint
/// override (<c>AWS_ENDPOINT_URL</c> or <c>AWS_ENDPOINT_URL_EC2</c>), the SDK used to sign for <c>AWS_REGION</c> and
/// revoke a group there, and report the Region asked for. These tests use the real process environment, as Lambda and
/// the CLI do, and a loopback EC2 that keeps each Region's groups apart (the same group id in two Regions).
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class RegionTests : IDisposable
{
    private const string Group = RemediationHarness.WebGroup;

    private static readonly string[] Variables =
        ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
         "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public RegionTests() => FallbackRegionFactory.Reset();

    public void Dispose()
    {
        foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        FallbackRegionFactory.Reset();
    }

    private static string SshIn(FakeEc2 ec2)
    {
        ec2.AddGroup(Group, "Web Server Security Group");
        ec2.AddIngress(Group, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
        return ec2.AddIngress(Group, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH").RuleId;
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL")]
    [InlineData("AWS_ENDPOINT_URL_EC2")]
    public async Task With_an_endpoint_override_the_revoke_happens_in_the_Region_asked_for(string variable)
    {
        await using var server = await FakeAwsServer.StartAsync();
        var home = SshIn(server.Ec2);                 // us-east-1: the function's own Region
        var asked = SshIn(server.Ec2In("eu-west-1")); // the Region the document runs in
        server.DynamoDb.CreateTable(RemediationHarness.LedgerTable, "pk");
        foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable(variable, server.Url.ToString());
        if (variable != "AWS_ENDPOINT_URL") Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_DYNAMODB", server.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", FakeAwsServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", FakeAwsServer.SecretKey);
        var function = new RevokeFunction(new RemediationRuntime(new AwsClientOptions(), TimeProvider.System, TextWriter.Null)
        {
            ModeCeiling = RemediationMode.Revoke,
            LedgerTable = RemediationHarness.LedgerTable,
            AttributionBudget = TimeSpan.FromSeconds(1),
        });

        var input = RemediationHarness.Input().Replace("\"us-east-1\"", "\"eu-west-1\"", StringComparison.Ordinal);
        var outcome = await function.InvokeAsync(Encoding.UTF8.GetBytes(input), TestContext.Current.CancellationToken);

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.DoesNotContain(server.Ec2In("eu-west-1").Rules(Group), r => r.RuleId == asked);
        Assert.Contains(server.Ec2.Rules(Group), r => r.RuleId == home);
        Assert.Equal("eu-west-1", outcome.Region);
        Assert.StartsWith("aws ec2 authorize-security-group-ingress --region eu-west-1 ", outcome.RestoreCommand);
        // Every EC2 call is signed for the Region asked for; the ledger is the function's own, in its own Region.
        Assert.All(server.Calls.Where(c => c.Service == "ec2"), c => Assert.Equal("eu-west-1", c.Region));
        Assert.All(server.Calls.Where(c => c.Service == "dynamodb"), c => Assert.Equal("us-east-1", c.Region));
        Assert.Contains(server.Calls, c => c.Service == "dynamodb");
    }

    [Fact]
    public async Task Every_client_signs_for_the_Region_it_is_given_with_one_endpoint_for_all()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2In("ap-southeast-2").AddGroup(Group, "web");
        server.DynamoDb.CreateTable("ledger", "pk");
        foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", server.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        var options = new AwsClientOptions { Region = "ap-southeast-2", Credentials = AwsTestSupport.Credentials };

        using (var ec2 = SgConfigRule.Aws.AwsClients.Ec2(options)) await ec2.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken);
        using (var once = SgConfigRule.Aws.AwsClients.Ec2SingleAttempt(options)) await once.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken);
        using (var dynamo = SgConfigRule.Aws.AwsClients.DynamoDb(options)) await dynamo.DescribeTableAsync("ledger", TestContext.Current.CancellationToken);
        using (var ssm = SgConfigRule.Aws.AwsClients.Ssm(options))
        {
            await Assert.ThrowsAnyAsync<AmazonServiceException>(() => ssm.GetAutomationExecutionAsync(new() { AutomationExecutionId = "00000000-0000-0000-0000-000000000000" }, TestContext.Current.CancellationToken));
        }
        await SgConfigRule.Aws.AwsClients.ConfigService(options).DescribeConfigRulesAsync(new(), TestContext.Current.CancellationToken);

        Assert.Equal(["config", "dynamodb", "ec2", "ssm"], server.Calls.Select(c => c.Service).Distinct().Order(StringComparer.Ordinal));
        Assert.All(server.Calls, c => Assert.Equal("ap-southeast-2", c.Region));
    }
}
