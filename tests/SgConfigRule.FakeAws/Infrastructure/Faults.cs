namespace SgConfigRule.FakeAws.Infrastructure;

public enum FaultKind
{
    /// <summary>The service's throttling error (ThrottlingException, RequestLimitExceeded, Throttling).</summary>
    Throttle,

    /// <summary>HTTP 500 with the service's internal error code.</summary>
    ServerError,

    /// <summary>HTTP 503 ServiceUnavailable.</summary>
    Unavailable,

    /// <summary>Answer normally, but only after <see cref="FaultRule.Delay"/>.</summary>
    Slow,

    /// <summary>Close the connection without answering.</summary>
    Drop,

    /// <summary>Do what was asked, then close the connection without answering: the client cannot know it happened.</summary>
    LostReply,

    /// <summary>
    /// Answer with <see cref="FaultRule.RawReply"/> as it is, without doing what was asked: what a proxy or load balancer
    /// in front of the service sends (an HTML error page, say).
    /// </summary>
    Raw,
}

/// <summary>
/// One fault to inject: on calls to <see cref="Service"/> (signing name: ec2, config, cloudtrail, sts, ssm, dynamodb;
/// null = any) and <see cref="Operation"/> (null = any), with <see cref="Probability"/>, at most <see cref="Times"/> times.
/// </summary>
public sealed record FaultRule(string? Service, string? Operation, FaultKind Kind, double Probability = 1.0, int Times = int.MaxValue)
{
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many matching calls pass untouched before the rule starts to apply.</summary>
    public int Skip { get; init; }

    public static FaultRule Always(string? service, string? operation, FaultKind kind) => new(service, operation, kind);

    public static FaultRule Count(string? service, string? operation, FaultKind kind, int times) => new(service, operation, kind, 1.0, times);

    /// <summary>For <see cref="FaultKind.Raw"/>: the reply to send instead of the service's.</summary>
    public Reply? RawReply { get; init; }

    /// <summary>Answers matching calls (at most <paramref name="times"/>) with <paramref name="reply"/>, as a proxy in front of the service would.</summary>
    public static FaultRule Raw(string? service, string? operation, Reply reply, int times = int.MaxValue) =>
        new(service, operation, FaultKind.Raw, 1.0, times) { RawReply = reply };

    public bool Matches(string service, string operation) =>
        (Service is null || Service == service) && (Operation is null || Operation == operation);
}

/// <summary>The faults to inject, decided with a seeded random so that a run can be repeated.</summary>
public sealed class FaultPlan(int seed)
{
    private readonly Lock gate = new();
    private readonly Random random = new(seed);
    private readonly List<(FaultRule Rule, int Used)> rules = [];
    private readonly Dictionary<FaultRule, int> seen = new(ReferenceEqualityComparer.Instance);

    public void Add(FaultRule rule)
    {
        lock (gate) rules.Add((rule, 0));
    }

    public void Clear()
    {
        lock (gate) rules.Clear();
    }

    /// <summary>The fault to apply to this call, if any; the first matching rule that fires wins.</summary>
    public FaultRule? Decide(string service, string operation)
    {
        lock (gate)
        {
            for (var i = 0; i < rules.Count; i++)
            {
                var (rule, used) = rules[i];
                if (!rule.Matches(service, operation) || used >= rule.Times) continue;
                var count = seen.GetValueOrDefault(rule);
                seen[rule] = count + 1;
                if (count < rule.Skip) continue;
                if (rule.Probability < 1.0 && random.NextDouble() >= rule.Probability) continue;
                rules[i] = (rule, used + 1);
                return rule;
            }
            return null;
        }
    }
}

/// <summary>One request the server saw: what was called, with which key, for which Region it was signed, and how it was answered.</summary>
public sealed record RecordedCall(string Service, string Operation, string? AccessKey, int StatusCode, FaultKind? Fault, string? ErrorCode, string Body,
                                  string? Region = null)
{
    /// <summary>When the request arrived, on the server's clock (<see cref="FakeAwsServer.Uptime"/>).</summary>
    public TimeSpan Arrived { get; init; }

    /// <summary>How long the server took from arrival to its answer (or to dropping the connection).</summary>
    public TimeSpan Elapsed { get; init; }
}
