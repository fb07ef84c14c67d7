using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon;
using SgConfigRule.Aws;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Live;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation.Attribution;
using SgConfigRule.Remediation.Notification;

namespace SgConfigRule.Remediation;

/// <summary>
/// The revoke function the SSM document invokes (DESIGN §5). Lambda handler string:
/// <c>SgConfigRule.Remediation::SgConfigRule.Remediation.RevokeFunction::HandleAsync</c>.
/// <para>It always answers with a <see cref="RemediationOutcome"/> — including for bad input and failed AWS calls
/// (<c>Status: Failed</c>, with the error) — so the document can notify before it fails the automation. Nothing to
/// revoke, a rule already gone, a deleted group or an exempt group are successes with a status that says which:
/// a failure there would only create Config remediation exceptions.</para>
/// </summary>
public sealed class RevokeFunction
{
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
        RevokeRequest request;
        try
        {
            using var document = JsonDocument.Parse(inputJson);
            request = RevokeRequest.Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or RevokeInputException)
        {
            var groupId = TryGroupId(inputJson) ?? "(unknown group)";
            var failed = Failure(groupId, "Unknown", null, null, null, now, $"invalid input: {e.Message}");
            Log(failed, watch.Elapsed);
            return NotificationWriter.Complete(failed, SgConfigRule.Policy.Parameters.PolicyParameters.Default);
        }

        RemediationOutcome outcome;
        var policy = request.Parameters;
        try
        {
            (outcome, policy) = await RunAsync(request, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRunFailure(e, cancellationToken))
        {
            outcome = Failure(request.SecurityGroupId, request.Mode.ToString(), request.AccountId, Region(request), request.AutomationExecutionId, now,
                Describe(e));
        }
        var completed = NotificationWriter.Complete(outcome, policy);
        Log(completed, watch.Elapsed);
        return completed;
    }

    /// <summary>
    /// What ends a run as <c>Failed</c> (the document notifies, then fails so AWS Config retries): AWS calls that kept
    /// failing — the EC2 SDK reports its timeouts as <see cref="TimeoutException"/> or a cancellation nobody asked for
    /// — refusals, and input that could not be read.
    /// </summary>
    private static bool IsRunFailure(Exception e, CancellationToken cancellationToken) =>
        e is AwsRequestException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException
            or InvalidOperationException or TimeoutException or SgConfigRule.Policy.Parsing.InputException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private async Task<(RemediationOutcome, PolicyParameters)> RunAsync(RevokeRequest request, DateTime now, CancellationToken cancellationToken)
    {
        var region = Region(request);
        var aws = await AccountOptionsAsync(request, region, cancellationToken).ConfigureAwait(false);
        var cloudTrailUrl = CloudTrailUrl(region, request.SecurityGroupId);
        var policy = request.Parameters;
        if (runtime.RequireAutomationExecution)
        {
            using var ssm = AwsClients.Ssm(aws);
            await AutomationExecutionCheck.VerifyAsync(ssm, request, runtime.RemediationDocumentName, cancellationToken).ConfigureAwait(false);
        }

        if (request.Mode == RemediationMode.Attribute)
        {
            var (attributed, status, lookupProblem) = await CloudTrailAttribution.AttributeAsync(AwsClients.CloudTrail(aws), request.SecurityGroupId,
                request.RevokedRules, now, runtime.AttributionBudget, cancellationToken).ConfigureAwait(false);
            return (Outcome(request, region, now, cloudTrailUrl) with
            {
                Status = RemediationStatus.Attributed,
                Revoked = attributed,
                Attribution = status,
                Note = lookupProblem,
                RestoreCommand = RestoreCommand.For(request.SecurityGroupId, region, attributed),
                RevokedRules = JsonSerializer.Serialize(attributed.ToList(), RemediationJsonContext.Default.ListRevokedRule),
            }, policy);
        }

        if (runtime.ConfigRuleName is { } pinned && request.ConfigRuleName != pinned)
        {
            throw new InvalidOperationException(
                $"refused: this deployment takes the policy only from the AWS Config rule {pinned}, and the input names {(request.ConfigRuleName is null ? "no rule" : $"the rule {request.ConfigRuleName}")}");
        }
        if (request.ConfigRuleName is { } ruleName)
        {
            policy = await RulePolicySource.ReadAsync(AwsClients.ConfigService(aws), ruleName, runtime.RequireConformancePackRule, request.Parameters.ExecutionRoleName, cancellationToken).ConfigureAwait(false);
        }

        using var ec2 = AwsClients.Ec2(aws);
        using var prefixLists = new PrefixListCache(() => ec2);
        var result = await new Revocation(ec2, policy, prefixLists, runtime.Time, runtime.ExemptionTagProtectedByIam, request.LoopGuard)
            .RunAsync(request.SecurityGroupId, region, request.Mode == RemediationMode.DryRun, cancellationToken).ConfigureAwait(false);

        // Who added them: for the rules removed (or that would be), and for those the loop guard spared - whoever keeps
        // re-adding a rule is what people need to know.
        List<RevokedRule> concerned = [.. result.Revoked, .. result.WouldRevoke, .. result.Guarded];
        var attribution = ((IReadOnlyList<RevokedRule>)concerned, AttributionStatus.NotNeeded, (string?)null);
        if (concerned.Count > 0)
        {
            attribution = await CloudTrailAttribution.AttributeAsync(AwsClients.CloudTrail(aws), request.SecurityGroupId, concerned, now,
                runtime.AttributionBudget, cancellationToken).ConfigureAwait(false);
        }
        var (rules, attributionStatus, problem) = attribution;
        IReadOnlyList<RevokedRule> Attributed(IReadOnlyList<RevokedRule> subset) =>
            [.. subset.Select(r => rules.FirstOrDefault(a => a.RuleId == r.RuleId) ?? r)];
        var revoked = Attributed(result.Revoked);
        var wouldRevoke = Attributed(result.WouldRevoke);
        var guarded = Attributed(result.Guarded);
        return (Outcome(request, region, now, cloudTrailUrl) with
        {
            Status = result.Status,
            AccountId = request.AccountId ?? result.Group?.OwnerId,
            GroupName = result.Group?.GroupName,
            VpcId = result.Group?.VpcId,
            Revoked = revoked,
            WouldRevoke = wouldRevoke,
            Skipped = result.Skipped,
            Remaining = [.. result.Remaining.Where(r => !result.Guarded.Any(g => g.RuleId == r.RuleId))],
            Guarded = guarded,
            Note = Join(result.Note, problem),
            Attribution = attributionStatus,
            // The follow-up looks up the removed rules only.
            AttributionPending = revoked.Count > 0 && attributionStatus is AttributionStatus.NotYetAvailable or AttributionStatus.Partial,
            RestoreCommand = RestoreCommand.For(request.SecurityGroupId, region, revoked),
            RevokedRules = JsonSerializer.Serialize(revoked.ToList(), RemediationJsonContext.Default.ListRevokedRule),
        }, policy);
    }

    private async Task<AwsClientOptions> AccountOptionsAsync(RevokeRequest request, string region, CancellationToken cancellationToken)
    {
        var options = runtime.Aws with { Region = region };
        if (request.Parameters.ExecutionRoleName is not { } roleName) return options;
        if (request.AccountId is null) throw new InvalidOperationException("executionRoleName is set but the input has no AccountId");
        var partition = RegionEndpoint.GetBySystemName(region).PartitionName ?? "aws";
        return await AwsClients.AssumeRoleAsync(options, $"arn:{partition}:iam::{request.AccountId}:role/{roleName}",
            $"sg-config-rule-remediation-{request.AccountId}", cancellationToken).ConfigureAwait(false);
    }

    private string Region(RevokeRequest request) => request.Region ?? runtime.Aws.ResolveRegion();

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

    private static string Describe(Exception e) => e switch
    {
        Amazon.Runtime.AmazonServiceException aws => $"{aws.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)} error {aws.ErrorCode} (HTTP {(int)aws.StatusCode}): {aws.Message}",
        _ => e.Message,
    };

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a} {b}";

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
            json.WriteString("level", outcome.Status == RemediationStatus.Failed ? "error" : "info");
            json.WriteString("event", "remediation");
            json.WriteString("securityGroupId", outcome.SecurityGroupId);
            json.WriteString("mode", outcome.Mode);
            json.WriteString("status", outcome.Status);
            json.WriteNumber("revoked", outcome.Revoked.Count);
            json.WriteNumber("wouldRevoke", outcome.WouldRevoke.Count);
            json.WriteNumber("remaining", outcome.Remaining.Count);
            json.WriteNumber("guarded", outcome.Guarded.Count);
            if (outcome.Note is not null) json.WriteString("note", outcome.Note);
            json.WriteString("attribution", outcome.Attribution);
            if (outcome.Error is not null) json.WriteString("error", outcome.Error);
            json.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
            json.WriteEndObject();
        }
        runtime.Log.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}

/// <summary>What the function runs with: AWS client options, the clock, where logs go, and how long attribution may take.</summary>
public sealed record RemediationRuntime(AwsClientOptions Aws, TimeProvider Time, TextWriter Log)
{
    public TimeSpan AttributionBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The deployment denies revoking groups that carry the exemption tag (set by the template as an environment variable).</summary>
    public bool ExemptionTagProtectedByIam { get; init; }

    public const string ExemptionTagProtectedVariable = "SGCR_EXEMPTION_TAG_PROTECTED_BY_IAM";

    /// <summary>
    /// Organization deployments: act only for a running execution of the remediation document in the target account
    /// (see <see cref="AutomationExecutionCheck"/>), because any account of the organization may invoke the function.
    /// </summary>
    public bool RequireAutomationExecution { get; init; }

    /// <summary>With <see cref="RequireAutomationExecution"/>: the document the execution must run (null: any).</summary>
    public string? RemediationDocumentName { get; init; }

    /// <summary>
    /// Deployments pin the Config rule the policy comes from: a request must name it (Revoke and DryRun), so nobody who
    /// can start the document or invoke the function can hand it a policy of their own. Null: any rule, or RuleParameters.
    /// </summary>
    public string? ConfigRuleName { get; init; }

    /// <summary>Organization deployments: the rule must be one a conformance pack deployed (members cannot create or edit those).</summary>
    public bool RequireConformancePackRule { get; init; }

    public const string ConfigRuleNameVariable = "SGCR_CONFIG_RULE_NAME";
    public const string RequireConformancePackRuleVariable = "SGCR_REQUIRE_CONFORMANCE_PACK_RULE";

    public const string RequireAutomationExecutionVariable = "SGCR_REQUIRE_AUTOMATION_EXECUTION";
    public const string RemediationDocumentVariable = "SGCR_REMEDIATION_DOCUMENT";

    public static RemediationRuntime FromEnvironment() => new(new AwsClientOptions(), TimeProvider.System, Console.Out)
    {
        ExemptionTagProtectedByIam = IsTrue(Environment.GetEnvironmentVariable(ExemptionTagProtectedVariable)),
        RequireAutomationExecution = IsTrue(Environment.GetEnvironmentVariable(RequireAutomationExecutionVariable)),
        RemediationDocumentName = Environment.GetEnvironmentVariable(RemediationDocumentVariable) is { Length: > 0 } name ? name : null,
        ConfigRuleName = Environment.GetEnvironmentVariable(ConfigRuleNameVariable) is { Length: > 0 } rule ? rule : null,
        RequireConformancePackRule = IsTrue(Environment.GetEnvironmentVariable(RequireConformancePackRuleVariable)),
    };

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
