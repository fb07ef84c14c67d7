using Amazon.EC2;
using Amazon.EC2.Model;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws;

/// <summary>
/// The EC2 calls this project pages through, on the one paginator every client uses (<see cref="TokenPaginator"/>):
/// a token seen twice fails instead of looping. The SDK's request objects are mutable, so the token is set in place.
/// </summary>
public static class Ec2Paginators
{
    public static IAsyncEnumerable<DescribeSecurityGroupsResponse> DescribeSecurityGroupsPages(
        this IAmazonEC2 ec2, DescribeSecurityGroupsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        return TokenPaginator.Pages("DescribeSecurityGroups", request, ec2.DescribeSecurityGroupsAsync, r => r.NextToken,
            (r, token) => { r.NextToken = token; return r; }, int.MaxValue, cancellationToken);
    }

    public static IAsyncEnumerable<DescribeSecurityGroupRulesResponse> DescribeSecurityGroupRulesPages(
        this IAmazonEC2 ec2, DescribeSecurityGroupRulesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        return TokenPaginator.Pages("DescribeSecurityGroupRules", request, ec2.DescribeSecurityGroupRulesAsync, r => r.NextToken,
            (r, token) => { r.NextToken = token; return r; }, int.MaxValue, cancellationToken);
    }

    public static IAsyncEnumerable<GetManagedPrefixListEntriesResponse> GetManagedPrefixListEntriesPages(
        this IAmazonEC2 ec2, GetManagedPrefixListEntriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        return TokenPaginator.Pages("GetManagedPrefixListEntries", request, ec2.GetManagedPrefixListEntriesAsync, r => r.NextToken,
            (r, token) => { r.NextToken = token; return r; }, int.MaxValue, cancellationToken);
    }
}
