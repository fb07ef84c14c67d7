namespace SgConfigRule.Aws.CloudTrail;

/// <summary>Values of <c>AttributeKey</c>, named as in the AWS SDK for .NET.</summary>
public static class LookupAttributeKey
{
    public const string AccessKeyId = "AccessKeyId";
    public const string EventId = "EventId";
    public const string EventName = "EventName";
    public const string EventSource = "EventSource";
    public const string ReadOnly = "ReadOnly";
    public const string ResourceName = "ResourceName";
    public const string ResourceType = "ResourceType";
    public const string Username = "Username";
}
