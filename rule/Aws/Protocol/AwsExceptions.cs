using System.Net;

namespace SgConfigRule.Aws.Protocol;

/// <summary>An AWS call that did not succeed. Names the service and operation; <see cref="Attempts"/> says how many were made.</summary>
public abstract class AwsRequestException : Exception
{
    protected AwsRequestException(string service, string operation, string message, Exception? inner, int attempts)
        : base(message, inner)
    {
        Service = service;
        Operation = operation;
        Attempts = attempts;
    }

    public string Service { get; }
    public string Operation { get; }
    public int Attempts { get; }

    /// <summary>Whether trying again may succeed (throttling, server errors, timeouts, dropped connections).</summary>
    public abstract bool IsRetryable { get; }
}

/// <summary>The service answered with an error: its code (the text after '#' in <c>__type</c>, or EC2's <c>Code</c>), message and status.</summary>
public sealed class AwsServiceException : AwsRequestException
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    public AwsServiceException(string service, string operation, string errorCode, string? errorMessage,
                               HttpStatusCode statusCode, string? requestId, int attempts)
        : base(service, operation,
            $"{service} {operation} failed with {errorCode} (HTTP {(int)statusCode}){(string.IsNullOrEmpty(errorMessage) ? "" : ": " + errorMessage)}" +
            (attempts > 1 ? $" after {attempts} attempts" : ""), null, attempts)
    {
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    public string ErrorCode { get; }
    public string? ErrorMessage { get; }
    public HttpStatusCode StatusCode { get; }
    public string? RequestId { get; }

    public bool IsThrottling => ThrottlingCodes.Contains(ErrorCode) || StatusCode == HttpStatusCode.TooManyRequests;

    public override bool IsRetryable => IsThrottling || (int)StatusCode >= 500;
}

/// <summary>No usable answer: the connection failed or dropped, or one attempt took longer than its timeout.</summary>
public sealed class AwsTransportException : AwsRequestException
{
    public AwsTransportException(string service, string operation, string problem, Exception? inner, int attempts)
        : base(service, operation, $"{service} {operation}: {problem}" + (attempts > 1 ? $" (after {attempts} attempts)" : ""), inner, attempts)
    {
    }

    public override bool IsRetryable => true;
}

/// <summary>The call's total time budget ran out before it succeeded.</summary>
public sealed class AwsTimeBudgetExceededException : AwsRequestException
{
    public AwsTimeBudgetExceededException(string service, string operation, TimeSpan budget, Exception? lastError, int attempts)
        : base(service, operation,
            $"{service} {operation} did not succeed within its {budget.TotalSeconds:0.#} s budget ({attempts} attempts)" +
            (lastError is null ? "" : $"; last error: {lastError.Message}"), lastError, attempts)
    {
        Budget = budget;
    }

    public TimeSpan Budget { get; }

    public override bool IsRetryable => false;
}
