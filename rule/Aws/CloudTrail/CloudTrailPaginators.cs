using SgConfigRule.Aws.CloudTrail.Model;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws.CloudTrail;

/// <summary>Follows <c>NextToken</c>, resending the same parameters as the service requires.</summary>
public static class CloudTrailPaginators
{
    public static IAsyncEnumerable<LookupEventsResponse> LookupEventsPages(
        this IAmazonCloudTrail cloudTrail, LookupEventsRequest request, int maxPages = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cloudTrail);
        return TokenPaginator.Pages("LookupEvents", request, cloudTrail.LookupEventsAsync, r => r.NextToken,
            (r, token) => r with { NextToken = token }, maxPages, cancellationToken);
    }
}
