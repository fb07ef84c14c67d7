namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// Where a service is called, resolved as the AWS SDKs do: an explicit URL first, then the environment variable
/// <c>AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt;</c> (service id upper-cased, spaces as underscores: <c>CONFIG_SERVICE</c>,
/// <c>CLOUDTRAIL</c>), then <c>AWS_ENDPOINT_URL</c>, then the regional endpoint <c>https://{prefix}.{region}.{dns suffix}/</c>.
/// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c> turns the environment variables off.
/// </summary>
public sealed record ServiceEndpoint(Uri Url, string SigningRegion, string SigningName)
{
    /// <summary>Whether the URL came from an explicit setting or an <c>AWS_ENDPOINT_URL*</c> variable rather than the Region.</summary>
    public bool IsOverride { get; init; }

    public static ServiceEndpoint Resolve(ServiceDescription service, string region, Uri? explicitUrl,
                                          Func<string, string?> environment)
    {
        if (explicitUrl is not null) return new ServiceEndpoint(explicitUrl, region, service.SigningName) { IsOverride = true };
        if (!string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var specific = "AWS_ENDPOINT_URL_" + service.ServiceId.ToUpperInvariant().Replace(' ', '_');
            foreach (var variable in new[] { specific, "AWS_ENDPOINT_URL" })
            {
                var value = environment(variable);
                if (string.IsNullOrWhiteSpace(value)) continue;
                if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new InvalidOperationException($"{variable}='{value}' is not an http(s) URL");
                }
                return new ServiceEndpoint(url, region, service.SigningName) { IsOverride = true };
            }
        }
        var dnsSuffix = Amazon.RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix ?? "amazonaws.com";
        return new ServiceEndpoint(new Uri($"https://{service.EndpointPrefix}.{region}.{dnsSuffix}/"), region, service.SigningName);
    }
}

/// <summary>A service's identity as its API model names it.</summary>
/// <param name="ServiceId">The SDK service id (<c>Config Service</c>, <c>CloudTrail</c>), which names its endpoint variable.</param>
/// <param name="EndpointPrefix">The host prefix (<c>config</c>, <c>cloudtrail</c>).</param>
/// <param name="SigningName">The SigV4 service name.</param>
/// <param name="TargetPrefix">The JSON <c>X-Amz-Target</c> prefix.</param>
/// <param name="JsonVersion">The AWS JSON protocol version: <c>1.1</c> (Config, CloudTrail) or <c>1.0</c> (SNS).</param>
public sealed record ServiceDescription(string ServiceId, string EndpointPrefix, string SigningName, string TargetPrefix, string JsonVersion = "1.1")
{
    /// <summary>SNS speaks AWS JSON 1.0 (query-compatible errors) besides its query protocol.</summary>
    public static ServiceDescription Sns { get; } = new("SNS", "sns", "sns", "SNS_20100331", "1.0");

    public static ServiceDescription ConfigService { get; } = new("Config Service", "config", "config", "StarlingDoveService");

    public static ServiceDescription CloudTrail { get; } =
        new("CloudTrail", "cloudtrail", "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101");

    // The services the official SDK clients call: only their ids and endpoint prefixes matter here.
    public static ServiceDescription Ec2 { get; } = new("EC2", "ec2", "ec2", "");
    public static ServiceDescription Ssm { get; } = new("SSM", "ssm", "ssm", "AmazonSSM");
    public static ServiceDescription Sts { get; } = new("STS", "sts", "sts", "");
    public static ServiceDescription DynamoDb { get; } = new("DynamoDB", "dynamodb", "dynamodb", "DynamoDB_20120810");
}
