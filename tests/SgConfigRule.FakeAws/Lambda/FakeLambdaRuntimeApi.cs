using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.FakeAws.Lambda;

/// <summary>How one invocation ended, as the runtime reported it.</summary>
public sealed record InvocationOutcome(string RequestId, bool Succeeded, byte[] Body, string? ErrorTypeHeader)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// The Lambda Runtime API (2018-06-01) on loopback, for a custom runtime under test: queue invocations, then read how
/// each ended. <c>GET invocation/next</c> waits for the next queued invocation, as in Lambda; responses, errors and
/// the initialisation error are recorded. <see cref="Address"/> is what Lambda puts in <c>AWS_LAMBDA_RUNTIME_API</c>.
/// </summary>
public sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    private LoopbackHost host = null!;
    private readonly Channel<(string RequestId, byte[] Payload, string? TraceId)> queued = Channel.CreateUnbounded<(string, byte[], string?)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> outcomes = new();
    private readonly TaskCompletionSource<InvocationOutcome> initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> requests = new();
    private int nextId;

    /// <summary><c>host:port</c>, the form of <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address => host.Url.Authority;

    /// <summary>Responses larger than this are refused with 413, as Lambda refuses responses over 6 MB.</summary>
    public int MaxResponseBytes { get; set; } = 6 * 1024 * 1024;

    /// <summary>Every request, in arrival order ("GET next", "POST response", ...).</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    /// <summary><c>GET invocation/next</c> requests waiting for an invocation now.</summary>
    public int WaitingNextRequests => Volatile.Read(ref waitingNext);

    private int waitingNext;

    /// <summary>
    /// Waits until no <c>GET invocation/next</c> is waiting — after a runtime was stopped, until its request is gone —
    /// so that an invocation queued next goes to the next runtime, not to a connection that has died.
    /// </summary>
    public async Task WaitUntilNoRuntimeWaitsAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (WaitingNextRequests > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"{WaitingNextRequests} GET invocation/next still waiting after {timeout}");
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    public static async Task<FakeLambdaRuntimeApi> StartAsync()
    {
        var api = new FakeLambdaRuntimeApi();
        api.host = await LoopbackHost.StartAsync(api.HandleAsync).ConfigureAwait(false);
        return api;
    }

    /// <summary>Queues an invocation; returns its request id.</summary>
    public string Enqueue(byte[] payload, string? traceId = null)
    {
        var requestId = $"00000000-0000-4000-8000-{Interlocked.Increment(ref nextId):D12}";
        outcomes[requestId] = new TaskCompletionSource<InvocationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        queued.Writer.TryWrite((requestId, payload, traceId));
        return requestId;
    }

    public async Task<InvocationOutcome> WaitForOutcomeAsync(string requestId, TimeSpan timeout) =>
        await outcomes[requestId].Task.WaitAsync(timeout).ConfigureAwait(false);

    public async Task<InvocationOutcome> WaitForInitErrorAsync(TimeSpan timeout) => await initError.Task.WaitAsync(timeout).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        queued.Writer.TryComplete();
        await host.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var resource = path[Prefix.Length..];
        if (method == "GET" && resource == "invocation/next")
        {
            requests.Enqueue("GET next");
            await ServeNextAsync(context).ConfigureAwait(false);
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        var body = buffer.ToArray();
        var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault();
        if (method == "POST" && resource == "init/error")
        {
            requests.Enqueue("POST init/error");
            initError.TrySetResult(new InvocationOutcome("", false, body, errorType));
            context.Response.StatusCode = 202;
            return;
        }
        var parts = resource.Split('/');
        if (method == "POST" && parts is ["invocation", var requestId, "response" or "error"] && outcomes.TryGetValue(requestId, out var outcome))
        {
            requests.Enqueue($"POST {parts[2]}");
            // A second report for the same invocation is refused, as Lambda refuses it.
            if (outcome.Task.IsCompleted)
            {
                context.Response.StatusCode = 403;
                return;
            }
            if (parts[2] == "response" && body.Length > MaxResponseBytes)
            {
                // Lambda fails the invocation itself when it refuses a response as too large.
                var refusal = """{"errorMessage":"Exceeded maximum allowed payload size","errorType":"RequestEntityTooLarge"}""";
                outcome.TrySetResult(new InvocationOutcome(requestId, false, System.Text.Encoding.UTF8.GetBytes(refusal), "Function.ResponseSizeTooLarge"));
                context.Response.StatusCode = 413;
                await context.Response.WriteAsync(refusal).ConfigureAwait(false);
                return;
            }
            outcome.TrySetResult(new InvocationOutcome(requestId, parts[2] == "response", body, errorType));
            context.Response.StatusCode = 202;
            return;
        }
        requests.Enqueue($"{method} {resource} (unknown)");
        context.Response.StatusCode = 400;
    }

    private async Task ServeNextAsync(HttpContext context)
    {
        (string RequestId, byte[] Payload, string? TraceId) invocation;
        Interlocked.Increment(ref waitingNext);
        try
        {
            invocation = await queued.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            context.Abort();
            return;
        }
        finally
        {
            Interlocked.Decrement(ref waitingNext);
        }
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:111122223333:function:sg-config-rule";
        if (invocation.TraceId is not null) headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(invocation.Payload).ConfigureAwait(false);
    }
}
