using System.Security.Cryptography;
using System.Text;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// `scan --live` signs in as the AWS CLI does — an IAM Identity Center (SSO) profile with the token `aws sso login`
/// cached, an assume-role profile, a credential_process — each against the loopback endpoints (the SSO portal and STS
/// included), in a separate process whose home and AWS config files are the test's own. A sign-in that fails is one
/// line naming the profile and what to do, exit 2 (issue 17).
/// </summary>
public class SignInTests
{
    /// <summary>The build of the tool the tests run: null for the one beside the tests (<see cref="NativeSignInTests"/>: the native one).</summary>
    protected virtual string? Executable => null;

    private const string Account = "111122223333";

    private sealed class Home : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("sgcr-home-").FullName;

        public string Config => Path.Combine(Root, ".aws", "config");
        public string CredentialsFile => Path.Combine(Root, ".aws", "credentials");

        public Home(string config, string? credentials = null)
        {
            Directory.CreateDirectory(Path.Combine(Root, ".aws", "sso", "cache"));
            File.WriteAllText(Config, config);
            File.WriteAllText(CredentialsFile, credentials ?? "");
        }

        /// <summary>The token `aws sso login` leaves for a session (the file is named by the SHA-1 of the session name).</summary>
        public void CacheSsoToken(string sessionName, string token, DateTimeOffset expires)
        {
#pragma warning disable CA5350 // SHA-1 is what the AWS tools name the cache file by, not a security measure
            var name = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(sessionName))) + ".json";
#pragma warning restore CA5350
            File.WriteAllText(Path.Combine(Root, ".aws", "sso", "cache", name),
                $$"""{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "{{token}}", "expiresAt": "{{expires.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}"}""");
        }

        public Dictionary<string, string?> Environment() => new()
        {
            ["HOME"] = Root,
            ["AWS_CONFIG_FILE"] = Config,
            ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile,
            // Only what the profile gives: the test process's own keys are not the way in.
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
        };

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    private static async Task<FakeAwsServer> ServerWithAGroupAsync()
    {
        var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0123456789abcdef0", "web");
        server.Ec2.AddIngress("sg-0123456789abcdef0", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        return server;
    }

    private const string SsoProfile = """
        [profile dev]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = SecurityAudit
        region = us-east-1

        [sso-session corp]
        sso_start_url = https://example.awsapps.com/start
        sso_region = us-east-1
        """;

    [Fact]
    public async Task An_IAM_Identity_Center_profile_signs_in_with_the_cached_token()
    {
        await using var server = await ServerWithAGroupAsync();
        using var home = new Home(SsoProfile);
        home.CacheSsoToken("corp", server.SsoAccessToken, DateTimeOffset.UtcNow.AddHours(4));

        var run = await CliProcess.RunWithAsync(Executable, server, null, home.Environment(), "scan", "--live", "--profile", "dev", "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);   // the group is open to the world on 22
        Assert.Contains("sg-0123456789abcdef0", run.Out, StringComparison.Ordinal);
        Assert.Equal([(Account, "SecurityAudit")], server.SsoRoleCredentialRequests);
    }

    [Fact]
    public async Task An_expired_IAM_Identity_Center_session_says_to_sign_in_again()
    {
        await using var server = await ServerWithAGroupAsync();
        using var home = new Home(SsoProfile);
        home.CacheSsoToken("corp", server.SsoAccessToken, DateTimeOffset.UtcNow.AddHours(-1));

        var run = await CliProcess.RunWithAsync(Executable, server, null, home.Environment(), "scan", "--live", "--profile", "dev");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("aws sso login --profile dev", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Empty(server.SsoRoleCredentialRequests);
    }

    [Fact]
    public async Task An_assume_role_profile_assumes_its_role_from_the_source_profile()
    {
        await using var server = await ServerWithAGroupAsync();
        using var home = new Home("""
            [profile audit]
            role_arn = arn:aws:iam::111122223333:role/SecurityAudit
            source_profile = base
            region = us-east-1
            """, $"""
            [base]
            aws_access_key_id = {FakeAwsServer.AccessKey}
            aws_secret_access_key = {FakeAwsServer.SecretKey}
            """);

        var run = await CliProcess.RunWithAsync(Executable, server, null, home.Environment(), "scan", "--live", "--profile", "audit", "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Contains("arn:aws:iam::111122223333:role/SecurityAudit", server.Sts.AssumeRoleCalls.Select(c => c.RoleArn));
        // The EC2 calls were signed with the assumed role's key, not the source profile's.
        Assert.All(server.Calls.Where(c => c.Service == "ec2"), c => Assert.NotEqual(FakeAwsServer.AccessKey, c.AccessKey));
    }

    /// <summary>A role assumed from a profile that itself assumes a role (role chaining): each signed by the one before it.</summary>
    [Fact]
    public async Task A_role_chained_through_profiles_is_assumed_in_turn()
    {
        await using var server = await ServerWithAGroupAsync();
        using var home = new Home("""
            [profile audit]
            role_arn = arn:aws:iam::111122223333:role/SecurityAudit
            source_profile = hub
            region = us-east-1

            [profile hub]
            role_arn = arn:aws:iam::444455556666:role/Hub
            source_profile = base
            """, $"""
            [base]
            aws_access_key_id = {FakeAwsServer.AccessKey}
            aws_secret_access_key = {FakeAwsServer.SecretKey}
            """);

        var run = await CliProcess.RunWithAsync(Executable, server, null, home.Environment(), "scan", "--live", "--profile", "audit", "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);
        var calls = server.Sts.AssumeRoleCalls;
        Assert.Equal(["arn:aws:iam::444455556666:role/Hub", "arn:aws:iam::111122223333:role/SecurityAudit"], calls.Select(c => c.RoleArn));
        Assert.Equal(FakeAwsServer.AccessKey, calls[0].CallerKey);     // the hub role, with the base keys
        Assert.NotEqual(FakeAwsServer.AccessKey, calls[1].CallerKey);  // the audit role, with the hub role's
        Assert.All(server.Calls.Where(c => c.Service == "ec2"), c => Assert.NotEqual(calls[1].CallerKey, c.AccessKey));
        Assert.All(server.Calls.Where(c => c.Service == "ec2"), c => Assert.NotEqual(FakeAwsServer.AccessKey, c.AccessKey));
    }

    [Fact]
    public async Task A_credential_process_profile_runs_its_process()
    {
        await using var server = await ServerWithAGroupAsync();
        var process = Path.Combine(Path.GetTempPath(), $"sgcr-credentials-{Guid.NewGuid():N}.sh");
        File.WriteAllText(process, $$"""
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "{{FakeAwsServer.AccessKey}}", "SecretAccessKey": "{{FakeAwsServer.SecretKey}}"}'
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(process, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var home = new Home($$"""
            [profile proc]
            credential_process = {{process}}
            region = us-east-1

            [profile broken]
            credential_process = /bin/false
            region = us-east-1
            """);

        var run = await CliProcess.RunWithAsync(Executable, server, null, home.Environment(), "scan", "--live", "--profile", "proc", "--format", "json");
        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Contains(server.Calls, c => c.Service == "ec2" && c.AccessKey == FakeAwsServer.AccessKey);

        var broken = await CliProcess.RunWithAsync(Executable, server, null, home.Environment(), "scan", "--live", "--profile", "broken");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("error: the AWS credentials of profile 'broken' could not be obtained", broken.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", broken.Error, StringComparison.Ordinal);
    }
}
