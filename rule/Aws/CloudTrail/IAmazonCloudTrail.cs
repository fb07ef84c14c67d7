using SgConfigRule.Aws.CloudTrail.Model;

namespace SgConfigRule.Aws.CloudTrail;

/// <summary>The CloudTrail operation SgConfigRule uses, as <c>Amazon.CloudTrail.IAmazonCloudTrail</c> names it.</summary>
public interface IAmazonCloudTrail
{
    Task<LookupEventsResponse> LookupEventsAsync(LookupEventsRequest request, CancellationToken cancellationToken = default);
}
