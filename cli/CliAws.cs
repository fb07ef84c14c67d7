using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Cli;

/// <summary>
/// AWS settings for the commands that talk to AWS: <c>--region</c> and <c>--profile</c> when given, otherwise the
/// SDKs' own chains (environment, shared config files, container or instance credentials). Endpoints follow
/// <c>AWS_ENDPOINT_URL*</c>, so the same commands run against any AWS-compatible endpoint.
/// </summary>
public static class CliAws
{
    /// <summary>What is said when no Region is found.</summary>
    public const string NoRegion = "no AWS region: pass --region or set AWS_REGION";

    /// <param name="noRegion">What to say when no Region is found (a command that asks for one another way says so).</param>
    public static AwsClientOptions Options(string? region, string? profile, string noRegion = NoRegion)
    {
        ProfileSignIn.RegisterSdkClients();
        AWSCredentials? credentials = null;
        if (profile is not null)
        {
            var chain = new CredentialProfileStoreChain();
            bool known;
            try
            {
                known = chain.TryGetAWSCredentials(profile, out credentials);
            }
            catch (Exception e) when (e is not (CliUsageException or OperationCanceledException or OutOfMemoryException))
            {
                // Some profiles obtain credentials as they are read (a credential_process runs here).
                throw CannotObtain(profile, e);
            }
            if (!known) throw new CliUsageException($"--profile: no profile '{profile}' with credentials in the shared AWS config files");
            if (region is null && chain.TryGetProfile(profile, out var found) && found.Region is { } profileRegion) region = profileRegion.SystemName;
        }
        var options = new AwsClientOptions { Region = region, Credentials = credentials };
        string resolved;
        try
        {
            resolved = options.ResolveRegion();
        }
        catch (InvalidOperationException)
        {
            throw new CliUsageException(noRegion);
        }
        CheckRegionName(resolved);
        // Found now, once: without credentials the first AWS call would fail deep inside the SDK.
        AWSCredentials resolvedCredentials;
        try
        {
            resolvedCredentials = options.ResolveCredentials();
        }
        catch (AmazonClientException)
        {
            throw new CliUsageException("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile");
        }
        resolvedCredentials = ProfileSignIn.Credentials(resolvedCredentials, resolved);
        // And obtained now: an IAM Identity Center session that expired, a role that cannot be assumed or a
        // credential_process that fails is said in one line here, not as the first call's failure.
        try
        {
            resolvedCredentials.GetCredentials();
        }
        catch (Exception e) when (e is not (CliUsageException or OperationCanceledException or OutOfMemoryException))
        {
            throw CannotObtain(profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default", e);
        }
        return options with { Region = resolved, Credentials = resolvedCredentials };
    }

    /// <summary>A Region name as AWS writes them (<c>us-east-1</c>), or a usage error quoting what was given.</summary>
    public static string CheckRegionName(string name) =>
        RegionName.IsValid(name) ? name : throw new CliUsageException($"'{(name.Length > 40 ? name[..40] + "…" : name)}' is not an AWS Region name (like us-east-1)");

    private static CliUsageException CannotObtain(string profile, Exception e) =>
        new($"the AWS credentials of profile '{profile}' could not be obtained: {e.Message.ReplaceLineEndings(" ").Trim()} " +
            $"(an IAM Identity Center profile: run 'aws sso login --profile {profile}'; a role: check that it may be assumed; " +
            "a credential_process: run it yourself)");
}

/// <summary>A usage problem the command reports and exits 2 for.</summary>
public sealed class CliUsageException : Exception
{
    public CliUsageException(string message) : base(message) { }

    public CliUsageException() { }

    public CliUsageException(string message, Exception innerException) : base(message, innerException) { }
}
