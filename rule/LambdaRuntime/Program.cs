using SgConfigRule.LambdaRuntime;

// The custom runtime's entry point: Lambda starts `bootstrap` with AWS_LAMBDA_RUNTIME_API and _HANDLER set.
var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
if (string.IsNullOrWhiteSpace(runtimeApi))
{
    Console.Error.WriteLine("bootstrap: AWS_LAMBDA_RUNTIME_API is not set; this program runs inside Lambda's provided.al2023 runtime (or a Runtime API emulator)");
    return 2;
}

using var api = new RuntimeApiClient(runtimeApi);
var log = new RuntimeLog(Console.Out, TimeProvider.System);
LambdaHandler handler;
try
{
    handler = LambdaHandlers.Create(Environment.GetEnvironmentVariable("_HANDLER"));
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    // The function cannot start (unknown handler, bad configuration): Lambda records an initialisation error and
    // shows it on the function; any exception here is one.
    var error = FunctionError.From(e);
    log.Error("init_failed", null, error);
    await api.ReportInitErrorAsync(error, CancellationToken.None).ConfigureAwait(false);
    return 1;
}

try
{
    await new RuntimeLoop(api, handler, log).RunAsync(CancellationToken.None).ConfigureAwait(false);
    return 0;
}
catch (Exception e) when (e is RuntimeApiException or HttpRequestException)
{
    // Without the Runtime API there is nothing to serve; exiting lets Lambda replace the environment.
    Console.Error.WriteLine($"bootstrap: the Runtime API failed: {e.Message}");
    return 1;
}
