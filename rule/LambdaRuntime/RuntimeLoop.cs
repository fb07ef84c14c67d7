namespace SgConfigRule.LambdaRuntime;

/// <summary>
/// The custom runtime's event loop: take the next invocation, run the function on its payload, post the response —
/// or the error, so the invocation fails and its caller (AWS Config, SSM Automation) retries or reports it, exactly as
/// when the managed runtime sees the handler throw. One invocation at a time, as a Lambda execution environment runs.
/// </summary>
public sealed class RuntimeLoop(RuntimeApiClient api, LambdaHandler handler, RuntimeLog log)
{
    /// <summary>Set for each invocation from its <c>Lambda-Runtime-Trace-Id</c>, as the Runtime API asks of a runtime.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Runs invocations until <paramref name="cancellationToken"/> is cancelled or the Runtime API fails (which ends the environment).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var invocation = await api.NextAsync(cancellationToken).ConfigureAwait(false);
            await InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (Environment.GetEnvironmentVariable(TraceIdVariable) != invocation.TraceId)
            Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
        Stream output;
        try
        {
            output = await handler(new MemoryStream(invocation.Payload, writable: false)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the function throws fails this invocation, not the environment: logged, then reported to Lambda.
            await FailAsync(invocation, FunctionError.From(e), cancellationToken).ConfigureAwait(false);
            return;
        }
        await using (output.ConfigureAwait(false))
        {
            if (await api.RespondAsync(invocation.RequestId, output, cancellationToken).ConfigureAwait(false)) return;
        }
        // Lambda has already failed the invocation with its 413 and refuses a second report (403): log it only.
        log.Error("invocation_failed", invocation.RequestId, new FunctionError("Function.ResponseSizeTooLarge",
            "the function's response is larger than Lambda accepts (413 from the Runtime API)", []));
    }

    private async Task FailAsync(Invocation invocation, FunctionError error, CancellationToken cancellationToken)
    {
        log.Error("invocation_failed", invocation.RequestId, error);
        await api.ReportInvocationErrorAsync(invocation.RequestId, error, cancellationToken).ConfigureAwait(false);
    }
}
