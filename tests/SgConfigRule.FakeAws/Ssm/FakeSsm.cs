using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.FakeAws.Infrastructure.Reply;

namespace SgConfigRule.FakeAws.Ssm;

/// <summary>
/// An Automation execution as GetAutomationExecution describes it (parameters as lists of strings, as SSM keeps them):
/// the step in progress (<c>CurrentStepName</c>, and the last entry of <c>StepExecutions</c>, in <see cref="CurrentStepStatus"/>),
/// after the steps of <see cref="FinishedSteps"/> with their outputs.
/// </summary>
public sealed record FakeAutomationExecution(string ExecutionId, string AccountId, string DocumentName, string Status,
                                             IReadOnlyDictionary<string, string> Parameters)
{
    public string? CurrentStep { get; init; } = "Remediate";

    public string CurrentStepStatus { get; init; } = "InProgress";

    /// <summary>Steps that ran before the current one: name and outputs (each output one string, as SSM lists it).</summary>
    public IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Outputs)> FinishedSteps { get; init; } = [];
}

/// <summary>
/// Systems Manager over JSON 1.1 (target prefix AmazonSSM): GetAutomationExecution, answered per account — a caller
/// sees only the executions of the account its credentials belong to, as in AWS.
/// </summary>
public sealed class FakeSsm
{
    private const string Ns = "com.amazonaws.ssm";
    private readonly ConcurrentDictionary<(string Account, string Id), FakeAutomationExecution> executions = new();

    public void AddExecution(FakeAutomationExecution execution) => executions[(execution.AccountId, execution.ExecutionId)] = execution;

    public Reply Handle(string operation, JsonObject body, string callerAccount) => operation switch
    {
        "GetAutomationExecution" => GetAutomationExecution(body, callerAccount),
        _ => JsonError(400, "UnknownOperationException", $"Unknown operation {operation}", Ns),
    };

    private Reply GetAutomationExecution(JsonObject body, string callerAccount)
    {
        var id = body["AutomationExecutionId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(id) || id.Length != 36) return JsonError(400, "ValidationException", "1 validation error detected: Value at 'automationExecutionId' failed to satisfy constraint: Member must have length greater than or equal to 36", Ns);
        if (!executions.TryGetValue((callerAccount, id), out var execution))
        {
            return JsonError(400, "AutomationExecutionNotFoundException", $"Automation Execution ID {id} not found", Ns);
        }
        return Json(new JsonObject
        {
            ["AutomationExecution"] = new JsonObject
            {
                ["AutomationExecutionId"] = execution.ExecutionId,
                ["DocumentName"] = execution.DocumentName,
                ["DocumentVersion"] = "1",
                ["AutomationExecutionStatus"] = execution.Status,
                ["ExecutionStartTime"] = Math.Round((DateTime.UtcNow.AddSeconds(-5) - DateTime.UnixEpoch).TotalSeconds, 3),
                ["Mode"] = "Auto",
                ["Parameters"] = new JsonObject([.. execution.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonArray(p.Value)))]),
                ["CurrentStepName"] = execution.CurrentStep,
                ["CurrentAction"] = execution.CurrentStep is null ? null : "aws:invokeLambdaFunction",
                ["StepExecutions"] = StepExecutions(execution),
                ["StepExecutionsTruncated"] = false,
            },
        });
    }

    private static JsonArray StepExecutions(FakeAutomationExecution execution)
    {
        var steps = new JsonArray();
        foreach (var (name, outputs) in execution.FinishedSteps)
        {
            steps.Add(new JsonObject
            {
                ["StepName"] = name,
                ["StepStatus"] = "Success",
                ["Outputs"] = new JsonObject([.. outputs.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)new JsonArray(o.Value)))]),
            });
        }
        if (execution.CurrentStep is { } current)
        {
            steps.Add(new JsonObject { ["StepName"] = current, ["Action"] = "aws:invokeLambdaFunction", ["StepStatus"] = execution.CurrentStepStatus });
        }
        return steps;
    }
}
