namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// The ways an official SDK client's call ends without a result, after the SDK's own retries: an error answer
/// (<see cref="Amazon.Runtime.AmazonServiceException"/>), no answer or no credentials
/// (<see cref="Amazon.Runtime.AmazonClientException"/>), a failed or dropped connection, or its time running out.
/// Callers add what else counts for them (this library's <see cref="AwsRequestException"/>, cancellation, bad XML).
/// </summary>
public static class AwsCallFailure
{
    public static bool Is(Exception e) =>
        e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException or TimeoutException;
}
