using SgConfigRule.Rule.Logging;

namespace SgConfigRule.LambdaRuntime;

/// <summary>The runtime's own log lines, in the functions' format (<see cref="RuleLog"/>: one JSON object per line).</summary>
public sealed class RuntimeLog(TextWriter output, TimeProvider time)
{
    private readonly RuleLog lines = new(output, time);

    public void Error(string name, string? requestId, FunctionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lines.Write("error", name, json =>
        {
            if (requestId is not null) json.WriteString("requestId", requestId);
            json.WriteString("errorType", error.ErrorType);
            json.WriteString("errorMessage", error.ErrorMessage);
        });
    }
}
