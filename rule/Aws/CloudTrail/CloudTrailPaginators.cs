using System.Runtime.CompilerServices;
using SgConfigRule.Aws.CloudTrail.Model;

namespace SgConfigRule.Aws.CloudTrail;

/// <summary>Follows <c>NextToken</c>, resending the same parameters as the service requires.</summary>
public static class CloudTrailPaginators
{
    public static async IAsyncEnumerable<LookupEventsResponse> LookupEventsPages(
        this IAmazonCloudTrail cloudTrail, LookupEventsRequest request, int maxPages = int.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = request;
        for (var page = 0; page < maxPages; page++)
        {
            var response = await cloudTrail.LookupEventsAsync(next, cancellationToken).ConfigureAwait(false);
            yield return response;
            if (string.IsNullOrEmpty(response.NextToken)) yield break;
            next = next with { NextToken = response.NextToken };
        }
    }
}
