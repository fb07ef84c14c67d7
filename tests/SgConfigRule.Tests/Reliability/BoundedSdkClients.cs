using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Tests.Reliability;

/// <summary>
/// A PROTOTYPE, in the tests only, of the fix proposed for <c>rule/Aws/AwsClients.cs</c> (<c>Configure</c>): SDK
/// clients that keep to <see cref="RetrySettings"/> as our JSON client does. Three pieces, all public extension
/// points of AWSSDK.Core 4.1:
/// <list type="number">
/// <item>the retry handler's policy waits <see cref="RetrySettings.FullJitterDelay"/> (BaseDelay, MaxDelay) instead of
/// the Standard mode's 2^(n-1) s for throttling;</item>
/// <item>a handler outside the retry handler gives the whole call <see cref="RetrySettings.TotalBudget"/>: it links a
/// token that expires with the budget into <c>RequestContext.CancellationToken</c>, which the retry wait and the HTTP
/// send observe, and reports an expiry as <see cref="TimeoutException"/>;</item>
/// <item>an <see cref="HttpClientFactory"/> whose HttpClient reads the whole body before the SDK sees the response, under
/// the HttpClient's timeout (= <see cref="RetrySettings.AttemptTimeout"/>): the SDK's own reading, synchronous and
/// without a timeout, then reads memory.</item>
/// </list>
/// <see cref="TimeBudgetTests"/> runs the defects' scenarios against it.
/// </summary>
internal static class BoundedSdkClients
{
    public static IAmazonEC2 Ec2(AwsClientOptions options)
    {
        var config = new BoundedEc2Config(options.Retry, options.JitterSample)
        {
            ServiceURL = options.ServiceUrl!.ToString(),
            AuthenticationRegion = options.ResolveRegion(),
            IgnoreConfiguredEndpointUrls = true,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = Math.Max(0, options.Retry.MaxAttempts - 1),
            Timeout = options.Retry.AttemptTimeout,
            HttpClientFactory = new BufferingHttpClientFactory(),
        };
        return new BoundedEc2Client(options.ResolveCredentials(), config);
    }

    internal sealed class BoundedEc2Config(RetrySettings retry, Func<double> jitter) : AmazonEC2Config
    {
        public RetrySettings Retry { get; } = retry;
        public Func<double> Jitter { get; } = jitter;
    }

    /// <summary>The pipeline is built in the base constructor: the settings come from the config, not from fields.</summary>
    private sealed class BoundedEc2Client(AWSCredentials credentials, BoundedEc2Config config) : AmazonEC2Client(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            var bounded = (BoundedEc2Config)Config;
            pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(new FullJitterRetryPolicy(bounded, bounded.Retry, bounded.Jitter)));
            pipeline.AddHandlerBefore<RetryHandler>(new CallBudgetHandler(bounded.Retry.TotalBudget));
        }
    }

    /// <summary>The Standard policy's decisions (what to retry, the retry quota), our waits.</summary>
    private sealed class FullJitterRetryPolicy(IClientConfig config, RetrySettings retry, Func<double> jitter) : StandardRetryPolicy(config)
    {
        public override Task WaitBeforeRetryAsync(IExecutionContext executionContext) =>
            Task.Delay(retry.FullJitterDelay(executionContext.RequestContext.Retries - 1, jitter()), executionContext.RequestContext.CancellationToken);

        public override void WaitBeforeRetry(IExecutionContext executionContext) =>
            Thread.Sleep(retry.FullJitterDelay(executionContext.RequestContext.Retries - 1, jitter()));
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

    /// <summary>HttpClients that read the body inside SendAsync, so the HttpClient's timeout covers it.</summary>
    private sealed class BufferingHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new BufferBody(new SocketsHttpHandler
            {
                AllowAutoRedirect = clientConfig.AllowAutoRedirect,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                ConnectTimeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            }))
            {
                Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100),
            };

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override string GetConfigUniqueString(IClientConfig clientConfig) =>
            $"sgcr-buffered-{clientConfig.Timeout?.TotalMilliseconds}";
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
