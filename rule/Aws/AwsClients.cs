using Amazon;
using Amazon.DynamoDBv2;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using Amazon.SecurityToken.Model;
using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws;

/// <summary>
/// The one place that builds the AWS clients. Config and CloudTrail are this library's JSON 1.1 clients; EC2 and STS
/// are the official SDK clients, configured with the same region, credentials, endpoint override and retry limits.
/// To move to the official AWSSDK.ConfigService and AWSSDK.CloudTrail packages, return adapters over them here.
/// Without an explicit endpoint, every client honours <c>AWS_ENDPOINT_URL</c> and <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>.
/// </summary>
public static class AwsClients
{
    public static IAmazonConfigService ConfigService(AwsClientOptions options) => new AmazonConfigServiceClient(options);

    public static IAmazonCloudTrail CloudTrail(AwsClientOptions options) => new AmazonCloudTrailClient(options);

    public static SimpleNotificationService.IAmazonSimpleNotificationService Sns(AwsClientOptions options) =>
        new SimpleNotificationService.AmazonSimpleNotificationServiceClient(options);

    public static IAmazonEC2 Ec2(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonEC2Config();
        Configure(config, options, ServiceDescription.Ec2);
        return new BoundedEc2Client(options.ResolveCredentials(), config);
    }

    /// <summary>
    /// An EC2 client for a write whose answer must not be guessed: one attempt, on a connection of its own. A resend
    /// after a lost answer would hide that the first attempt worked: the SDK's retry, its separate immediate retry of
    /// "stale connection" errors (<c>MaxStaleConnectionRetries</c>, which a connection closed after EC2 acted looks
    /// like), and .NET's own resend on a reused keep-alive connection are all switched off.
    /// </summary>
    public static IAmazonEC2 Ec2SingleAttempt(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonEC2Config();
        Configure(config, options with { Retry = options.Retry with { MaxAttempts = 1 } }, ServiceDescription.Ec2, freshConnections: true);
        config.MaxStaleConnectionRetries = 0;
        return new BoundedEc2Client(options.ResolveCredentials(), config);
    }

    public static IAmazonDynamoDB DynamoDb(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonDynamoDBConfig();
        Configure(config, options, ServiceDescription.DynamoDb);
        return new BoundedDynamoDbClient(options.ResolveCredentials(), config);
    }

    public static IAmazonSimpleSystemsManagement Ssm(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonSimpleSystemsManagementConfig();
        Configure(config, options, ServiceDescription.Ssm);
        return new BoundedSsmClient(options.ResolveCredentials(), config);
    }

    public static IAmazonSecurityTokenService Sts(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, options, ServiceDescription.Sts);
        return new BoundedStsClient(options.ResolveCredentials(), config);
    }

    // The SDK builds a client's pipeline in its base constructor: each client type hands it to SdkBounds there.
    private sealed class BoundedEc2Client(AWSCredentials credentials, AmazonEC2Config config) : AmazonEC2Client(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            SdkBounds.Apply(pipeline, Config);
        }
    }

    private sealed class BoundedDynamoDbClient(AWSCredentials credentials, AmazonDynamoDBConfig config) : AmazonDynamoDBClient(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            SdkBounds.Apply(pipeline, Config);
        }
    }

    private sealed class BoundedSsmClient(AWSCredentials credentials, AmazonSimpleSystemsManagementConfig config)
        : AmazonSimpleSystemsManagementClient(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            SdkBounds.Apply(pipeline, Config);
        }
    }

    private sealed class BoundedStsClient(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config) : AmazonSecurityTokenServiceClient(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            SdkBounds.Apply(pipeline, Config);
        }
    }

    /// <summary>
    /// Assumes <paramref name="roleArn"/> and returns options for acting with its temporary credentials — the
    /// organization pattern where a central function works in a member account (DESIGN §6).
    /// </summary>
    public static async Task<AwsClientOptions> AssumeRoleAsync(AwsClientOptions options, string roleArn, string sessionName,
                                                               CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var sts = Sts(options);
        AssumeRoleResponse response;
        try
        {
            response = await sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = roleArn,
                RoleSessionName = sessionName.Length <= 64 ? sessionName : sessionName[..64],
                DurationSeconds = 3600,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw new AwsServiceException("STS", "AssumeRole", e.ErrorCode ?? "Unknown", $"{roleArn}: {e.Message}", e.StatusCode, e.RequestId, 1);
        }
        var c = response.Credentials;
        return options with { Credentials = new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken) };
    }

    /// <summary>
    /// Region and endpoint from one place for every SDK client: the endpoint is resolved as our own clients resolve it
    /// (<see cref="ServiceEndpoint"/>: explicit URL, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, <c>AWS_ENDPOINT_URL</c>),
    /// and an overridden endpoint is always signed for the requested Region. Left to itself the SDK reads the
    /// variables too, but then signs for the process's default Region, not the one asked for. Retries and time limits
    /// are the options' (<see cref="SdkBounds"/>).
    /// </summary>
    private static void Configure(ClientConfig config, AwsClientOptions options, ServiceDescription service, bool freshConnections = false)
    {
        var region = options.ResolveRegion();
        config.IgnoreConfiguredEndpointUrls = true;
        var endpoint = ServiceEndpoint.Resolve(service, region, options.ServiceUrl, options.Environment);
        if (endpoint.IsOverride)
        {
            config.ServiceURL = endpoint.Url.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = Math.Max(0, options.Retry.MaxAttempts - 1);
        config.Timeout = options.Retry.AttemptTimeout;
        SdkBounds.Register(config, options, freshConnections);
    }
}
