using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace SgConfigRule.Remediation;

/// <summary>
/// In an organization the revoke function runs in a central account and any automation role of the organization may
/// invoke it, so the input alone proves nothing: a principal of account A could ask it to act in account B. Before
/// acting, the function therefore looks the automation execution up in the target account (with the member role it
/// assumed there): it must exist, be running the remediation document, and have been started for this group, mode and
/// rule. Only someone who can run the document in account B can produce that.
/// </summary>
internal static class AutomationExecutionCheck
{
    private static readonly HashSet<string> Running = new(StringComparer.Ordinal) { "Pending", "InProgress", "Waiting", "Scheduled", "RunbookInProgress" };

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
        Expect(execution, where, "SecurityGroupId", request.SecurityGroupId, null);
        Expect(execution, where, nameof(RevokeRequest.ConfigRuleName), request.ConfigRuleName ?? "", "");
        Expect(execution, where, "RuleParameters", request.RuleParametersText.Trim(), "{}");
        // The Attribute and KeepNotice steps run with a fixed mode; the execution's Mode is the one it started with.
        if (request.Mode is RemediationMode.Revoke or RemediationMode.DryRun) Expect(execution, where, "Mode", request.Mode.ToString(), "DryRun");
    }

    /// <summary>A document shared from another account runs under its ARN; compare the name part.</summary>
    private static bool DocumentMatches(string? actual, string expected) =>
        actual == expected || (actual?.EndsWith("/" + expected, StringComparison.Ordinal) ?? false);

    private static void Expect(AutomationExecution execution, string where, string parameter, string value, string? documentDefault)
    {
        var given = execution.Parameters is not null && execution.Parameters.TryGetValue(parameter, out var values) && values is { Count: > 0 }
            ? string.Join(",", values)
            : documentDefault;
        if (!string.Equals(given?.Trim(), value, StringComparison.Ordinal))
        {
            throw new RequestRefusedException($"{where} was started with {parameter} '{given}', not '{value}'");
        }
    }
}
