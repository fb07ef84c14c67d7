using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;

namespace SgConfigRule.Rule.Handling;

/// <summary>
/// The scheduled sweep: every security group Config knows (ListDiscoveredResources), fetched 100 at a time
/// (BatchGetResourceConfig, unprocessed keys asked again) and evaluated, all ordered at the notification time. It
/// catches what change events cannot: exemptions that expired while nothing changed, and groups this rule evaluated
/// before that are gone now (marked NOT_APPLICABLE so their old verdict does not linger).
/// <para>It posts only what Config does not already hold (<see cref="SweepDiff"/>): AWS Config bills every evaluation
/// it records, and a daily sweep that re-posted every unchanged verdict would pay for N evaluations a day. What Config
/// holds is read first (GetComplianceDetailsByConfigRule, every compliance type); a verdict is posted when the group
/// has no result, or its compliance type or annotation differs, or — with <c>fullRepostDays</c> — its result is that
/// old. A sweep that fails midway has posted what changed up to there and fails, so Config retries it; the groups it
/// did not reach keep their recorded verdicts, which the retry compares again.</para>
/// Calls: ⌈N/100⌉ listing pages + ⌈N/100⌉ batch gets + ⌈posted/100⌉ puts + the pages of recorded results.
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

        // Without the rule's name nothing recorded can be read: every verdict is posted (each is new to us).
        var recorded = configRuleName is null
            ? new Dictionary<string, RecordedVerdict>(StringComparer.Ordinal)
            : await RecordedAsync(context.Config, configRuleName, type, cancellationToken).ConfigureAwait(false);
        var offer = new Offer(context, recorded, context.Time.GetUtcNow().UtcDateTime, context.Parameters.FullRepostDays);

        // Groups this rule judged before and that Config no longer lists: their verdicts must not linger. One already
        // NOT_APPLICABLE stays as it is (no refresh either: nobody needs a fresh timestamp on a deleted group).
        foreach (var (gone, verdict) in recorded.Where(r => !known.Contains(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (verdict.ComplianceType == ComplianceType.NOT_APPLICABLE) continue;
            await offer.PostIfNeededAsync(context.NotApplicable(type, gone, "Resource no longer exists", orderingTimestamp), cancellationToken).ConfigureAwait(false);
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
                    await offer.PostIfNeededAsync(context.NotApplicable(type, id, "Resource deleted", orderingTimestamp), cancellationToken).ConfigureAwait(false);
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
            foreach (var item in read)
            {
                var verdict = await context.EvaluateAsync(item, orderingTimestamp, cancellationToken).ConfigureAwait(false);
                await offer.PostIfNeededAsync(verdict, cancellationToken).ConfigureAwait(false);
            }
        }
        offer.Log(recorded.Count);
    }

    /// <summary>Queues a verdict for PutEvaluations when Config does not hold it already, and counts why.</summary>
    private sealed class Offer(InvocationContext context, Dictionary<string, RecordedVerdict> recorded, DateTime now, int? fullRepostDays)
    {
        private readonly int[] posted = new int[Enum.GetValues<PostReason>().Length];
        private int unchanged;

        public async Task PostIfNeededAsync(PostedEvaluation verdict, CancellationToken cancellationToken)
        {
            var reason = SweepDiff.ReasonToPost(verdict.ComplianceType, verdict.Annotation, recorded.GetValueOrDefault(verdict.ResourceId), now, fullRepostDays);
            if (reason is not { } why)
            {
                unchanged++;
                return;
            }
            posted[(int)why]++;
            await context.Poster.AddAsync(verdict, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One line per sweep: what was queued and why, and how many verdicts Config already held.</summary>
        public void Log(int recordedResults) => context.Log.Write("info", "sweep", w =>
        {
            w.WriteNumber("recordedResults", recordedResults);
            w.WriteNumber("postedNew", posted[(int)PostReason.New]);
            w.WriteNumber("postedChanged", posted[(int)PostReason.Changed]);
            w.WriteNumber("postedRefresh", posted[(int)PostReason.Refresh]);
            w.WriteNumber("unchanged", unchanged);
        });
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

    /// <summary>
    /// Every result Config holds for this rule's security groups, whatever its compliance type: COMPLIANT and
    /// NON_COMPLIANT to compare with, and NOT_APPLICABLE too, so a group out of the rule's tag scope or deleted is not
    /// posted again on every sweep. (The API's ComplianceTypes filter takes COMPLIANT, NON_COMPLIANT and NOT_APPLICABLE;
    /// INSUFFICIENT_DATA cannot be asked for. Pages of at most 100.)
    /// </summary>
    private static async Task<Dictionary<string, RecordedVerdict>> RecordedAsync(IAmazonConfigService config, string configRuleName, string type, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, RecordedVerdict>(StringComparer.Ordinal);
        var request = new GetComplianceDetailsByConfigRuleRequest
        {
            ConfigRuleName = configRuleName,
            ComplianceTypes = [ComplianceType.COMPLIANT, ComplianceType.NON_COMPLIANT, ComplianceType.NOT_APPLICABLE],
            Limit = BatchSize,
        };
        await foreach (var page in config.GetComplianceDetailsByConfigRulePages(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var result in page.EvaluationResults)
            {
                if (RecordedVerdict.From(result) is { } r && r.ResourceType == type) results[r.ResourceId] = r.Verdict;
            }
        }
        return results;
    }
}
