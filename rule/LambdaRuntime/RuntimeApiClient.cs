using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace SgConfigRule.LambdaRuntime;

/// <summary>One invocation as the Runtime API hands it out.</summary>
public sealed record Invocation(string RequestId, byte[] Payload, DateTimeOffset? Deadline, string? FunctionArn, string? TraceId);

/// <summary>
/// The Lambda Runtime API, version 2018-06-01 (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): next
/// invocation, its response or error, and the initialisation error. Plain HTTP to <c>AWS_LAMBDA_RUNTIME_API</c>
/// (host:port, inside the execution environment); no signing.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient http;

    /// <param name="runtimeApi">The value of <c>AWS_LAMBDA_RUNTIME_API</c>: <c>host:port</c>.</param>
    public RuntimeApiClient(string runtimeApi)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        if (!Uri.TryCreate($"http://{runtimeApi.Trim()}/2018-06-01/runtime/", UriKind.Absolute, out var baseAddress))
            throw new ArgumentException($"AWS_LAMBDA_RUNTIME_API '{runtimeApi}' is not host:port", nameof(runtimeApi));
        // /next blocks until Lambda has an invocation (the environment is frozen meanwhile): no client timeout.
        http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("invocation/next", cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, "GET invocation/next", cancellationToken).ConfigureAwait(false);
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
                        ?? throw new RuntimeApiException("GET invocation/next answered without Lambda-Runtime-Aws-Request-Id");
        DateTimeOffset? deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(requestId, payload, deadline, Header(response, "Lambda-Runtime-Invoked-Function-Arn"), Header(response, "Lambda-Runtime-Trace-Id"));
    }

    /// <summary>Posts the function's response. False when Lambda refused it as too large (413), which fails the invocation.</summary>
    public async Task<bool> RespondAsync(string requestId, Stream body, CancellationToken cancellationToken)
    {
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge) return false;
        await EnsureAcceptedAsync(response, "POST invocation/response", cancellationToken).ConfigureAwait(false);
        return true;
    }

    public Task ReportInvocationErrorAsync(string requestId, FunctionError error, CancellationToken cancellationToken) =>
        PostErrorAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    public Task ReportInitErrorAsync(FunctionError error, CancellationToken cancellationToken) =>
        PostErrorAsync("init/error", error, cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task PostErrorAsync(string path, FunctionError error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(error.ToJson());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, $"POST {path}", cancellationToken).ConfigureAwait(false);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new RuntimeApiException($"{call} answered {(int)response.StatusCode} {response.ReasonPhrase}: {(body.Length > 500 ? body[..500] : body)}");
    }
}

/// <summary>The Runtime API refused a call or answered something unusable: the environment cannot go on.</summary>
public sealed class RuntimeApiException(string message) : Exception(message);
