using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// The AWS JSON protocol (1.1, or 1.0 for SNS): <c>POST /</c> with a JSON body, the operation in <c>X-Amz-Target</c>, signed with
/// SigV4; errors as <c>{"__type": "…#Code", "message": "…"}</c>. Every call runs through one resilience pipeline
/// (total budget → retry with full jitter → per-attempt timeout) and ends in a response or a typed exception.
/// </summary>
public sealed class AwsJsonProtocolClient
{
    // One connection pool per process: Lambda reuses it across invocations.
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ServiceDescription service;
    private readonly AwsClientOptions options;
    private readonly AWSCredentials credentials;
    private readonly ResiliencePipeline pipeline;

    public AwsJsonProtocolClient(ServiceDescription service, AwsClientOptions options)
    {
        this.service = service;
        this.options = options;
        Endpoint = ServiceEndpoint.Resolve(service, options.ResolveRegion(), options.ServiceUrl, options.Environment);
        credentials = options.ResolveCredentials();
        pipeline = BuildPipeline(options);
    }

    public ServiceEndpoint Endpoint { get; }

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(string operation, TRequest request,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var attempts = 0;
        AwsRequestException? lastError = null;
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                try
                {
                    return await SendOnceAsync(operation, body, responseType, attempts, token).ConfigureAwait(false);
                }
                catch (AwsRequestException e)
                {
                    lastError = e;
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AwsTimeBudgetExceededException(service.ServiceId, operation, options.Retry.TotalBudget, lastError ?? (Exception)e, attempts);
        }
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(string operation, byte[] body, JsonTypeInfo<TResponse> responseType,
                                                          int attempt, CancellationToken token)
    {
        using var message = await CreateSignedRequestAsync(operation, body, token).ConfigureAwait(false);
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        attemptTimeout.CancelAfter(options.Retry.AttemptTimeout);
        HttpResponseMessage response;
        byte[] content;
        try
        {
            response = await SharedHttp.SendAsync(message, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
            content = await response.Content.ReadAsByteArrayAsync(attemptTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!token.IsCancellationRequested)
        {
            throw new AwsTransportException(service.ServiceId, operation,
                $"no response within {options.Retry.AttemptTimeout.TotalSeconds:0.#} s", e, attempt);
        }
        catch (HttpRequestException e)
        {
            throw new AwsTransportException(service.ServiceId, operation, $"request failed: {e.Message}", e, attempt);
        }
        catch (IOException e)
        {
            throw new AwsTransportException(service.ServiceId, operation, $"connection failed: {e.Message}", e, attempt);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw ParseError(operation, response, content, attempt);
            try
            {
                return JsonSerializer.Deserialize(content, responseType)
                       ?? throw new JsonException("the response body is empty");
            }
            catch (JsonException e)
            {
                throw new AwsServiceException(service.ServiceId, operation, "MalformedResponse", e.Message, response.StatusCode,
                    RequestId(response), attempt);
            }
        }
    }

    private async Task<HttpRequestMessage> CreateSignedRequestAsync(string operation, byte[] body, CancellationToken token)
    {
        var url = Endpoint.Url;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = $"application/x-amz-json-{service.JsonVersion}",
            ["X-Amz-Target"] = $"{service.TargetPrefix}.{operation}",
        };
        var current = await credentials.GetCredentialsAsync().WaitAsync(token).ConfigureAwait(false);
        RequestSigner.Sign(current, Endpoint.SigningRegion, Endpoint.SigningName, url, "POST", headers, body,
            options.Time.GetUtcNow().UtcDateTime);

        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Host = value;
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    private AwsServiceException ParseError(string operation, HttpResponseMessage response, byte[] content, int attempt)
    {
        string? code = null;
        string? text = null;
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("__type", out var type) && type.ValueKind == JsonValueKind.String) code = type.GetString();
                foreach (var key in new[] { "message", "Message", "errorMessage" })
                {
                    if (root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        text = value.GetString();
                        break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            text = content.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 512));
        }
        if (code is null && response.Headers.TryGetValues("x-amzn-ErrorType", out var errorType)) code = errorType.FirstOrDefault();
        // A query-compatible service (SNS) names the query protocol's code in x-amzn-query-error: "Code;Sender".
        if (response.Headers.TryGetValues("x-amzn-query-error", out var queryError) && queryError.FirstOrDefault()?.Split(';')[0] is { Length: > 0 } queryCode) code = queryCode;
        code = NormaliseCode(code) ?? $"Http{(int)response.StatusCode}";
        return new AwsServiceException(service.ServiceId, operation, code, text, response.StatusCode, RequestId(response), attempt);
    }

    /// <summary><c>com.amazonaws.config#ThrottlingException</c> and <c>ThrottlingException:http://…</c> are both <c>ThrottlingException</c>.</summary>
    internal static string? NormaliseCode(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var code = raw;
        var hash = code.LastIndexOf('#');
        if (hash >= 0) code = code[(hash + 1)..];
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) code = code[..colon];
        return code.Trim();
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var values) ? values.FirstOrDefault() : null;

    private static ResiliencePipeline BuildPipeline(AwsClientOptions options)
    {
        var retry = options.Retry;
        return new ResiliencePipelineBuilder()
            .AddTimeout(retry.TotalBudget)
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, retry.MaxAttempts - 1),
                ShouldHandle = new PredicateBuilder().Handle<AwsRequestException>(e => e.IsRetryable),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(retry.FullJitterDelay(args.AttemptNumber, options.JitterSample())),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is AwsRequestException e) options.OnRetry?.Invoke(e, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }
}
