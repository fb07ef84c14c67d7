using SgConfigRule.Aws.SimpleNotificationService;

namespace SgConfigRule.Remediation.Notification;

/// <summary>
/// Publishes a completed outcome the way the document's <c>Notify</c> step does (same subject, message, structure and
/// <c>status</c> attribute), for deployments where the function is the only publisher (organization mode).
/// </summary>
public static class NoticePublisher
{
    /// <summary>The Region of an SNS topic ARN (<c>arn:partition:sns:region:account:name</c>), or null when it is not one.</summary>
    public static string? TopicRegion(string topicArn)
    {
        ArgumentNullException.ThrowIfNull(topicArn);
        var parts = topicArn.Split(':');
        return parts is ["arn", { Length: > 0 }, "sns", { Length: > 0 } region, { Length: 12 } account, { Length: > 0 }]
               && account.All(char.IsAsciiDigit) && SgConfigRule.Aws.Protocol.RegionName.IsValid(region) ? region : null;
    }

    public static PublishRequest Request(string topicArn, RemediationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new PublishRequest
        {
            TopicArn = topicArn,
            Subject = outcome.Subject,
            Message = outcome.Message,
            MessageStructure = "json",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
            {
                ["status"] = new() { DataType = "String", StringValue = outcome.Status.ToString() },
            },
        };
    }

    /// <summary>Publishes <paramref name="outcome"/>; the client's own retries apply. Returns SNS's message id.</summary>
    public static async Task<string?> PublishAsync(IAmazonSimpleNotificationService sns, string topicArn, RemediationOutcome outcome,
                                                   CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sns);
        var response = await sns.PublishAsync(Request(topicArn, outcome), cancellationToken).ConfigureAwait(false);
        return response.MessageId;
    }
}
