using System.Diagnostics;
using SgConfigRule.Aws;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Live;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Rule.Logging;

namespace SgConfigRule.Rule.Handling;

/// <summary>
/// Everything one invocation works with: the rule's parameters, the clients for the account being evaluated (its own,
/// or a member account's through the assumed role), the clock, the log and the poster. Evaluating a group here
/// resolves the prefix lists the policy needs first (cached for the invocation) and logs the verdict.
/// </summary>
internal sealed class InvocationContext(
    PolicyParameters parameters,
    AwsClientOptions aws,
    IAmazonConfigService config,
    EvaluationPoster poster,
    TimeProvider time,
    RuleLog log) : IDisposable
{
    private readonly PrefixListCache prefixLists = new(() => AwsClients.Ec2(aws),
        id => log.Warning($"prefix list {id} could not be resolved; rules using it count as in scope"));

    public PolicyParameters Parameters { get; } = parameters;
    public IAmazonConfigService Config { get; } = config;
    public EvaluationPoster Poster { get; } = poster;
    public TimeProvider Time { get; } = time;
    public RuleLog Log { get; } = log;
    public List<EvaluationFailure> Failures { get; } = [];

    /// <summary>Evaluates a resource now and queues its evaluation, ordered at <paramref name="orderingTimestamp"/>.</summary>
    public async Task EvaluateAndPostAsync(ResourceItem item, DateTime orderingTimestamp, CancellationToken cancellationToken) =>
        await Poster.AddAsync(await EvaluateAsync(item, orderingTimestamp, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Evaluates a resource now and logs the verdict; the caller decides whether to post it.</summary>
    public async Task<PostedEvaluation> EvaluateAsync(ResourceItem item, DateTime orderingTimestamp, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var catalog = item.Group is null ? PrefixListCatalog.Empty : await PrefixListsForAsync([item.Group], cancellationToken).ConfigureAwait(false);
        var evaluation = Evaluator.Evaluate(item, Parameters, Time.GetUtcNow(), catalog);
        var compliance = evaluation.Compliance.ToWire();
        Log.Evaluation(item.ResourceId, compliance, evaluation.Findings.Length, evaluation.Annotation, watch.Elapsed);
        return new PostedEvaluation(item.ResourceType, item.ResourceId, compliance, evaluation.Annotation, orderingTimestamp);
    }

    /// <summary>Queues NOT_APPLICABLE for a resource that is gone or out of scope.</summary>
    public Task NotApplicableAsync(string resourceType, string resourceId, string reason, DateTime orderingTimestamp, CancellationToken cancellationToken) =>
        Poster.AddAsync(NotApplicable(resourceType, resourceId, reason, orderingTimestamp), cancellationToken);

    /// <summary>NOT_APPLICABLE for a resource that is gone or out of scope, logged; the caller decides whether to post it.</summary>
    public PostedEvaluation NotApplicable(string resourceType, string resourceId, string reason, DateTime orderingTimestamp)
    {
        Log.Evaluation(resourceId, "NOT_APPLICABLE", 0, reason, TimeSpan.Zero);
        return new PostedEvaluation(resourceType, resourceId, "NOT_APPLICABLE", reason, orderingTimestamp);
    }

    public void Fail(string? resourceId, string cause)
    {
        Log.Failure(resourceId, cause);
        Failures.Add(new EvaluationFailure(resourceId, cause));
    }

    /// <summary>The prefix lists these groups need resolved (none unless the scope is world or public), from EC2.</summary>
    public Task<PrefixListCatalog> PrefixListsForAsync(IEnumerable<SecurityGroup> groups, CancellationToken cancellationToken) =>
        prefixLists.CatalogForAsync(groups, Parameters, cancellationToken);

    public void Dispose() => prefixLists.Dispose();
}
