using System.Text.Json.Serialization;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Aws.SimpleNotificationService;

/// <summary>
/// The SNS operation SgConfigRule uses, with the names and shapes of <c>Amazon.SimpleNotificationService.IAmazonSimpleNotificationService</c>
/// (the package is not served here). Implemented by <see cref="AmazonSimpleNotificationServiceClient"/> on AWSSDK.Core.
/// </summary>
public interface IAmazonSimpleNotificationService
{
    Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default);
}

public sealed record MessageAttributeValue
{
    public required string DataType { get; init; }
    public string? StringValue { get; init; }
}

public sealed record PublishRequest
{
    public required string TopicArn { get; init; }
    public required string Message { get; init; }
    public string? Subject { get; init; }

    /// <summary><c>json</c>: <see cref="Message"/> holds one text per protocol (<c>default</c>, <c>email</c>, …).</summary>
    public string? MessageStructure { get; init; }

    public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; init; }
}

public sealed record PublishResponse
{
    public string? MessageId { get; init; }
}

/// <summary>SNS over AWS JSON 1.0 (target prefix <c>SNS_20100331</c>, signing name <c>sns</c>).</summary>
public sealed class AmazonSimpleNotificationServiceClient(AwsClientOptions options) : IAmazonSimpleNotificationService
{
    /// <summary>SNS refuses a subject longer than this, or one with a line break.</summary>
    public const int MaxSubjectLength = 100;

    private readonly AwsJsonProtocolClient protocol = new(ServiceDescription.Sns, options);

    public ServiceEndpoint Endpoint => protocol.Endpoint;

    public Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Subject is { } subject && (subject.Length > MaxSubjectLength || subject.Any(char.IsControl)))
        {
            throw new ArgumentException($"an SNS subject is at most {MaxSubjectLength} characters without control characters", nameof(request));
        }
        return protocol.InvokeAsync("Publish", request, SnsJsonContext.Default.PublishRequest, SnsJsonContext.Default.PublishResponse, cancellationToken);
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PublishRequest))]
[JsonSerializable(typeof(PublishResponse))]
internal sealed partial class SnsJsonContext : JsonSerializerContext;
