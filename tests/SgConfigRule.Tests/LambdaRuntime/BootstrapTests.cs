using System.Text.Json.Nodes;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Lambda;
using SgConfigRule.LambdaRuntime;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.LambdaRuntime;

/// <summary>
/// The bootstrap executable end to end: started like Lambda starts a custom runtime, fed invocations by a loopback
/// Runtime API, calling the loopback AWS endpoints. These run the JIT build; PackagingTests runs the same checks on the
/// Native AOT executable package.sh bundles.
/// </summary>
public class BootstrapTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly byte[] RecordedEvent = File.ReadAllBytes(TestData.Recorded("lambda_events", "c7n__event-config-rule-security-group.json"));
    private const string WebServer = "sg-0f3c6a1e2b4d58a90";
    private static readonly byte[] RevokeWebServer = """{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","Mode":"Revoke","RuleParameters":"{}"}"""u8.ToArray();

    /// <summary>The walkthrough's group: HTTPS open to the world, and SSH too, which the revoke removes.</summary>
    private static void WebServerWithOpenSsh(FakeAwsServer aws)
    {
        aws.Ec2.AddGroup(WebServer, "Web Server Security Group");
        aws.Ec2.AddIngress(WebServer, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
        aws.Ec2.AddIngress(WebServer, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH from anywhere");
    }

    [Fact]
    public Task The_rule_handler_posts_evaluations_and_a_failed_invocation_leaves_the_runtime_serving() => AssertRuleFunctionServesAsync(null);

    [Fact]
    public Task The_revoke_handler_removes_the_offending_rule_and_answers_with_its_outcome() => AssertRevokeFunctionServesAsync(null);

    [Fact]
    public Task An_unknown_handler_is_an_initialisation_error_and_the_process_exits() => AssertUnknownHandlerFailsInitAsync(null);

    [Fact]
    public Task The_functions_reach_AWS_endpoints_over_HTTPS() => AssertServesOverHttpsAsync(null);

    /// <summary>
    /// Both functions against endpoints served over TLS, as AWS serves them: the certificate chain is checked against
    /// the trusted file, the signed requests arrive, the rule is revoked. (The Native AOT build loads OpenSSL at run time.)
    /// </summary>
    internal static async Task AssertServesOverHttpsAsync(string? executable)
    {
        using var certificate = TestCertificate.Create();
        await using var aws = await FakeAwsServer.StartAsync(tls: certificate.Certificate);
        Assert.Equal("https", aws.Url.Scheme);
        WebServerWithOpenSsh(aws);
        // One Runtime API for three runtimes in turn, as the bench uses it: each invocation is queued once the stopped
        // runtime's waiting request is gone, so that it goes to the next runtime.
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        await using (var rule = BootstrapProcess.Start(lambda, aws, LambdaHandlers.Rule, executable, certificate.PemFile))
        {
            var outcome = await lambda.WaitForOutcomeAsync(lambda.Enqueue(RecordedEvent), Wait);
            Assert.True(outcome.Succeeded, outcome.Text + rule.Output);
            Assert.Equal("NON_COMPLIANT", Assert.Single(aws.Config.Evaluations).ComplianceType);
        }
        await lambda.WaitUntilNoRuntimeWaitsAsync(Wait);
        await using (var revoke = BootstrapProcess.Start(lambda, aws, LambdaHandlers.Revoke, executable, certificate.PemFile))
        {
            var outcome = await lambda.WaitForOutcomeAsync(
                lambda.Enqueue(RevokeWebServer), Wait);
            Assert.True(outcome.Succeeded, outcome.Text + revoke.Output);
            Assert.Equal("Revoked", JsonNode.Parse(outcome.Text)!["Status"]!.GetValue<string>());
            Assert.Equal(443, aws.Ec2.Rules(WebServer).Single().FromPort);
        }

        // Without the certificate trusted, the same call is refused: TLS really is checked.
        await lambda.WaitUntilNoRuntimeWaitsAsync(Wait);
        await using (var untrusting = BootstrapProcess.Start(lambda, aws, LambdaHandlers.Rule, executable))
        {
            var refused = await lambda.WaitForOutcomeAsync(lambda.Enqueue(RecordedEvent), Wait);
            Assert.False(refused.Succeeded);
            Assert.Single(aws.Config.Evaluations);
        }
    }

    internal static async Task AssertRuleFunctionServesAsync(string? executable)
    {
        await using var aws = await FakeAwsServer.StartAsync();
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(lambda, aws, LambdaHandlers.Rule, executable);

        var changed = lambda.Enqueue(RecordedEvent);
        var outcome = await lambda.WaitForOutcomeAsync(changed, Wait);
        Assert.True(outcome.Succeeded, outcome.Text + bootstrap.Output);
        var posted = Assert.Single(aws.Config.Evaluations);
        Assert.Equal(("sg-e2fb6999", "NON_COMPLIANT", "1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)"),
            (posted.ResourceId, posted.ComplianceType, posted.Annotation));
        Assert.Equal("NON_COMPLIANT", JsonNode.Parse(outcome.Text)!["evaluations"]![0]!["complianceType"]!.GetValue<string>());
        Assert.Contains("\"event\":\"invocation\"", await bootstrap.OutputOnceItHoldsAsync("\"event\":\"invocation\"", Wait));

        // Config refuses the result token: the invocation fails (so Config retries it) and the runtime serves the next one.
        var token = JsonNode.Parse(RecordedEvent)!["resultToken"]!.GetValue<string>();
        aws.Config.RejectResultToken(token);
        var refused = await lambda.WaitForOutcomeAsync(lambda.Enqueue(RecordedEvent), Wait);
        Assert.False(refused.Succeeded);
        Assert.Equal("RuleInvocationException", JsonNode.Parse(refused.Text)!["errorType"]!.GetValue<string>());
        Assert.Contains("InvalidResultTokenException", refused.Text);
        Assert.Contains("\"event\":\"invocation_failed\"", await bootstrap.OutputOnceItHoldsAsync("\"event\":\"invocation_failed\"", Wait));

        var malformed = await lambda.WaitForOutcomeAsync(lambda.Enqueue("{\"invokingEvent\": 5"u8.ToArray()), Wait);
        Assert.False(malformed.Succeeded);
        Assert.Contains("the event is not valid JSON", JsonNode.Parse(malformed.Text)!["errorMessage"]!.GetValue<string>());
        Assert.Single(aws.Config.Evaluations);
    }

    internal static async Task AssertRevokeFunctionServesAsync(string? executable)
    {
        await using var aws = await FakeAwsServer.StartAsync();
        WebServerWithOpenSsh(aws);
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(lambda, aws, LambdaHandlers.Revoke, executable);

        var outcome = await lambda.WaitForOutcomeAsync(
            lambda.Enqueue(RevokeWebServer), Wait);

        Assert.True(outcome.Succeeded, outcome.Text + bootstrap.Output);
        var answer = JsonNode.Parse(outcome.Text)!;
        Assert.Equal("Revoked", answer["Status"]!.GetValue<string>());
        Assert.Contains("authorize-security-group-ingress", answer.ToJsonString());
        Assert.Equal(443, aws.Ec2.Rules(WebServer).Single().FromPort);
    }

    internal static async Task AssertUnknownHandlerFailsInitAsync(string? executable)
    {
        await using var aws = await FakeAwsServer.StartAsync();
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        await using var bootstrap = BootstrapProcess.Start(lambda, aws, "SgConfigRule.Rule::SgConfigRule.Rule.RuleFunction::Handle", executable);

        var error = await lambda.WaitForInitErrorAsync(Wait);
        Assert.Equal(1, await bootstrap.WaitForExitAsync(Wait));
        Assert.Equal("UnknownHandlerException", error.ErrorTypeHeader);
        Assert.Contains(LambdaHandlers.Rule, JsonNode.Parse(error.Text)!["errorMessage"]!.GetValue<string>());
        Assert.DoesNotContain("GET next", lambda.Requests);
    }
}
