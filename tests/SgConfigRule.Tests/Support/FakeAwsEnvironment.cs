using SgConfigRule.FakeAws;

namespace SgConfigRule.Tests.Support;

/// <summary>The environment of a child process that must reach the loopback endpoints and nothing of this machine's AWS setup.</summary>
internal static class FakeAwsEnvironment
{
    /// <summary>
    /// Drops every <c>AWS_*</c> variable, turns off the instance metadata service and profile files, and — with a
    /// server — points the process at it with its credentials, only through <c>AWS_ENDPOINT_URL</c>.
    /// </summary>
    public static void Apply(IDictionary<string, string?> environment, FakeAwsServer? server)
    {
        foreach (var name in environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) environment.Remove(name);
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
        environment["AWS_CONFIG_FILE"] = "/nonexistent/config";
        if (server is null) return;
        environment["AWS_ENDPOINT_URL"] = server.Url.ToString();
        environment["AWS_REGION"] = "us-east-1";
        environment["AWS_ACCESS_KEY_ID"] = FakeAwsServer.AccessKey;
        environment["AWS_SECRET_ACCESS_KEY"] = FakeAwsServer.SecretKey;
    }
}
