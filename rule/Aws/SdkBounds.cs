using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws;

/// <summary>
/// Makes the official SDK clients keep to <see cref="RetrySettings"/> as our JSON client does, so that one time budget
/// holds over every call. Left to itself, AWSSDK.Core's Standard mode waits up to 2^(n-1) s (capped at 20 s) before
/// retry n of a throttling error, has no limit on a whole call, and reads a response body synchronously with no timeout
/// (a body that stalls after the headers hangs the call). Three pieces, all public extension points of AWSSDK.Core:
/// <list type="number">
/// <item>the retry policy keeps the Standard mode's decisions (what to retry, the retry quota) but waits
/// <see cref="RetrySettings.FullJitterDelay"/>, cancellable;</item>
/// <item>a handler outside the retry handler gives the whole call <see cref="RetrySettings.TotalBudget"/> — a token
/// linked into the request's, which the retry wait and the HTTP send observe — and reports its expiry as
/// <see cref="TimeoutException"/>;</item>
/// <item>HTTP clients that read the whole body inside <c>SendAsync</c>, under the attempt timeout, so the SDK's own
/// reading only reads memory.</item>
/// </list>
/// </summary>
internal static class SdkBounds
{
    private static readonly ConditionalWeakTable<IClientConfig, Settings> Registered = [];

    private sealed record Settings(RetrySettings Retry, Func<double> Jitter);

    /// <summary>Registers the settings the client built on <paramref name="config"/> must keep to (before the client is built).</summary>
    public static void Register(ClientConfig config, AwsClientOptions options, bool freshConnections)
    {
        Registered.AddOrUpdate(config, new Settings(options.Retry, options.JitterSample));
        config.HttpClientFactory = new BufferingHttpClientFactory(freshConnections);
    }

    /// <summary>Called from each client's <c>CustomizeRuntimePipeline</c> (the pipeline is built in the base constructor).</summary>
    public static void Apply(RuntimePipeline pipeline, IClientConfig config)
    {
        if (!Registered.TryGetValue(config, out var settings)) return;
        pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(new FullJitterRetryPolicy(config, settings)));
        pipeline.AddHandlerBefore<RetryHandler>(new CallBudgetHandler(settings.Retry.TotalBudget));
    }

    /// <summary>The Standard policy's decisions, our waits.</summary>
    private sealed class FullJitterRetryPolicy(IClientConfig config, Settings settings) : StandardRetryPolicy(config)
    {
        public override Task WaitBeforeRetryAsync(IExecutionContext executionContext) =>
            Task.Delay(Delay(executionContext), executionContext.RequestContext.CancellationToken);

        public override void WaitBeforeRetry(IExecutionContext executionContext) => Thread.Sleep(Delay(executionContext));

        private TimeSpan Delay(IExecutionContext executionContext) =>
            settings.Retry.FullJitterDelay(Math.Max(0, executionContext.RequestContext.Retries - 1), settings.Jitter());
    }

    private sealed class CallBudgetHandler(TimeSpan budget) : PipelineHandler
    {
        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            var context = (RequestContext)executionContext.RequestContext;
            var caller = context.CancellationToken;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(caller);
            limit.CancelAfter(budget);
            context.CancellationToken = limit.Token;
            try
            {
                return await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
            {
                throw new TimeoutException($"{context.RequestName} did not succeed within its {budget.TotalSeconds:0.#} s budget ({context.Retries + 1} attempts)", e);
            }
            finally
            {
                context.CancellationToken = caller;
            }
        }
    }

    /// <summary>
    /// HTTP clients whose timeout covers the body too. With <c>freshConnections</c> every request gets a client and a
    /// connection of its own, so .NET never resends it on a reused keep-alive connection that closed.
    /// </summary>
    private sealed class BufferingHttpClientFactory(bool freshConnections) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var timeout = clientConfig?.Timeout ?? TimeSpan.FromSeconds(100);
            return new HttpClient(new BufferBody(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = timeout,
                PooledConnectionLifetime = freshConnections ? TimeSpan.Zero : TimeSpan.FromMinutes(5),
            }))
            {
                Timeout = timeout,
            };
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => !freshConnections;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => freshConnections;

        public override string GetConfigUniqueString(IClientConfig clientConfig) =>
            $"sgcr-{(freshConnections ? "fresh" : "pooled")}-{clientConfig?.Timeout?.TotalMilliseconds}";
    }

    private sealed class BufferBody(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
            return response;
        }
    }
}
