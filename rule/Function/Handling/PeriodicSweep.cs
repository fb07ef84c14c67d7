using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;

namespace SgConfigRule.Rule.Handling;

/// <summary>
/// The scheduled sweep: every security group Config knows (ListDiscoveredResources), fetched 100 at a time
/// (BatchGetResourceConfig, unprocessed keys asked again), evaluated, and posted 100 at a time, all ordered at the
/// notification time. It catches what change events cannot: exemptions that expired while nothing changed, and groups
/// this rule evaluated before that are gone now (marked NOT_APPLICABLE so their old verdict does not linger).
/// Calls: ⌈N/100⌉ listing pages + ⌈N/100⌉ batch gets + ⌈N/100⌉ puts + the pages of earlier results.
/// </summary>
internal static class PeriodicSweep
{
    private const int BatchSize = 100;
    private const int UnprocessedRetries = 5;

    public static async Task RunAsync(InvocationContext context, string? configRuleName, DateTime orderingTimestamp, CancellationToken cancellationToken)
    {
        var type = ResourceType.AWSEC2SecurityGroup;
        var discovered = new List<string>();
        await foreach (var page in context.Config.ListDiscoveredResourcesPages(new ListDiscoveredResourcesRequest { ResourceType = type, Limit = BatchSize }, cancellationToken).ConfigureAwait(false))
        {
            discovered.AddRange(page.ResourceIdentifiers.Select(r => r.ResourceId).OfType<string>());
        }
        var known = discovered.ToHashSet(StringComparer.Ordinal);

        // Groups this rule judged before and that Config no longer lists: their verdicts must not linger.
        if (configRuleName is not null)
        {
            foreach (var gone in await PreviouslyEvaluatedAsync(context.Config, configRuleName, type, cancellationToken).ConfigureAwait(false))
            {
                if (!known.Contains(gone)) await context.NotApplicableAsync(type, gone, "Resource no longer exists", orderingTimestamp, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var chunk in discovered.Chunk(BatchSize))
        {
            var items = await FetchAsync(context, type, chunk, cancellationToken).ConfigureAwait(false);
            var read = new List<ResourceItem>();
            foreach (var id in chunk)
            {
                if (!items.TryGetValue(id, out var fetched))
                {
                    continue; // reported by FetchAsync as a failure, or deleted (handled below)
                }
                if (fetched is null)
                {
                    // Listed a moment ago, not returned now: BatchGetResourceConfig leaves out deleted resources.
                    await context.NotApplicableAsync(type, id, "Resource deleted", orderingTimestamp, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                try
                {
                    read.Add(ConfigurationItemFields.Read(type, id, fetched.ResourceName, fetched.ConfigurationItemStatus, fetched.Configuration, null,
                        new ResourceContext(fetched.AccountId, fetched.AwsRegion, fetched.Arn,
                            fetched.ConfigurationItemCaptureTime is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null)));
                }
                catch (InputException e)
                {
                    context.Fail(id, $"{e.JsonPath}: {e.Problem}");
                }
            }
            await context.PrefixListsForAsync(read.Where(i => i.Group is not null).Select(i => i.Group!), cancellationToken).ConfigureAwait(false);
            foreach (var item in read) await context.EvaluateAndPostAsync(item, orderingTimestamp, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The items of one chunk, by id: an item, or null for an id Config did not return (deleted). Ids still unprocessed
    /// after the retries are failures and absent from the result.
    /// </summary>
    private static async Task<Dictionary<string, BaseConfigurationItem?>> FetchAsync(InvocationContext context, string type, string[] ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, BaseConfigurationItem?>(StringComparer.Ordinal);
        var wanted = ids.ToList();
        for (var attempt = 0; wanted.Count > 0; attempt++)
        {
            if (attempt > UnprocessedRetries)
            {
                foreach (var id in wanted) context.Fail(id, $"BatchGetResourceConfig left it unprocessed {UnprocessedRetries + 1} times");
                return result;
            }
            if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(50 * (1 << attempt)), context.Time, cancellationToken).ConfigureAwait(false);
            var response = await context.Config.BatchGetResourceConfigAsync(new BatchGetResourceConfigRequest
            {
                ResourceKeys = [.. wanted.Select(id => new ResourceKey { ResourceType = type, ResourceId = id })],
            }, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.BaseConfigurationItems)
            {
                if (item.ResourceId is { } id) result[id] = item;
            }
            var unprocessed = response.UnprocessedResourceKeys.Select(k => k.ResourceId).ToHashSet(StringComparer.Ordinal);
            foreach (var id in wanted.Where(id => !unprocessed.Contains(id) && !result.ContainsKey(id))) result[id] = null;
            wanted = wanted.Where(unprocessed.Contains).ToList();
        }
        return result;
    }

    private static async Task<List<string>> PreviouslyEvaluatedAsync(IAmazonConfigService config, string configRuleName, string type, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var request = new GetComplianceDetailsByConfigRuleRequest
        {
            ConfigRuleName = configRuleName,
            ComplianceTypes = [ComplianceType.COMPLIANT, ComplianceType.NON_COMPLIANT],
            Limit = BatchSize,
        };
        await foreach (var page in config.GetComplianceDetailsByConfigRulePages(request, cancellationToken).ConfigureAwait(false))
        {
            ids.AddRange(page.EvaluationResults
                .Select(r => r.EvaluationResultIdentifier?.EvaluationResultQualifier)
                .Where(q => q?.ResourceType == type && q.ResourceId is not null)
                .Select(q => q!.ResourceId!));
        }
        return ids;
    }
}
