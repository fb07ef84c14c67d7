using System.Collections.Concurrent;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.FakeAws.Infrastructure.Reply;

namespace SgConfigRule.FakeAws.Sts;

/// <summary>
/// STS AssumeRole over the Query protocol. Issues temporary credentials that the server then accepts (with their
/// session token) on every other service, and remembers which account each was issued for.
/// </summary>
public sealed class FakeSts(CredentialStore credentials)
{
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly ConcurrentQueue<(string RoleArn, string SessionName, string? CallerKey)> calls = new();
    private readonly ConcurrentDictionary<string, string> denied = new(StringComparer.Ordinal);

    public IReadOnlyList<(string RoleArn, string SessionName, string? CallerKey)> AssumeRoleCalls => [.. calls];

    /// <summary>Makes AssumeRole of this role fail with AccessDenied, as a missing trust policy would.</summary>
    public void Deny(string roleArn) => denied[roleArn] = roleArn;

    public Reply Handle(QueryParameters q, string? callerKey)
    {
        if (q.Action != "AssumeRole") return QueryError(400, "InvalidAction", $"Could not find operation {q.Action}");
        var roleArn = q["RoleArn"] ?? "";
        var session = q["RoleSessionName"] ?? "";
        calls.Enqueue((roleArn, session, callerKey));
        var parts = roleArn.Split(':');
        if (parts.Length != 6 || parts[2] != "iam" || !parts[5].StartsWith("role/", StringComparison.Ordinal) || session.Length is < 2 or > 64)
        {
            return QueryError(400, "ValidationError", $"RoleArn '{roleArn}' or RoleSessionName '{session}' is invalid");
        }
        if (denied.ContainsKey(roleArn))
        {
            return QueryError(403, "AccessDenied", $"User is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
        }
        var account = parts[4];
        var issued = credentials.Issue(account, roleArn);
        var roleName = parts[5]["role/".Length..];
        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        return Xml($"""
            <AssumeRoleResponse xmlns="{Namespace}">
              <AssumeRoleResult>
                <AssumedRoleUser><AssumedRoleId>AROA{account}:{X(session)}</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/{X(roleName)}/{X(session)}</Arn></AssumedRoleUser>
                <Credentials><AccessKeyId>{issued.AccessKey}</AccessKeyId><SecretAccessKey>{issued.SecretKey}</SecretAccessKey><SessionToken>{issued.SessionToken}</SessionToken><Expiration>{expiration}</Expiration></Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """);
    }
}

/// <summary>The access keys the server accepts, and the account and role each one acts as.</summary>
public sealed class CredentialStore
{
    private readonly ConcurrentDictionary<string, (SigV4Verifier.Credential Credential, string Account, string? Role)> keys = new(StringComparer.Ordinal);
    private int issued;

    public void Add(string accessKey, string secretKey, string account = Ec2.FakeEc2.DefaultAccount, string? sessionToken = null) =>
        keys[accessKey] = (new SigV4Verifier.Credential(accessKey, secretKey, sessionToken), account, null);

    public SigV4Verifier.Credential? Find(string accessKey) => keys.TryGetValue(accessKey, out var entry) ? entry.Credential : null;

    public string? AccountOf(string accessKey) => keys.TryGetValue(accessKey, out var entry) ? entry.Account : null;

    public string? RoleOf(string accessKey) => keys.TryGetValue(accessKey, out var entry) ? entry.Role : null;

    public SigV4Verifier.Credential Issue(string account, string roleArn)
    {
        var n = Interlocked.Increment(ref issued);
        var credential = new SigV4Verifier.Credential($"ASIA{n:D16}", $"temporary-secret-{Guid.NewGuid():N}", $"session-token-{Guid.NewGuid():N}");
        keys[credential.AccessKey] = (credential, account, roleArn);
        return credential;
    }
}
