using Amazon;
using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken.Model;
using Amazon.SSO;
using Amazon.SSOOIDC;
using SgConfigRule.Aws;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Cli;

/// <summary>
/// Sign-in through a profile the same way in the dotnet tool and in the native executable. The SDK makes the clients
/// a profile needs (STS for a role, the SSO portal for IAM Identity Center) by loading their assemblies by name, which
/// a native build cannot do: it asks for them to be registered instead (<see cref="GlobalRuntimeDependencyRegistry"/>).
/// The SSO clients sign nothing (the portal takes the cached token), so a factory for the Region asked is all they need.
/// A role is different: its STS client must sign with the profile's source credentials, which a factory is not told;
/// so an assume-role profile's role is assumed here (<see cref="ProfileRoleCredentials"/>), in both builds.
/// </summary>
internal static class ProfileSignIn
{
    private static int registered;

    /// <summary>Registers the SSO portal's clients, once per process.</summary>
    public static void RegisterSdkClients()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        GlobalRuntimeDependencyRegistry.Instance.RegisterSSOClient(context =>
        {
            var config = new AmazonSSOConfig { RegionEndpoint = context.SSOClientContextData.Region };
            if (context.SSOClientContextData.ProxySettings is { } proxy) config.SetWebProxy(proxy);
            return new AmazonSSOClient(new AnonymousAWSCredentials(), config);
        });
        GlobalRuntimeDependencyRegistry.Instance.RegisterSSOOIDCClient(context =>
        {
            var config = new AmazonSSOOIDCConfig { RegionEndpoint = context.SSOOIDCClientContextData.Region };
            if (context.SSOOIDCClientContextData.ProxySettings is { } proxy) config.SetWebProxy(proxy);
            return new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), config);
        });
    }

    /// <summary>The profile's credentials, with an assume-role profile's role assumed by <see cref="ProfileRoleCredentials"/>.</summary>
    public static AWSCredentials Credentials(AWSCredentials fromProfile, string region) =>
        fromProfile is AssumeRoleAWSCredentials role ? new ProfileRoleCredentials(role, region) : fromProfile;
}

/// <summary>
/// The role of an assume-role profile (<c>role_arn</c> with <c>source_profile</c> or <c>credential_source</c>),
/// assumed with an STS client built here — signed with the profile's source credentials, in the scan's Region, at the
/// endpoint every other client of the tool uses (<c>AWS_ENDPOINT_URL*</c>) — and renewed before it expires, with what
/// the profile sets: external id, session name and duration, MFA, policy, source identity.
/// </summary>
internal sealed class ProfileRoleCredentials : RefreshingAWSCredentials
{
    private readonly AssumeRoleAWSCredentials profile;
    private readonly AWSCredentials source;
    private readonly string region;

    public ProfileRoleCredentials(AssumeRoleAWSCredentials profile, string region)
    {
        this.profile = profile;
        // A source that is itself a role (role chaining through profiles) is assumed the same way.
        source = ProfileSignIn.Credentials(profile.SourceCredentials, region);
        this.region = region;
        // Renewed well before they expire, as the SDK's own role credentials are: a long organization scan outlives them.
        PreemptExpiryTime = TimeSpan.FromMinutes(15);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var options = profile.Options;
        var request = new AssumeRoleRequest
        {
            RoleArn = profile.RoleArn,
            RoleSessionName = profile.RoleSessionName,
            ExternalId = options?.ExternalId,
            DurationSeconds = options?.DurationSeconds,
            Policy = options?.Policy,
            SourceIdentity = options?.SourceIdentity,
        };
        if (options?.MfaSerialNumber is { } serial)
        {
            request.SerialNumber = serial;
            request.TokenCode = options.MfaTokenCodeCallback?.Invoke() ?? options.MfaTokenCode;
        }
        using var sts = AwsClients.Sts(new AwsClientOptions { Region = region, Credentials = source });
        var answer = await sts.AssumeRoleAsync(request).ConfigureAwait(false);
        var c = answer.Credentials;
        return new CredentialsRefreshState(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
                                           c.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.AddMinutes(15));
    }
}
