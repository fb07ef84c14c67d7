using Amazon.EC2;
using Amazon.Runtime;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using ResourceType = SgConfigRule.Aws.ConfigService.ResourceType;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>
/// The same binaries reach any AWS-compatible endpoint through the real process environment, as the AWS SDKs do:
/// the official EC2 client and our Config client, given nothing but AWS_ENDPOINT_URL* and AWS_REGION.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class ProcessEnvironmentEndpointTests : IDisposable
{
    private static readonly string[] Variables =
        ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_CONFIG_SERVICE", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
         "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_SHARED_CREDENTIALS_FILE",
         "AWS_CONFIG_FILE", "AWS_PROFILE"];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    // The SDK caches the Region it first read from the environment; each test sets its own, and EC2 answers per Region.
    public ProcessEnvironmentEndpointTests() => FallbackRegionFactory.Reset();

    public void Dispose()
    {
        foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        FallbackRegionFactory.Reset();
    }

    [Fact]
    public async Task Both_clients_follow_AWS_ENDPOINT_URL_with_credentials_and_region_from_the_environment()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2In("eu-west-1").AddGroup("sg-1", "web"); // EC2 answers from the Region the call is signed for
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", server.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_REGION", "eu-west-1");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", FakeAwsServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", FakeAwsServer.SecretKey);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);

        using var ec2 = new AmazonEC2Client();
        var groups = await ec2.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken);
        Assert.Equal("sg-1", groups.SecurityGroups.Single().GroupId);

        var config = new AmazonConfigServiceClient();
        await config.PutEvaluationsAsync(new PutEvaluationsRequest
        {
            ResultToken = "t",
            Evaluations = [new() { ComplianceResourceType = ResourceType.AWSEC2SecurityGroup, ComplianceResourceId = "sg-1", ComplianceType = "COMPLIANT", OrderingTimestamp = DateTime.UtcNow }],
        }, TestContext.Current.CancellationToken);
        Assert.Single(server.Config.Evaluations);
        Assert.Equal("eu-west-1", config.Endpoint.SigningRegion);
    }

    [Fact]
    public async Task Service_specific_variables_send_each_service_to_its_own_endpoint()
    {
        await using var ec2Server = await FakeAwsServer.StartAsync();
        await using var configServer = await FakeAwsServer.StartAsync();
        ec2Server.Ec2.AddGroup("sg-ec2", "web");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://127.0.0.1:9/");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_EC2", ec2Server.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_CONFIG_SERVICE", configServer.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");

        using var ec2 = new AmazonEC2Client(Credentials);
        Assert.Equal("sg-ec2", (await ec2.DescribeSecurityGroupsAsync(new(), TestContext.Current.CancellationToken)).SecurityGroups.Single().GroupId);
        var config = new AmazonConfigServiceClient(new AwsClientOptions { Credentials = Credentials, Retry = FastRetry });
        await config.ListDiscoveredResourcesAsync(new() { ResourceType = ResourceType.AWSEC2SecurityGroup }, TestContext.Current.CancellationToken);
        Assert.Equal(1, configServer.CountCalls("config", "ListDiscoveredResources"));
        Assert.DoesNotContain(ec2Server.Calls, c => c.Service == "config");
    }

    [Fact]
    public async Task Credentials_come_from_the_container_endpoint_as_in_Lambda_and_SnapStart()
    {
        await using var server = await FakeAwsServer.StartAsync();
        foreach (var variable in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" }) Environment.SetEnvironmentVariable(variable, null);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", "/nonexistent/config");
        Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.Url + "container-credentials");
        Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", server.ContainerAuthorizationToken);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", server.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");

        var config = new AmazonConfigServiceClient(new AwsClientOptions { Retry = FastRetry });
        await config.ListDiscoveredResourcesAsync(new() { ResourceType = ResourceType.AWSEC2SecurityGroup }, TestContext.Current.CancellationToken);

        Assert.True(server.ContainerCredentialRequests >= 1);
        var call = server.Calls.Single(c => c.Service == "config");
        Assert.StartsWith("ASIA", call.AccessKey);
        Assert.Equal(200, call.StatusCode);
    }
}
