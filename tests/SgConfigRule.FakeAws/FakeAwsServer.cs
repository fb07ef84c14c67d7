using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SgConfigRule.FakeAws.CloudTrail;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.DynamoDb;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.FakeAws.Sts;

namespace SgConfigRule.FakeAws;

/// <summary>
/// One loopback HTTP server (127.0.0.1, ephemeral port) speaking the wire protocols of EC2, STS, Config, CloudTrail
/// and DynamoDB, so the real AWSSDK.EC2/SecurityToken/DynamoDBv2 clients and our JSON 1.1 client can be driven over
/// HTTP. The service is chosen from the request's SigV4 credential scope, which works both with one <c>AWS_ENDPOINT_URL</c>
/// for everything and with per-service variables. Every request must carry a valid signature. EC2 keeps its state per
/// Region, as AWS does: a call goes to the Region its signature's credential scope names. The other services are one
/// instance each, and every call is recorded with the Region it was signed for.
/// </summary>
public sealed class FakeAwsServer : IAsyncDisposable
{
    public const string AccessKey = "AKIAFAKEAWS000000001";
    public const string SecretKey = "fake/secret/key/for/loopback/tests/only0";

    private readonly ConcurrentQueue<RecordedCall> calls = new();
    private readonly Dictionary<string, FakeEc2> ec2ByRegion = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private LoopbackHost host = null!;

    private FakeAwsServer(int seed)
    {
        Faults = new FaultPlan(seed);
        Credentials.Add(AccessKey, SecretKey);
        Sts = new FakeSts(Credentials);
        Ec2 = Ec2In(FakeEc2.DefaultRegion);
    }

    public Uri Url => host.Url;
    public CredentialStore Credentials { get; } = new();

    /// <summary>EC2 in us-east-1.</summary>
    public FakeEc2 Ec2 { get; }
    public FakeConfig Config { get; } = new();
    public FakeCloudTrail CloudTrail { get; } = new();
    public FakeSts Sts { get; }
    public Ssm.FakeSsm Ssm { get; } = new();
    public FakeDynamoDb DynamoDb { get; } = new();

    public SgConfigRule.FakeAws.Sns.FakeSns Sns { get; } = new();
    public FaultPlan Faults { get; }

    /// <summary>The principal each access key acts as, for the CloudTrail records of its calls.</summary>
    public Dictionary<string, string> Principals { get; } = new(StringComparer.Ordinal)
    {
        [AccessKey] = $"arn:aws:iam::{FakeEc2.DefaultAccount}:user/alice",
    };

    /// <summary>Runs just before a signed call is handled (service, operation): lets a test change state in a race window.</summary>
    public Func<string, string, Task>? BeforeDispatch { get; set; }

    /// <summary>How long after a call its CloudTrail record becomes visible to LookupEvents (CloudTrail's delivery lag).</summary>
    public TimeSpan CloudTrailDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Time since the server started: the clock of <see cref="RecordedCall.Arrived"/>.</summary>
    public TimeSpan Uptime => clock.Elapsed;

    /// <summary>Every request, in the order their answers were decided, with how and when they were answered.</summary>
    public IReadOnlyList<RecordedCall> Calls => [.. calls];

    /// <summary>EC2 in <paramref name="region"/>, created empty on first use.</summary>
    public FakeEc2 Ec2In(string region)
    {
        lock (ec2ByRegion)
        {
            if (!ec2ByRegion.TryGetValue(region, out var ec2))
            {
                // Each Region its own range of rule numbers, so sgr- ids are unique across Regions as in AWS.
                ec2 = new FakeEc2(region, 0x1000 + ((long)ec2ByRegion.Count << 40));
                ec2ByRegion[region] = ec2;
            }
            return ec2;
        }
    }

    private readonly Dictionary<(string Account, string Region), FakeEc2> ec2ByAccount = [];

    /// <summary>
    /// EC2 of another account in <paramref name="region"/>, created empty on first use. Once an account has a store of
    /// its own, calls made with that account's credentials (an assumed role's) see it; other accounts share <see cref="Ec2In(string)"/>.
    /// </summary>
    public FakeEc2 Ec2In(string region, string account)
    {
        if (account == FakeEc2.DefaultAccount) return Ec2In(region);
        lock (ec2ByRegion)
        {
            if (!ec2ByAccount.TryGetValue((account, region), out var ec2))
            {
                ec2 = new FakeEc2(region, 0x1000 + ((long)(ec2ByRegion.Count + ec2ByAccount.Count) << 40));
                ec2ByAccount[(account, region)] = ec2;
            }
            return ec2;
        }
    }

    private FakeEc2 Ec2For(string? accessKey, string region)
    {
        var account = Credentials.AccountOf(accessKey ?? "");
        lock (ec2ByRegion)
        {
            if (account is null || !ec2ByAccount.Keys.Any(k => k.Account == account)) return Ec2In(region);
        }
        return Ec2In(region, account);
    }

    /// <summary>Requests being handled right now, and the most there ever were at once (for concurrency bounds).</summary>
    public int InFlight => inFlight;

    public int MaxInFlight => maxInFlight;

    private int inFlight;
    private int maxInFlight;

    /// <summary>How long to wait before answering each signed call (service, operation): per-request latency, as a real network has.</summary>
    public Func<string, string, TimeSpan>? Latency { get; set; }

    public int CountCalls(string service, string operation) => calls.Count(c => c.Service == service && c.Operation == operation);

    public void ClearCalls() => calls.Clear();

    /// <param name="seed">Seeds the fault plan.</param>
    /// <param name="tls">Serve HTTPS with this certificate (it must name 127.0.0.1); plain HTTP when null.</param>
    public static async Task<FakeAwsServer> StartAsync(int seed = 1234, System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null)
    {
        var server = new FakeAwsServer(seed);
        server.host = await LoopbackHost.StartAsync(server.HandleAsync, tls).ConfigureAwait(false);
        return server;
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    /// <summary>The token the container credentials endpoint expects in <c>Authorization</c> (Lambda's <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>).</summary>
    public string ContainerAuthorizationToken { get; set; } = "container-authorization-token";

    /// <summary>How many times the container credentials endpoint handed out credentials.</summary>
    public int ContainerCredentialRequests => containerCredentialRequests;

    private int containerCredentialRequests;

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref inFlight);
        for (var seen = maxInFlight; now > seen; seen = maxInFlight) Interlocked.CompareExchange(ref maxInFlight, now, seen);
        try
        {
            await HandleOneAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task HandleOneAsync(HttpContext context)
    {
        var arrived = clock.Elapsed;
        void Record(RecordedCall call) => calls.Enqueue(call with { Arrived = arrived, Elapsed = clock.Elapsed - arrived });
        var request = context.Request;
        if (request.Method == "GET" && request.Path.StartsWithSegments("/container-credentials", StringComparison.Ordinal))
        {
            await ServeContainerCredentialsAsync(context).ConfigureAwait(false);
            return;
        }
        if (request.Method == "GET" && request.Path.StartsWithSegments("/federation/credentials", StringComparison.Ordinal))
        {
            await ServeSsoRoleCredentialsAsync(context).ConfigureAwait(false);
            return;
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        var body = buffer.ToArray();
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()), StringComparer.Ordinal);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];

        var service = SigV4Verifier.ServiceOf(headers.GetValueOrDefault("authorization")) ?? "unknown";
        var signedRegion = SigV4Verifier.RegionOf(headers.GetValueOrDefault("authorization"));
        var text = Encoding.UTF8.GetString(body);
        var operation = OperationOf(service, headers, text);

        var verdict = SigV4Verifier.Verify(new SigV4Verifier.SignedRequest(request.Method, rawPath, rawQuery, headers, body), Credentials.Find);
        Reply reply;
        FaultRule? fault = null;
        if (!verdict.Valid)
        {
            reply = AuthError(service, verdict);
        }
        else
        {
            fault = Faults.Decide(service, operation);
            if (fault?.Kind == FaultKind.Drop)
            {
                Record(new RecordedCall(service, operation, verdict.AccessKey, 0, FaultKind.Drop, null, text, signedRegion));
                context.Abort();
                return;
            }
            if (fault?.Kind == FaultKind.Slow)
            {
                try
                {
                    await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up waiting: the call happened, and nothing was done.
                    Record(new RecordedCall(service, operation, verdict.AccessKey, 0, FaultKind.Slow, null, text, signedRegion));
                    return;
                }
            }
            if (BeforeDispatch is { } hook && fault is null) await hook(service, operation).ConfigureAwait(false);
            if (Latency?.Invoke(service, operation) is { } latency && latency > TimeSpan.Zero) await Task.Delay(latency).ConfigureAwait(false);
            reply = fault?.Kind is FaultKind.Throttle or FaultKind.ServerError or FaultKind.Unavailable
                ? FaultReply(service, operation, fault.Kind)
                : fault?.Kind == FaultKind.Raw ? fault.RawReply ?? throw new InvalidOperationException("a Raw fault needs its RawReply")
                : Dispatch(service, operation, text, verdict.AccessKey, verdict.Region ?? FakeEc2.DefaultRegion);
        }
        Record(new RecordedCall(service, operation, verdict.AccessKey, reply.StatusCode, fault?.Kind, reply.ErrorCode, text, signedRegion));
        if (fault?.Kind == FaultKind.LostReply)
        {
            context.Abort();
            return;
        }
        context.Response.StatusCode = reply.StatusCode;
        context.Response.ContentType = reply.ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        foreach (var (name, value) in reply.Headers) context.Response.Headers[name] = value;
        await context.Response.WriteAsync(reply.Body).ConfigureAwait(false);
    }

    /// <summary>
    /// The container credentials endpoint Lambda (and SnapStart) points <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> at:
    /// an unsigned GET with the authorization token, answered with temporary credentials.
    /// </summary>
    private async Task ServeContainerCredentialsAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != ContainerAuthorizationToken)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("{\"message\":\"unauthorized\"}").ConfigureAwait(false);
            return;
        }
        Interlocked.Increment(ref containerCredentialRequests);
        var issued = Credentials.Issue(FakeEc2.DefaultAccount, $"arn:aws:iam::{FakeEc2.DefaultAccount}:role/lambda-execution");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["AccessKeyId"] = issued.AccessKey,
            ["SecretAccessKey"] = issued.SecretKey,
            ["Token"] = issued.SessionToken,
            ["Expiration"] = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        }.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>The IAM Identity Center access token the SSO portal accepts (what `aws sso login` caches).</summary>
    public string SsoAccessToken { get; set; } = "sso-access-token";

    /// <summary>The GetRoleCredentials calls the SSO portal answered: (account, role).</summary>
    public IReadOnlyList<(string AccountId, string RoleName)> SsoRoleCredentialRequests => [.. ssoRequests];

    private readonly ConcurrentQueue<(string AccountId, string RoleName)> ssoRequests = new();

    /// <summary>
    /// The SSO portal's GetRoleCredentials (<c>GET /federation/credentials?role_name&amp;account_id</c>, the bearer token
    /// in <c>x-amz-sso_bearer_token</c>, unsigned): temporary credentials for that account, which the server accepts.
    /// </summary>
    private async Task ServeSsoRoleCredentialsAsync(HttpContext context)
    {
        var account = context.Request.Query["account_id"].ToString();
        var role = context.Request.Query["role_name"].ToString();
        if (context.Request.Headers["x-amz-sso_bearer_token"].ToString() != SsoAccessToken)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers["x-amzn-ErrorType"] = "UnauthorizedException";
            await context.Response.WriteAsync("{\"message\":\"Session token not found or invalid\"}").ConfigureAwait(false);
            return;
        }
        ssoRequests.Enqueue((account, role));
        var issued = Credentials.Issue(account, $"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{role}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["roleCredentials"] = new JsonObject
            {
                ["accessKeyId"] = issued.AccessKey,
                ["secretAccessKey"] = issued.SecretKey,
                ["sessionToken"] = issued.SessionToken,
                ["expiration"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
            },
        }.ToJsonString()).ConfigureAwait(false);
    }

    private static string OperationOf(string service, Dictionary<string, string> headers, string body)
    {
        if (headers.TryGetValue("x-amz-target", out var target)) return target[(target.LastIndexOf('.') + 1)..];
        return service is "ec2" or "sts" ? new QueryParameters(body).Action : "unknown";
    }

    private Reply Dispatch(string service, string operation, string body, string? accessKey, string region)
    {
        try
        {
            return service switch
            {
                "ec2" => HandleEc2(new QueryParameters(body), accessKey, region),
                "sts" => Sts.Handle(new QueryParameters(body), accessKey),
                "config" => Config.Handle(operation, ParseJson(body)),
                "cloudtrail" => CloudTrail.Handle(operation, ParseJson(body)),
                "ssm" => Ssm.Handle(operation, ParseJson(body), Credentials.AccountOf(accessKey ?? "") ?? FakeEc2.DefaultAccount),
                "dynamodb" => DynamoDb.Handle(operation, body),
                "sns" => Sns.Handle(operation, ParseJson(body)),
                _ => Reply.JsonError(400, "UnknownService", $"no fake for service '{service}'"),
            };
        }
        catch (ServiceFaultException fault)
        {
            return fault.Reply;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            return service is "ec2" or "sts"
                ? Reply.Ec2Error(400, "InvalidParameterValue", e.Message)
                : Reply.JsonError(400, "SerializationException", e.Message);
        }
    }

    /// <summary>EC2 calls, in the Region they were signed for; authorizations and modifications leave CloudTrail records, as in a real account.</summary>
    private Reply HandleEc2(QueryParameters query, string? accessKey, string region)
    {
        var now = DateTime.UtcNow;
        var ec2 = Ec2For(accessKey, region);
        return ec2.Handle(query, new Ec2CallContext(accessKey, region)
        {
            OnAuthorized = (groupId, rules) => CloudTrail.Add(
                CloudTrailRecords.AuthorizeIngress(groupId, rules, PrincipalOf(accessKey), accessKey ?? "", SourceIp, now, ec2.Region)
                with { VisibleAt = now + CloudTrailDelay }),
            OnModified = (groupId, updates) => CloudTrail.Add(
                CloudTrailRecords.ModifyRules(groupId, updates, PrincipalOf(accessKey), accessKey ?? "", SourceIp, now, ec2.Region)
                with { VisibleAt = now + CloudTrailDelay }),
        });
    }

    private const string SourceIp = "198.51.100.23";

    /// <summary>The principal a CloudTrail record names for a call made with this key.</summary>
    private string PrincipalOf(string? accessKey) =>
        accessKey is not null && Principals.TryGetValue(accessKey, out var p) ? p
        : Credentials.RoleOf(accessKey ?? "") is { } role ? role.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal) + "/session"
        : $"arn:aws:iam::{FakeEc2.DefaultAccount}:user/unknown";

    private static JsonObject ParseJson(string body) =>
        JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the request body is not a JSON object");

    private static Reply AuthError(string service, SigV4Verifier.Verdict verdict) => service switch
    {
        "ec2" => Reply.Ec2Error(verdict.ErrorCode == "InvalidClientTokenId" ? 401 : 403,
            verdict.ErrorCode == "InvalidClientTokenId" ? "AuthFailure" : verdict.ErrorCode!, verdict.Message!),
        "sts" => Reply.QueryError(403, verdict.ErrorCode!, verdict.Message!),
        "dynamodb" => FakeDynamoDb.AuthError(verdict.ErrorCode!, verdict.Message!),
        _ => Reply.JsonError(403,
            verdict.ErrorCode == "InvalidClientTokenId" ? "UnrecognizedClientException"
            : verdict.ErrorCode == "SignatureDoesNotMatch" ? "InvalidSignatureException" : verdict.ErrorCode!, verdict.Message!),
    };

    private static Reply FaultReply(string service, string operation, FaultKind kind) => (service, kind) switch
    {
        ("dynamodb", _) => FakeDynamoDb.FaultReply(kind, operation),
        ("ec2", FaultKind.Throttle) => Reply.Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded."),
        ("ec2", FaultKind.ServerError) => Reply.Ec2Error(500, "InternalError", "An internal error has occurred"),
        ("ec2", _) => Reply.Ec2Error(503, "Unavailable", "The server is overloaded"),
        ("sts", FaultKind.Throttle) => Reply.QueryError(400, "Throttling", "Rate exceeded"),
        ("sts", _) => Reply.QueryError(500, "InternalFailure", "internal failure"),
        (_, FaultKind.Throttle) => Reply.JsonError(400, "ThrottlingException", "Rate exceeded"),
        (_, FaultKind.ServerError) => Reply.JsonError(500, "InternalFailure", "The request processing has failed because of an unknown error"),
        _ => Reply.JsonError(503, "ServiceUnavailable", "Service unavailable"),
    };
}
