using Amazon.Runtime;

namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// What every client of this library needs: region, credentials, an optional endpoint override and the retry
/// settings. Unset values come from the environment the way the AWS SDKs find them (region and credential chains,
/// <c>AWS_ENDPOINT_URL*</c>).
/// </summary>
public sealed record AwsClientOptions
{
    /// <summary>The region; default from <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c> or the profile.</summary>
    public string? Region { get; init; }

    /// <summary>The credentials; default from the SDK's chain (environment, profile, container/SnapStart, IMDS).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>An endpoint that overrides every other choice.</summary>
    public Uri? ServiceUrl { get; init; }

    public RetrySettings Retry { get; init; } = RetrySettings.Default;

    /// <summary>How environment variables are read (tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The source of randomness for retry jitter.</summary>
    public Func<double> JitterSample { get; init; } = Random.Shared.NextDouble;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called before each retry with the failed attempt's exception and the wait, for logging.</summary>
    public Action<AwsRequestException, TimeSpan>? OnRetry { get; init; }

    public string ResolveRegion()
    {
        if (!string.IsNullOrWhiteSpace(Region)) return Region;
        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (Environment(variable) is { Length: > 0 } value) return value;
        }
        return FallbackRegionFactory.GetRegionEndpoint()?.SystemName
               ?? throw new InvalidOperationException("no AWS region: set AWS_REGION or pass a region");
    }

    public AWSCredentials ResolveCredentials() =>
        Credentials ?? Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
}
