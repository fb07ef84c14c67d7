using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.Tests.Aws;

/// <summary>
/// Our SigV4 signatures (AWSSDK.Core's signer) checked byte for byte against botocore's <c>SigV4Auth</c> — Debian's
/// python3-botocore, installed by ./test.sh — and against the loopback server's own verifier, over generated requests.
/// </summary>
public class SigningCrossCheckTests
{
    private const int Requests = 400;
    private const string SystemPython = "/usr/bin/python3";

    private sealed record Generated(ImmutableCredentials Credentials, string Region, string Service, string Url, string Target, string Body, DateTime Time);

    private static List<Generated> Generate(int count, int seed)
    {
        var random = new Random(seed);
        string[] regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1", "eu-central-2"];
        (string Service, string Prefix, string[] Operations)[] services =
        [
            ("config", "StarlingDoveService", ["PutEvaluations", "GetResourceConfigHistory", "BatchGetResourceConfig", "ListDiscoveredResources"]),
            ("cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", ["LookupEvents"]),
        ];
        string[] fragments = ["sg-0123456789abcdef0", "tcp/22 from 0.0.0.0/0", "ünïcødé ✓", "\"quoted\"", "back\\slash", "tab\tnew\nline", "日本語", " ", "&=+%/?#"];
        var result = new List<Generated>();
        for (var i = 0; i < count; i++)
        {
            var (service, prefix, operations) = services[random.Next(services.Length)];
            var region = regions[random.Next(regions.Length)];
            var url = random.Next(3) switch
            {
                0 => $"http://127.0.0.1:{random.Next(1024, 65535)}/",
                1 => $"https://{service}.{region}.amazonaws.com/",
                _ => $"http://localhost:{random.Next(1024, 65535)}/",
            };
            var body = new JsonObject { ["ResultToken"] = string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => fragments[random.Next(fragments.Length)])) };
            if (random.Next(2) == 0) body["Evaluations"] = new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(n => (JsonNode)new JsonObject { ["ComplianceResourceId"] = $"sg-{random.Next():x8}", ["OrderingTimestamp"] = random.Next() + random.NextDouble() })]);
            var token = random.Next(2) == 0 ? null : $"IQoJb3JpZ2luX2Vj{random.Next():x8}//////////{random.Next():x8}==";
            var credentials = new ImmutableCredentials($"AKIA{random.Next():X8}{random.Next(10000):D4}", Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "/x+y", token);
            var time = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.NextInt64(0, 10L * 365 * 24 * 3600));
            result.Add(new Generated(credentials, region, service, url, $"{prefix}.{operations[random.Next(operations.Length)]}", body.ToJsonString(), time));
        }
        return result;
    }

    private static Dictionary<string, string> Sign(Generated g)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/x-amz-json-1.1",
            ["X-Amz-Target"] = g.Target,
        };
        RequestSigner.Sign(g.Credentials, g.Region, g.Service, new Uri(g.Url), "POST", headers, Encoding.UTF8.GetBytes(g.Body), g.Time);
        return headers;
    }

    [Fact]
    public void Signatures_match_botocore_byte_for_byte()
    {
        Assert.True(File.Exists(SystemPython), $"{SystemPython} is missing: install python3-botocore (./test.sh does)");
        var requests = Generate(Requests, seed: 20261126);
        var signed = requests.Select(Sign).ToList();
        var input = new JsonArray([.. requests.Zip(signed).Select(pair =>
        {
            var (g, headers) = pair;
            var forBotocore = new JsonObject();
            foreach (var name in new[] { "Content-Type", "X-Amz-Target", "X-Amz-Content-SHA256" }) forBotocore[name] = headers[name];
            return (JsonNode)new JsonObject
            {
                ["accessKey"] = g.Credentials.AccessKey,
                ["secretKey"] = g.Credentials.SecretKey,
                ["token"] = g.Credentials.Token,
                ["region"] = g.Region,
                ["service"] = g.Service,
                ["method"] = "POST",
                ["url"] = g.Url,
                ["headers"] = forBotocore,
                ["body"] = g.Body,
                ["time"] = g.Time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
            };
        })]);

        var botocore = RunBotocore(input.ToJsonString());

        Assert.Equal(requests.Count, botocore.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.True(signed[i]["Authorization"] == botocore[i],
                $"request {i} ({requests[i].Url}, {requests[i].Region}, token: {requests[i].Credentials.Token is not null}):\n ours     {signed[i]["Authorization"]}\n botocore {botocore[i]}");
        }
    }

    [Fact]
    public void The_loopback_server_accepts_exactly_the_correctly_signed_requests()
    {
        foreach (var g in Generate(Requests, seed: 7))
        {
            var headers = Sign(g);
            var body = Encoding.UTF8.GetBytes(g.Body);
            var lowered = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
            var credential = new SigV4Verifier.Credential(g.Credentials.AccessKey, g.Credentials.SecretKey, g.Credentials.Token);
            var verdict = SigV4Verifier.Verify(new SigV4Verifier.SignedRequest("POST", "/", "", lowered, body), _ => credential);
            Assert.True(verdict.Valid, verdict.Message);

            var tampered = body.Length > 0 ? [.. body[..^1], (byte)(body[^1] ^ 1)] : new byte[] { 1 };
            var forged = SigV4Verifier.Verify(new SigV4Verifier.SignedRequest("POST", "/", "", lowered, tampered), _ => credential);
            Assert.False(forged.Valid);
        }
    }

    private static List<string> RunBotocore(string input)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Aws", "botocore_sign.py");
        var start = new ProcessStartInfo(SystemPython, [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment.Remove("PYTHONPATH");
        start.Environment["PYENV_VERSION"] = "system";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"botocore signer failed (is python3-botocore installed? ./test.sh installs it): {errors}");
        return JsonSerializer.Deserialize<List<string>>(output)!;
    }
}
