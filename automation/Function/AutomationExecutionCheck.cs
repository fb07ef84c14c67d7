using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SgConfigRule.Remediation.Ledger;

namespace SgConfigRule.Remediation;

/// <summary>
/// In an organization the revoke function runs in a central account and any automation role of the organization may
/// invoke it, so the input alone proves nothing: a principal of account A could ask it to act in account B, or replay
/// an execution id it learnt. Before acting, the function looks the automation execution up in the target account
/// (with the member role it assumed there) and serves the request only if that execution is, at this moment, in the
/// step that sends exactly this request: the step of the document that invokes the function for this mode is the one
/// in progress, every parameter that changes what the function does is the execution's own, and what the request
/// carries from an earlier step (the rules to attribute, the runs already announced) is that step's output. Each
/// step is then served at most as often as the document tries it (<see cref="ClaimAsync"/>).
/// </summary>
internal static class AutomationExecutionCheck
{
    private static readonly HashSet<string> Running = new(StringComparer.Ordinal) { "Pending", "InProgress", "Waiting", "Scheduled", "RunbookInProgress" };

    /// <summary>The document step that invokes the function for a request, and how many times the document tries it (its <c>maxAttempts</c>).</summary>
    public sealed record CallingStep(string Name, int MaxAttempts);

    /// <summary>The outputs of the document's step that reads the function's answer, which later steps pass back.</summary>
    public const string OutcomeStep = "ReadOutcome";

    public static CallingStep StepFor(RevokeRequest request) => request.Mode switch
    {
        RemediationMode.Revoke or RemediationMode.DryRun => new("Remediate", 2),
        RemediationMode.Attribute => new("Attribute", 1),
        // KeepUnannounced names the runs whose notice went out; KeepNotice, after nothing was published, names none.
        RemediationMode.NoticeUndelivered when request.PublishedRunsGiven => new("KeepUnannounced", 3),
        RemediationMode.NoticeUndelivered => new("KeepNotice", 3),
        _ => throw new RequestRefusedException($"no step of the remediation document sends Mode {request.Mode}"),
    };

    public static async Task VerifyAsync(IAmazonSimpleSystemsManagement ssm, RevokeRequest request, string? expectedDocument, CancellationToken cancellationToken)
    {
        if (request.AutomationExecutionId is not { } id)
        {
            throw new RequestRefusedException("this deployment acts only for a running remediation document, and the input has no AutomationExecutionId");
        }
        AutomationExecution execution;
        try
        {
            execution = (await ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = id }, cancellationToken)
                .ConfigureAwait(false)).AutomationExecution;
        }
        catch (AutomationExecutionNotFoundException)
        {
            throw new RequestRefusedException($"there is no automation execution {id} in account {request.AccountId}");
        }
        var where = $"automation execution {id} in account {request.AccountId}";
        if (!Running.Contains(execution.AutomationExecutionStatus?.Value ?? ""))
        {
            throw new RequestRefusedException($"{where} is {execution.AutomationExecutionStatus?.Value ?? "in no state"}, not running");
        }
        if (expectedDocument is not null && !DocumentMatches(execution.DocumentName, expectedDocument))
        {
            throw new RequestRefusedException($"{where} runs document {execution.DocumentName}, not {expectedDocument}");
        }

        // Bound to the step, not only to the execution: an execution sleeping before its follow-up, or past the step
        // that sends this mode, cannot be borrowed.
        var step = StepFor(request);
        if (execution.CurrentStepName != step.Name)
        {
            throw new RequestRefusedException($"{where} is in step {execution.CurrentStepName ?? "(none)"}; Mode {request.Mode} is served only while its step {step.Name} runs");
        }
        if (LastRun(execution, step.Name) is { } running && running.StepStatus?.Value is { } stepStatus && stepStatus != "InProgress")
        {
            throw new RequestRefusedException($"{where}: its step {step.Name} is {stepStatus}, not in progress");
        }

        Expect(execution, where, "SecurityGroupId", request.SecurityGroupId, null);
        Expect(execution, where, nameof(RevokeRequest.ConfigRuleName), request.ConfigRuleName ?? "", "");
        Expect(execution, where, "RuleParameters", request.RuleParametersText.Trim(), "{}");
        switch (request.Mode)
        {
            case RemediationMode.Revoke or RemediationMode.DryRun:
                Expect(execution, where, "Mode", request.Mode.ToString(), "DryRun");
                ExpectNumber(execution, where, "LoopGuardMaxRevokes", request.LoopGuard.MaxRevokes, "3");
                ExpectNumber(execution, where, "LoopGuardWindowHours", request.LoopGuard.WindowHours, "24");
                break;
            case RemediationMode.Attribute:
                // A follow-up exists only after a revoke, for exactly the rules this execution's revoke reported.
                Expect(execution, where, "Mode", "Revoke", "DryRun");
                var ownRules = ParseOutput(OutcomeOutput(execution, where, "RevokedRules"), RemediationJsonContext.Default.ListRevokedRule, where, "RevokedRules", "rules");
                var foreign = request.RevokedRules.Where(r => !ownRules.Any(o => SameRule(o, r))).Select(r => r.RuleId).ToList();
                if (foreign.Count > 0)
                {
                    throw new RequestRefusedException($"{where} did not revoke {string.Join(", ", foreign)}: the follow-up may name only the rules its own revoke reported");
                }
                break;
            case RemediationMode.NoticeUndelivered when request.PublishedRunsGiven:
                // The runs marked as announced change what the next run announces: they must be the ones this execution published.
                var published = new HashSet<string>(ParseOutput(OutcomeOutput(execution, where, "NoticeRuns"), RemediationJsonContext.Default.ListString, where, "NoticeRuns", "run ids"), StringComparer.Ordinal);
                var unknown = request.PublishedRuns.Where(r => !published.Contains(r)).ToList();
                if (unknown.Count > 0)
                {
                    throw new RequestRefusedException($"{where} did not publish runs {string.Join(", ", unknown)}");
                }
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Serves each step of an execution at most as often as the document tries it: a copy of a request (someone who
    /// learnt the execution id) takes one of the step's tries and is the same request the document sends.
    /// </summary>
    public static async Task ClaimAsync(IRemediationLedger ledger, RevokeRequest request, string region, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var step = StepFor(request);
        for (var attempt = 1; attempt <= step.MaxAttempts; attempt++)
        {
            var claim = $"claim/{request.AccountId ?? "-"}/{region}/{request.AutomationExecutionId}/{step.Name}/{attempt}";
            if (await ledger.TryClaimAsync(claim, now, cancellationToken).ConfigureAwait(false)) return;
        }
        throw new RequestRefusedException(
            $"step {step.Name} of automation execution {request.AutomationExecutionId} was already served {step.MaxAttempts} time(s), as often as the document tries it");
    }

    private static StepExecution? LastRun(AutomationExecution execution, string stepName) =>
        execution.StepExecutions?.LastOrDefault(s => s.StepName == stepName);

    private static string OutcomeOutput(AutomationExecution execution, string where, string output)
    {
        var read = LastRun(execution, OutcomeStep);
        if (read?.Outputs is null || !read.Outputs.TryGetValue(output, out var values) || values is not { Count: > 0 })
        {
            throw new RequestRefusedException($"{where} has no output {OutcomeStep}.{output} to compare the request with");
        }
        return string.Join(",", values);
    }

    /// <summary>An output of <see cref="OutcomeStep"/> read as the JSON list it is; anything else refuses the request.</summary>
    private static List<T> ParseOutput<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type, string where, string output, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? [];
        }
        catch (JsonException)
        {
            throw new RequestRefusedException($"{where}: its output {OutcomeStep}.{output} is not a list of {what}");
        }
    }

    private static bool SameRule(RevokedRule a, RevokedRule b) =>
        a.RuleId == b.RuleId && a.Protocol == b.Protocol && a.FromPort == b.FromPort && a.ToPort == b.ToPort
        && a.Source == b.Source && a.SourceType == b.SourceType;

    /// <summary>A document shared from another account runs under its ARN; compare the name part.</summary>
    private static bool DocumentMatches(string? actual, string expected) =>
        actual == expected || (actual?.EndsWith("/" + expected, StringComparison.Ordinal) ?? false);

    private static string? Given(AutomationExecution execution, string parameter, string? documentDefault) =>
        execution.Parameters is not null && execution.Parameters.TryGetValue(parameter, out var values) && values is { Count: > 0 }
            ? string.Join(",", values)
            : documentDefault;

    /// <summary>The document takes numbers as strings (<c>03</c> is 3, as the function reads it).</summary>
    private static void ExpectNumber(AutomationExecution execution, string where, string parameter, int value, string documentDefault)
    {
        var given = Given(execution, parameter, documentDefault);
        if (!int.TryParse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number != value)
        {
            throw new RequestRefusedException($"{where} was started with {parameter} '{given}', not '{value}'");
        }
    }

    private static void Expect(AutomationExecution execution, string where, string parameter, string value, string? documentDefault)
    {
        var given = Given(execution, parameter, documentDefault);
        if (!string.Equals(given?.Trim(), value, StringComparison.Ordinal))
        {
            throw new RequestRefusedException($"{where} was started with {parameter} '{given}', not '{value}'");
        }
    }
}
