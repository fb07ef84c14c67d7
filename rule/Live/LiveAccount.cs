using System.Runtime.CompilerServices;
using Amazon.EC2;
using Amazon.EC2.Model;
using SgConfigRule.Aws;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;
using PolicyGroup = SgConfigRule.Policy.Model.SecurityGroup;

namespace SgConfigRule.Live;

/// <summary>
/// Reads security groups from a live account, read-only: DescribeSecurityGroups for identity and tags, and
/// DescribeSecurityGroupRules (filtered by those groups) for the inbound rules with their ids. Works a page at a time,
/// so memory does not grow with the account.
/// </summary>
public static class LiveAccount
{
    private const int GroupsPerPage = 1000;
    private const int GroupIdsPerRuleFilter = 100;

    public static async IAsyncEnumerable<ReadResult> ReadAllAsync(IAmazonEC2 ec2, string? region,
                                                                  [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        var request = new DescribeSecurityGroupsRequest { MaxResults = GroupsPerPage };
        await foreach (var page in ec2.DescribeSecurityGroupsPages(request, cancellationToken).ConfigureAwait(false))
        {
            var groups = page.SecurityGroups ?? [];
            var rules = await RulesOfAsync(ec2, groups.Select(g => g.GroupId).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var group in groups)
            {
                yield return Convert(group, rules, region);
            }
        }
    }

    /// <summary>One group as it is now, or null when it does not exist (any more).</summary>
    public static async Task<ResourceItem?> ReadGroupAsync(IAmazonEC2 ec2, string groupId, string? region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        Amazon.EC2.Model.SecurityGroup? group;
        try
        {
            var response = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] }, cancellationToken).ConfigureAwait(false);
            group = response.SecurityGroups?.SingleOrDefault();
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidGroup.NotFound")
        {
            return null;
        }
        if (group is null) return null;
        var rules = await RulesOfAsync(ec2, [groupId], cancellationToken).ConfigureAwait(false);
        var result = Convert(group, rules, region);
        return result.Item ?? throw result.Error!;
    }

    private static ReadResult Convert(Amazon.EC2.Model.SecurityGroup group, ILookup<string, SecurityGroupRule> rules, string? region)
    {
        try
        {
            PolicyGroup converted = Ec2GroupConversion.ToGroup(group, rules[group.GroupId]);
            return ReadResult.Read(ResourceItem.ForGroup(converted, new ResourceContext(group.OwnerId, region, group.SecurityGroupArn, null)));
        }
        catch (InputException e)
        {
            return ReadResult.Failed(new InputException(e.JsonPath, $"{e.Problem} (group {group.GroupId} is not evaluated)"));
        }
    }

    /// <summary>The inbound rules of one group as they are now (the remediation's re-read after a revoke).</summary>
    public static async Task<IReadOnlyList<IngressRule>> ReadIngressAsync(IAmazonEC2 ec2, string groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        var rules = await RulesOfAsync(ec2, [groupId], cancellationToken).ConfigureAwait(false);
        return [.. rules[groupId].Select(Ec2GroupConversion.ToIngressRule).OfType<IngressRule>()];
    }

    private static async Task<ILookup<string, SecurityGroupRule>> RulesOfAsync(IAmazonEC2 ec2, List<string> groupIds, CancellationToken cancellationToken)
    {
        var rules = new List<SecurityGroupRule>();
        foreach (var chunk in groupIds.Chunk(GroupIdsPerRuleFilter))
        {
            var request = new DescribeSecurityGroupRulesRequest { Filters = [new Filter("group-id", [.. chunk])], MaxResults = 1000 };
            await foreach (var page in ec2.DescribeSecurityGroupRulesPages(request, cancellationToken).ConfigureAwait(false))
            {
                rules.AddRange(page.SecurityGroupRules ?? []);
            }
        }
        return rules.ToLookup(r => r.GroupId, StringComparer.Ordinal);
    }
}
