using SgConfigRule.Aws.CloudTrail.Model;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws.CloudTrail;

/// <summary>CloudTrail over the JSON 1.1 protocol (signing name <c>cloudtrail</c>).</summary>
public sealed class AmazonCloudTrailClient(AwsClientOptions options) : IAmazonCloudTrail
{
    private readonly AwsJsonProtocolClient protocol = new(ServiceDescription.CloudTrail, options);

    public AmazonCloudTrailClient() : this(new AwsClientOptions()) { }

    public ServiceEndpoint Endpoint => protocol.Endpoint;

    public Task<LookupEventsResponse> LookupEventsAsync(LookupEventsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.LookupAttributes.Count > 1)
        {
            throw new ArgumentException("LookupEvents takes at most one lookup attribute", nameof(request));
        }
        return protocol.InvokeAsync("LookupEvents", request, CloudTrailJsonContext.Default.LookupEventsRequest,
            CloudTrailJsonContext.Default.LookupEventsResponse, cancellationToken);
    }
}
