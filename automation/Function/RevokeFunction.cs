using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon;
using SgConfigRule.Aws;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Live;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation.Attribution;
using SgConfigRule.Remediation.Execution;
using SgConfigRule.Remediation.Ledger;
using SgConfigRule.Remediation.Notification;

namespace SgConfigRule.Remediation;

/// <summary>
/// The revoke function the SSM document invokes (DESIGN §5). Lambda handler string:
/// <c>SgConfigRule.Remediation::SgConfigRule.Remediation.RevokeFunction::HandleAsync</c>.
/// <para>It answers with a <see cref="RemediationOutcome"/> for every run that ends as designed — including bad input,
/// refusals and AWS calls that kept failing (<c>Status: Failed</c>, with the error) — so the document can notify before
/// it fails the automation. Nothing to revoke, a rule already gone, a deleted group or an exempt group are successes
/// with a status that says which: a failure there would only create Config remediation exceptions. Anything else is a
/// bug and escapes (Lambda reports it; the document's failure path tells people).</para>
/// </summary>
public sealed class RevokeFunction
{
    private static readonly InMemoryLedger ProcessLedger = new();
    private readonly RemediationRuntime runtime;

    public RevokeFunction() : this(RemediationRuntime.FromEnvironment()) { }

    public RevokeFunction(RemediationRuntime runtime) => this.runtime = runtime;

    public async Task<Stream> HandleAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer).ConfigureAwait(false);
        var outcome = await InvokeAsync(buffer.ToArray(), CancellationToken.None).ConfigureAwait(false);
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(outcome, RemediationJsonContext.Default.RemediationOutcome));
    }

    public async Task<RemediationOutcome> InvokeAsync(ReadOnlyMemory<byte> inputJson, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var now = runtime.Time.GetUtcNow().UtcDateTime;
        var runId = runtime.NewRunId();
        RevokeRequest request;
        try
        {
            using var document = JsonDocument.Parse(inputJson);
            request = RevokeRequest.Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or RevokeInputException)
        {
            var groupId = TryGroupId(inputJson) ?? "(unknown group)";
            var failed = Failure(groupId, "Unknown", null, null, null, now, $"invalid input: {e.Message}") with { RunId = runId };
            Log(failed, watch.Elapsed);
            return NotificationWriter.Complete(failed, PolicyParameters.Default);
        }

        // One budget for everything the run does, the SDK's own retries included: it ends in time to answer.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(runtime.TimeBudget);
        RemediationOutcome outcome;
        var policy = request.Parameters;
        // Whether the request proved itself (an execution's step in progress, where that is required): only then may
        // the function speak to people on its own topic.
        var bound = false;
        try
        {
            var aws = await PrepareAsync(request, now, budget.Token).ConfigureAwait(false);
            bound = true;
            (outcome, policy) = await RunAsync(request, aws, now, runId, watch, budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRunFailure(e, cancellationToken))
        {
            outcome = Failure(request.SecurityGroupId, request.Mode.ToString(), request.AccountId, Region(request), request.AutomationExecutionId, now,
                e is OperationCanceledException ? $"the run did not finish within its time budget of {runtime.TimeBudget.TotalSeconds:0} s; nothing was revoked" : RemediationRun.Describe(e))
                with { RunId = runId };
        }
        var completed = NotificationWriter.Complete(outcome, policy);
        if (bound && runtime.NotificationTopicArn is { } topic && completed.Publish)
        {
            var delivery = new NoticeDelivery(topic, runtime.NoticeBudget,
                region => runtime.Notifications ?? AwsClients.Sns(runtime.Aws with { Region = region }), Ledger());
            completed = await delivery.DeliverAsync(request, LedgerKeyOf(request), completed, policy, now, cancellationToken).ConfigureAwait(false);
        }
        Log(completed, watch.Elapsed);
        return completed;
    }

    /// <summary>
    /// What ends a run as <c>Failed</c> by design: refusals and unreadable policies (<see cref="RemediationException"/>),
    /// AWS calls that kept failing or ran out of time — the EC2 SDK reports its timeouts as <see cref="TimeoutException"/>
    /// or a cancellation nobody outside asked for, and a connection that kept dropping as the <see cref="IOException"/>
    /// itself — and input that could not be read.
    /// </summary>
    internal static bool IsRunFailure(Exception e, CancellationToken cancellationToken) =>
        AwsCallFailure.Is(e) || e is RemediationException or AwsRequestException or System.Xml.XmlException or SgConfigRule.Input.InputException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// Everything that decides whether the request is acted on: the mode ceiling, the credentials for the target
    /// account, and (organization mode) the execution step the request must come from, claimed once.
    /// </summary>
    private async Task<AwsClientOptions> PrepareAsync(RevokeRequest request, DateTime now, CancellationToken cancellationToken)
    {
        var region = Region(request);
        if (request.Mode == RemediationMode.Revoke && runtime.ModeCeiling != RemediationMode.Revoke)
        {
            throw new RequestRefusedException($"this function is deployed in {runtime.ModeCeiling} mode and does not revoke; the request asked for Revoke");
        }
        var aws = await AccountOptionsAsync(request, region, cancellationToken).ConfigureAwait(false);
        if (runtime.RequireAutomationExecution)
        {
            using var ssm = AwsClients.Ssm(aws);
            await AutomationExecutionCheck.VerifyAsync(ssm, request, runtime.RemediationDocumentName, cancellationToken).ConfigureAwait(false);
            await AutomationExecutionCheck.ClaimAsync(Ledger(), request, region, new DateTimeOffset(now), cancellationToken).ConfigureAwait(false);
        }
        return aws;
    }

    private async Task<(RemediationOutcome, PolicyParameters)> RunAsync(RevokeRequest request, AwsClientOptions aws, DateTime now, string runId,
                                                                       Stopwatch watch, CancellationToken cancellationToken)
    {
        var region = Region(request);
        var cloudTrailUrl = CloudTrailUrl(region, request.SecurityGroupId);
        var policy = request.Parameters;
        var baseOutcome = Outcome(request, region, now, cloudTrailUrl) with { RunId = runId };

        if (request.Mode == RemediationMode.Attribute)
        {
            var (attributed, status, lookupProblem) = await CloudTrailAttribution.AttributeAsync(AwsClients.CloudTrail(aws), request.SecurityGroupId,
                request.RevokedRules, now, AttributionBudget(watch), cancellationToken).ConfigureAwait(false);
            return (baseOutcome with
            {
                Status = RemediationStatus.Attributed,
                Revoked = attributed,
                Attribution = status,
                Note = lookupProblem,
                RestoreCommand = RestoreCommand.For(request.SecurityGroupId, region, attributed),
                RevokedRules = JsonSerializer.Serialize(attributed.ToList(), RemediationJsonContext.Default.ListRevokedRule),
            }, policy);
        }

        var ledger = Ledger();
        var key = LedgerKeyOf(request);
        if (request.Mode == RemediationMode.NoticeUndelivered)
        {
            var executionId = request.AutomationExecutionId!;
            var kept = await LedgerUpdates.KeepUndeliveredAsync(ledger, key, executionId, request.PublishedRuns, now, cancellationToken).ConfigureAwait(false);
            var waiting = kept.Runs.Count(r => r.State == RunState.Undelivered && r.ExecutionId == executionId);
            return (baseOutcome with
            {
                Status = RemediationStatus.NoticeKept,
                Note = $"Automation execution {executionId} published no notice; {waiting} of its runs with removals wait in the ledger for the next run of this group to announce them.",
            }, policy);
        }

        if (runtime.ConfigRuleName is { } pinned && request.ConfigRuleName != pinned)
        {
            throw new RequestRefusedException(
                $"this deployment takes the policy only from the AWS Config rule {pinned}, and the input names {(request.ConfigRuleName is null ? "no rule" : $"the rule {request.ConfigRuleName}")}");
        }
        if (request.ConfigRuleName is { } ruleName)
        {
            policy = await RulePolicySource.ReadAsync(AwsClients.ConfigService(aws), ruleName, runtime.RequireConformancePackRule, request.Parameters.ExecutionRoleName, cancellationToken).ConfigureAwait(false);
        }

        using var ec2 = AwsClients.Ec2(aws);
        // The revoke itself is never resent by the SDK or the HTTP stack: a resend after a lost answer would hide that the first one worked.
        using var ec2Once = AwsClients.Ec2SingleAttempt(aws);
        using var prefixLists = new PrefixListCache(() => ec2);
        var settings = new RunSettings(runId, request.AutomationExecutionId, key, policy, request.Mode == RemediationMode.DryRun,
            runtime.ExemptionTagProtectedByIam, request.LoopGuard, new DateTimeOffset(now) + runtime.TimeBudget - runtime.PostRevokeReserve)
        {
            // No invocation outlives its budget (and Lambda kills it at its timeout, just after): an intent older than
            // that belongs to a run that died.
            InterruptedAfter = runtime.TimeBudget + TimeSpan.FromSeconds(10),
        };
        var result = await new RemediationRun(ec2, new Ec2Revoker(ec2Once), ledger, prefixLists, runtime.Time, settings)
            .RunAsync(cancellationToken).ConfigureAwait(false);

        // Who added them: for the rules removed (or that would be), and for those the loop guard spared - whoever keeps
        // re-adding a rule is what people need to know. Rules carried from an earlier run may already say.
        List<RevokedRule> concerned = [.. result.Revoked.Where(r => r.AddedBy is null), .. result.WouldRevoke, .. result.Guarded];
        var attribution = ((IReadOnlyList<RevokedRule>)concerned, AttributionStatus.NotNeeded, (string?)null);
        if (concerned.Count > 0)
        {
            try
            {
                attribution = await CloudTrailAttribution.AttributeAsync(AwsClients.CloudTrail(aws), request.SecurityGroupId, concerned, now,
                    AttributionBudget(watch), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or AwsRequestException)
            {
                // Out of time: the removals must still be reported; who added them can wait for the follow-up.
                attribution = (concerned, AttributionStatus.Unavailable, $"CloudTrail was not searched: {e.Message}");
            }
        }
        var (rules, attributionStatus, problem) = attribution;
        IReadOnlyList<RevokedRule> Attributed(IReadOnlyList<RevokedRule> subset) =>
            [.. subset.Select(r => r.AddedBy is not null ? r : rules.FirstOrDefault(a => a.RuleId == r.RuleId && RuleContent.SameContent(a, r)) is { } a ? r with { AddedBy = a.AddedBy } : r)];
        var revoked = Attributed(result.Revoked);
        return (baseOutcome with
        {
            Status = result.Status,
            AccountId = request.AccountId ?? result.Group?.OwnerId,
            GroupName = result.Group?.GroupName,
            VpcId = result.Group?.VpcId,
            Revoked = revoked,
            WouldRevoke = Attributed(result.WouldRevoke),
            Skipped = result.Skipped,
            Remaining = result.Remaining,
            Guarded = Attributed(result.Guarded),
            Note = Join(result.Note, problem, runtime.Ledger is not null || runtime.LedgerTable is not null || request.Mode == RemediationMode.DryRun ? null
                : "No ledger table is configured: this run's removals are not kept for a retry, and the loop guard counts only within this process."),
            Error = result.Error,
            Attribution = attributionStatus,
            // The follow-up looks up the removed rules only.
            AttributionPending = revoked.Count > 0 && attributionStatus is AttributionStatus.NotYetAvailable or AttributionStatus.Partial,
            RestoreCommand = RestoreCommand.For(request.SecurityGroupId, region, revoked),
            RevokedRules = JsonSerializer.Serialize(revoked.ToList(), RemediationJsonContext.Default.ListRevokedRule),
            NoticeRuns = result.NoticeRuns,
        }, policy);
    }

    /// <summary>CloudTrail is asked only while there is time left to answer.</summary>
    private TimeSpan AttributionBudget(Stopwatch watch)
    {
        var left = runtime.TimeBudget - watch.Elapsed - TimeSpan.FromSeconds(1);
        return left < runtime.AttributionBudget ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : runtime.AttributionBudget;
    }

    /// <summary>The ledger lives in the function's own account and Region, written with its own role — never a member account's.</summary>
    private IRemediationLedger Ledger() =>
        runtime.Ledger ?? (runtime.LedgerTable is { } table ? new DynamoDbLedger(AwsClients.DynamoDb(runtime.Aws), table) : ProcessLedger);

    private async Task<AwsClientOptions> AccountOptionsAsync(RevokeRequest request, string region, CancellationToken cancellationToken)
    {
        var options = runtime.Aws with { Region = region };
        if (request.Parameters.ExecutionRoleName is not { } roleName) return options;
        if (request.AccountId is null) throw new RequestRefusedException("executionRoleName is set but the input has no AccountId");
        var partition = RegionEndpoint.GetBySystemName(region).PartitionName ?? "aws";
        return await AwsClients.AssumeRoleAsync(options, $"arn:{partition}:iam::{request.AccountId}:role/{roleName}",
            $"sg-config-rule-remediation-{request.AccountId}", cancellationToken).ConfigureAwait(false);
    }

    private string Region(RevokeRequest request) => request.Region ?? runtime.Aws.ResolveRegion();

    /// <summary>The group's ledger entry: its account, the Region acted in, its id.</summary>
    private LedgerKey LedgerKeyOf(RevokeRequest request) => new(request.AccountId, Region(request), request.SecurityGroupId);

    private static RemediationOutcome Outcome(RevokeRequest request, string region, DateTime now, string cloudTrailUrl) => new()
    {
        Status = RemediationStatus.Failed,
        Mode = request.Mode.ToString(),
        SecurityGroupId = request.SecurityGroupId,
        AccountId = request.AccountId,
        Region = region,
        Time = now,
        Attribution = AttributionStatus.NotNeeded,
        CloudTrailUrl = cloudTrailUrl,
        AutomationExecutionId = request.AutomationExecutionId,
        LoopGuard = request.LoopGuard,
        Subject = "",
        Text = "",
        Message = "",
        RevokedRules = "[]",
    };

    private static RemediationOutcome Failure(string groupId, string mode, string? account, string? region, string? execution, DateTime now, string error) => new()
    {
        Status = RemediationStatus.Failed,
        Mode = mode,
        SecurityGroupId = groupId,
        AccountId = account,
        Region = region,
        Time = now,
        Error = error,
        Attribution = AttributionStatus.NotNeeded,
        CloudTrailUrl = region is null ? null : CloudTrailUrl(region, groupId),
        AutomationExecutionId = execution,
        Subject = "",
        Text = "",
        Message = "",
        RevokedRules = "[]",
    };

    public static string CloudTrailUrl(string region, string groupId)
    {
        var domain = region.StartsWith("cn-", StringComparison.Ordinal) ? "console.amazonaws.cn" : "console.aws.amazon.com";
        return $"https://{region}.{domain}/cloudtrail/home?region={region}#/events?ResourceName={Uri.EscapeDataString(groupId)}";
    }

    internal static string? Join(params string?[] notes) =>
        notes.Where(n => n is not null).ToList() is { Count: > 0 } present ? string.Join(" ", present) : null;

    private static string? TryGroupId(ReadOnlyMemory<byte> input)
    {
        try
        {
            using var document = JsonDocument.Parse(input);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("SecurityGroupId", out var id)
                   && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Log(RemediationOutcome outcome, TimeSpan duration)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", runtime.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", outcome.Status == RemediationStatus.Failed || outcome.Error is not null ? "error" : "info");
            json.WriteString("event", "remediation");
            json.WriteString("runId", outcome.RunId);
            json.WriteString("securityGroupId", outcome.SecurityGroupId);
            json.WriteString("mode", outcome.Mode);
            json.WriteString("status", outcome.Status.ToString());
            json.WriteNumber("revoked", outcome.Revoked.Count);
            json.WriteNumber("wouldRevoke", outcome.WouldRevoke.Count);
            json.WriteNumber("remaining", outcome.Remaining.Count);
            json.WriteNumber("guarded", outcome.Guarded.Count);
            // Every removal is in the log too, with its restore command: a last trace if no notice gets through.
            if (outcome.RestoreCommand is not null && outcome.Revoked.Count > 0) json.WriteString("restoreCommand", outcome.RestoreCommand);
            if (outcome.Note is not null) json.WriteString("note", outcome.Note);
            json.WriteString("attribution", outcome.Attribution);
            if (outcome.Error is not null) json.WriteString("error", outcome.Error);
            json.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
            json.WriteEndObject();
        }
        runtime.Log.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
