using SgConfigRule.Aws.SimpleNotificationService;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation.Ledger;

namespace SgConfigRule.Remediation.Notification;

/// <summary>
/// Organization mode: the function publishes its notices itself, because only its role may publish to the central
/// topic. When SNS refuses or does not answer within <paramref name="budget"/>, the run's removals go back to the ledger
/// — the next run of the group announces them — and the answer becomes <c>Failed</c>, so the document hands them back
/// too and fails, and AWS Config retries.
/// </summary>
/// <param name="topicArn">The topic (<c>SGCR_NOTIFICATION_TOPIC_ARN</c>).</param>
/// <param name="budget">How long publishing and the hand-back may take, on top of the run's own budget.</param>
/// <param name="client">The SNS client for the topic's Region.</param>
/// <param name="ledger">The function's ledger.</param>
public sealed class NoticeDelivery(string topicArn, TimeSpan budget, Func<string, IAmazonSimpleNotificationService> client, IRemediationLedger ledger)
{
    /// <summary>Publishes <paramref name="completed"/> (a notice that needs a person); returns it marked published, or failed.</summary>
    public async Task<RemediationOutcome> DeliverAsync(RevokeRequest request, LedgerKey key, RemediationOutcome completed, PolicyParameters policy,
                                                      DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(completed);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        // SNS gets most of the budget; the rest stays for handing the removals back when it does not answer.
        var publishBudget = budget * 0.6;
        using var publishDeadline = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        publishDeadline.CancelAfter(publishBudget);
        string problem;
        try
        {
            var topicRegion = NoticePublisher.TopicRegion(topicArn)
                              ?? throw new RequestRefusedException($"{RemediationRuntime.NotificationTopicVariable} is not an SNS topic ARN: {topicArn}");
            await NoticePublisher.PublishAsync(client(topicRegion), topicArn, completed, publishDeadline.Token).ConfigureAwait(false);
            return completed with { Published = true };
        }
        catch (Exception e) when (RevokeFunction.IsRunFailure(e, cancellationToken))
        {
            problem = e is OperationCanceledException ? $"SNS did not answer within {publishBudget.TotalSeconds:0.#} s" : Execution.RemediationRun.Describe(e);
        }

        // Only a run that revoked (or may carry earlier removals) has anything to hand back; a follow-up has none.
        var kept = "";
        if (request.Mode is RemediationMode.Revoke or RemediationMode.DryRun && request.AutomationExecutionId is { } executionId)
        {
            try
            {
                await LedgerUpdates.KeepUndeliveredAsync(ledger, key, executionId, [], now, deadline.Token).ConfigureAwait(false);
                kept = completed.Revoked.Count > 0 ? " The removals are kept in the ledger: the next run of this group announces them." : "";
            }
            catch (Exception e) when (e is LedgerUnavailableException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                kept = $" They could not be handed back to the ledger ({PlainText.OneLine(e.Message)}): the document's next step does.";
            }
        }
        var failed = completed with
        {
            Status = RemediationStatus.Failed,
            Error = RevokeFunction.Join(completed.Error, $"the notice could not be published to {topicArn}: {problem}.{kept}"),
            NoticeRuns = [],
            AttributionPending = false,
        };
        return NotificationWriter.Complete(failed, policy);
    }
}
