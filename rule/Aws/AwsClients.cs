using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws;

/// <summary>
/// The one place that chooses the implementations of the AWS interfaces. To move to the official AWSSDK.ConfigService
/// and AWSSDK.CloudTrail packages, return adapters over their clients here.
/// </summary>
public static class AwsClients
{
    public static IAmazonConfigService ConfigService(AwsClientOptions options) => new AmazonConfigServiceClient(options);

    public static IAmazonCloudTrail CloudTrail(AwsClientOptions options) => new AmazonCloudTrailClient(options);
}
