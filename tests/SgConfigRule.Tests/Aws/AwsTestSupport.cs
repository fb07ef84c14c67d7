using Amazon.Runtime;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;

namespace SgConfigRule.Tests.Aws;

/// <summary>Clients pointed at a loopback server, with short retry waits so fault tests run fast.</summary>
internal static class AwsTestSupport
{
    public static readonly RetrySettings FastRetry = new()
    {
        MaxAttempts = 8,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalBudget = TimeSpan.FromSeconds(30),
    };

    public static BasicAWSCredentials Credentials => new(FakeAwsServer.AccessKey, FakeAwsServer.SecretKey);

    public static AwsClientOptions Options(FakeAwsServer server, RetrySettings? retry = null) => new()
    {
        Region = "us-east-1",
        Credentials = Credentials,
        ServiceUrl = server.Url,
        Retry = retry ?? FastRetry,
    };

    /// <summary>Options that find the endpoint only through the given environment variables.</summary>
    public static AwsClientOptions FromEnvironment(IReadOnlyDictionary<string, string> environment) => new()
    {
        Region = "eu-west-1",
        Credentials = Credentials,
        Retry = FastRetry,
        Environment = name => environment.GetValueOrDefault(name),
    };
}
