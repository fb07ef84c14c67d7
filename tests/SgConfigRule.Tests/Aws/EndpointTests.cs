using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

/// <summary>Endpoint selection as the AWS SDKs do it: explicit URL, AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL, region.</summary>
public class EndpointTests
{
    private static ServiceEndpoint Resolve(ServiceDescription service, string region, params (string Name, string Value)[] environment) =>
        ServiceEndpoint.Resolve(service, region, null, name => environment.FirstOrDefault(e => e.Name == name).Value);

    [Theory]
    [InlineData("us-east-1", "https://config.us-east-1.amazonaws.com/")]
    [InlineData("eu-west-1", "https://config.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://config.cn-north-1.amazonaws.com.cn/")]
    public void Without_overrides_the_regional_endpoint_is_used(string region, string url)
    {
        var endpoint = Resolve(ServiceDescription.ConfigService, region);
        Assert.Equal(url, endpoint.Url.ToString());
        Assert.Equal(region, endpoint.SigningRegion);
        Assert.Equal("config", endpoint.SigningName);
    }

    [Fact]
    public void The_service_variable_wins_over_the_global_one()
    {
        Assert.Equal("http://localhost:4001/", Resolve(ServiceDescription.ConfigService, "us-east-1",
            ("AWS_ENDPOINT_URL", "http://localhost:4000"), ("AWS_ENDPOINT_URL_CONFIG_SERVICE", "http://localhost:4001")).Url.ToString());
        Assert.Equal("http://localhost:4000/", Resolve(ServiceDescription.CloudTrail, "us-east-1",
            ("AWS_ENDPOINT_URL", "http://localhost:4000"), ("AWS_ENDPOINT_URL_CONFIG_SERVICE", "http://localhost:4001")).Url.ToString());
        Assert.Equal("http://localhost:4002/", Resolve(ServiceDescription.CloudTrail, "us-east-1",
            ("AWS_ENDPOINT_URL", "http://localhost:4000"), ("AWS_ENDPOINT_URL_CLOUDTRAIL", "http://localhost:4002")).Url.ToString());
    }

    [Fact]
    public void Configured_endpoints_can_be_ignored_and_bad_ones_are_errors()
    {
        Assert.Equal("https://config.us-east-1.amazonaws.com/", Resolve(ServiceDescription.ConfigService, "us-east-1",
            ("AWS_ENDPOINT_URL", "http://localhost:4000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")).Url.ToString());
        var e = Assert.Throws<InvalidOperationException>(() => Resolve(ServiceDescription.ConfigService, "us-east-1", ("AWS_ENDPOINT_URL", "localhost:4000")));
        Assert.Contains("AWS_ENDPOINT_URL='localhost:4000' is not an http(s) URL", e.Message);
    }

    [Fact]
    public async Task Clients_reach_the_loopback_endpoints_chosen_only_by_environment_variables()
    {
        await using var everything = await FakeAwsServer.StartAsync();
        await using var configOnly = await FakeAwsServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = everything.Url.ToString(),
            ["AWS_ENDPOINT_URL_CONFIG_SERVICE"] = configOnly.Url.ToString(),
        };
        var config = new AmazonConfigServiceClient(FromEnvironment(environment));
        var trail = new AmazonCloudTrailClient(FromEnvironment(environment));

        await config.PutEvaluationsAsync(new PutEvaluationsRequest
        {
            ResultToken = "t",
            Evaluations = [new() { ComplianceResourceType = ResourceType.AWSEC2SecurityGroup, ComplianceResourceId = "sg-1", ComplianceType = "COMPLIANT", OrderingTimestamp = DateTime.UtcNow }],
        }, TestContext.Current.CancellationToken);
        await trail.LookupEventsAsync(new(), TestContext.Current.CancellationToken);

        Assert.Single(configOnly.Config.Evaluations);
        Assert.Empty(everything.Config.Evaluations);
        Assert.Equal(1, everything.CountCalls("cloudtrail", "LookupEvents"));
        Assert.Equal("eu-west-1", config.Endpoint.SigningRegion);
    }
}
