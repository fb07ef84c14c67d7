using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;

namespace SgConfigRule.Rule.Handling;

/// <summary>
/// Sends evaluations to PutEvaluations in batches of 100 with the invocation's result token (<c>TESTMODE</c> turns on
/// <c>TestMode</c>, as the RDK convention has it). Evaluations the service reports in <c>FailedEvaluations</c> are sent
/// once more; those that fail again become failures, so the invocation fails and AWS Config retries it.
/// </summary>
internal sealed class EvaluationPoster(IAmazonConfigService config, string resultToken)
{
    public const string TestModeToken = "TESTMODE";

    private readonly List<PostedEvaluation> pending = [];
    private readonly List<PostedEvaluation> posted = [];
    private readonly List<EvaluationFailure> failures = [];

    public bool TestMode { get; } = resultToken == TestModeToken;
    public IReadOnlyList<PostedEvaluation> Posted => posted;
    public IReadOnlyList<EvaluationFailure> Failures => failures;

    public async Task AddAsync(PostedEvaluation evaluation, CancellationToken cancellationToken)
    {
        pending.Add(evaluation);
        if (pending.Count >= AmazonConfigServiceClient.MaxEvaluationsPerRequest) await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (pending.Count > 0)
        {
            var batch = pending.Take(AmazonConfigServiceClient.MaxEvaluationsPerRequest).ToList();
            var failed = await PutAsync(batch, cancellationToken).ConfigureAwait(false);
            if (failed.Count > 0) failed = await PutAsync(failed, cancellationToken).ConfigureAwait(false);
            foreach (var evaluation in batch)
            {
                if (failed.Contains(evaluation)) failures.Add(new EvaluationFailure(evaluation.ResourceId, "PutEvaluations reported this evaluation as failed twice"));
                else posted.Add(evaluation);
            }
            pending.RemoveRange(0, batch.Count);
        }
    }

    private async Task<List<PostedEvaluation>> PutAsync(List<PostedEvaluation> batch, CancellationToken cancellationToken)
    {
        var response = await config.PutEvaluationsAsync(new PutEvaluationsRequest
        {
            ResultToken = resultToken,
            TestMode = TestMode ? true : null,
            Evaluations = [.. batch.Select(e => new Evaluation
            {
                ComplianceResourceType = e.ResourceType,
                ComplianceResourceId = e.ResourceId,
                ComplianceType = e.ComplianceType,
                Annotation = e.Annotation,
                OrderingTimestamp = e.OrderingTimestamp,
            })],
        }, cancellationToken).ConfigureAwait(false);
        var failedIds = response.FailedEvaluations.Select(f => (f.ComplianceResourceType, f.ComplianceResourceId)).ToHashSet();
        return batch.Where(e => failedIds.Contains((e.ResourceType, e.ResourceId))).ToList();
    }
}
