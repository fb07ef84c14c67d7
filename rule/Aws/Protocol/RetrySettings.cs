namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// How a call is retried: up to <see cref="MaxAttempts"/> attempts, waiting a random time between zero and
/// min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> × 2^retry) before each retry ("full jitter", as AWS's
/// architecture blog recommends), each attempt limited to <see cref="AttemptTimeout"/>, the whole call to
/// <see cref="TotalBudget"/>.
/// </summary>
public sealed record RetrySettings
{
    public int MaxAttempts { get; init; } = 8;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(60);

    public static RetrySettings Default { get; } = new();

    /// <summary>The wait before retry number <paramref name="retry"/> (0-based), given a uniform sample in [0, 1).</summary>
    public TimeSpan FullJitterDelay(int retry, double sample)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds(ceiling * sample);
    }
}
