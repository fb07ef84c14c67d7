using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Lambda;
using SgConfigRule.LambdaRuntime;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.LambdaRuntime;

/// <summary>The custom runtime's loop against a loopback Runtime API, with stand-in handlers.</summary>
public class RuntimeLoopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_invocation_gets_the_handlers_response_and_a_failure_costs_only_its_invocation()
    {
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        var log = new LogCapture();  // the loop writes on its own thread while the test reads
        LambdaHandler handler = async input =>
        {
            var text = await new StreamReader(input).ReadToEndAsync(TestContext.Current.CancellationToken);
            if (text.Contains("boom", StringComparison.Ordinal)) throw new InvalidOperationException("the event said boom");
            return new MemoryStream(Encoding.UTF8.GetBytes($$"""{"echo":{{text}}}"""));
        };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var api = new RuntimeApiClient(lambda.Address);
        var loop = Task.Run(() => new RuntimeLoop(api, handler, new RuntimeLog(log.Writer, TimeProvider.System)).RunAsync(cancel.Token), TestContext.Current.CancellationToken);

        var first = lambda.Enqueue("""{"n":1}"""u8.ToArray());
        var failing = lambda.Enqueue("""{"n":"boom"}"""u8.ToArray());
        var third = lambda.Enqueue("""{"n":3}"""u8.ToArray());

        var ok = await lambda.WaitForOutcomeAsync(first, Wait);
        Assert.True(ok.Succeeded);
        Assert.Equal(1, JsonNode.Parse(ok.Text)!["echo"]!["n"]!.GetValue<int>());

        var failed = await lambda.WaitForOutcomeAsync(failing, Wait);
        Assert.False(failed.Succeeded);
        Assert.Equal("InvalidOperationException", failed.ErrorTypeHeader);
        var error = JsonNode.Parse(failed.Text)!;
        Assert.Equal("InvalidOperationException", error["errorType"]!.GetValue<string>());
        Assert.Equal("the event said boom", error["errorMessage"]!.GetValue<string>());
        Assert.NotEmpty(error["stackTrace"]!.AsArray());

        Assert.True((await lambda.WaitForOutcomeAsync(third, Wait)).Succeeded);
        Assert.Equal(["GET next", "POST response", "GET next", "POST error", "GET next", "POST response", "GET next"], await RequestsAsync(lambda, 7));

        var line = JsonNode.Parse(log.ToString().Trim())!;
        Assert.Equal(("error", "invocation_failed", failing, "the event said boom"),
            (line["level"]!.GetValue<string>(), line["event"]!.GetValue<string>(), line["requestId"]!.GetValue<string>(), line["errorMessage"]!.GetValue<string>()));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task A_response_Lambda_refuses_as_too_large_is_logged_and_not_reported_twice()
    {
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        lambda.MaxResponseBytes = 1000;
        using var api = new RuntimeApiClient(lambda.Address);
        var log = new LogCapture();
        var loop = new RuntimeLoop(api, _ => Task.FromResult<Stream>(new MemoryStream(new byte[5000])), new RuntimeLog(log.Writer, TimeProvider.System));
        var requestId = lambda.Enqueue("{}"u8.ToArray());

        await loop.InvokeAsync(await api.NextAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var outcome = await lambda.WaitForOutcomeAsync(requestId, Wait);
        Assert.False(outcome.Succeeded);
        Assert.Equal(["GET next", "POST response"], lambda.Requests);   // no error report: Lambda would refuse it with 403
        Assert.Contains("\"errorType\":\"Function.ResponseSizeTooLarge\"", log.ToString());
    }

    [Fact]
    public async Task A_refused_runtime_api_call_is_an_exception_that_ends_the_loop()
    {
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        using var api = new RuntimeApiClient(lambda.Address);
        var invocation = new Invocation("not-a-queued-request", [], null, null, null);
        var loop = new RuntimeLoop(api, _ => Task.FromResult<Stream>(new MemoryStream("{}"u8.ToArray())), new RuntimeLog(TextWriter.Null, TimeProvider.System));

        var e = await Assert.ThrowsAsync<RuntimeApiException>(() => loop.InvokeAsync(invocation, TestContext.Current.CancellationToken));
        Assert.Contains("POST invocation/response answered 400", e.Message);
    }

    [Fact]
    public async Task A_second_report_for_one_invocation_is_refused_as_Lambda_refuses_it()
    {
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        using var api = new RuntimeApiClient(lambda.Address);
        var requestId = lambda.Enqueue("{}"u8.ToArray());
        await api.NextAsync(TestContext.Current.CancellationToken);
        Assert.True(await api.RespondAsync(requestId, new MemoryStream("{}"u8.ToArray()), TestContext.Current.CancellationToken));

        var e = await Assert.ThrowsAsync<RuntimeApiException>(() =>
            api.ReportInvocationErrorAsync(requestId, new FunctionError("Late", "too late", []), TestContext.Current.CancellationToken));
        Assert.Contains("answered 403", e.Message);
    }

    [Theory]
    [InlineData(null, "_HANDLER is not set")]
    [InlineData("SgConfigRule.Rule::SgConfigRule.Rule.Function::Handle", "is not a function of this bootstrap")]
    public void An_unknown_handler_is_refused_naming_the_ones_it_runs(string? handler, string message)
    {
        var e = Assert.Throws<UnknownHandlerException>(() => LambdaHandlers.Create(handler));
        Assert.Contains(message, e.Message);
        Assert.Contains(LambdaHandlers.Rule, e.Message);
        Assert.Contains(LambdaHandlers.Revoke, e.Message);
    }

    [Theory]
    [InlineData("template.yaml", 3)]
    [InlineData("org/central.yaml", 3)]
    public void Every_handler_the_templates_deploy_is_one_the_bootstrap_runs(string template, int functions)
    {
        var handlers = File.ReadAllLines(Path.Combine(Support.TestData.RepositoryRoot, template))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("Handler: SgConfigRule.", StringComparison.Ordinal))
            .Select(l => l["Handler: ".Length..].Trim())
            .ToList();
        Assert.Equal(functions, handlers.Count);
        Assert.All(handlers, h => Assert.Contains(h, LambdaHandlers.Names));
    }

    private static async Task<IReadOnlyList<string>> RequestsAsync(FakeLambdaRuntimeApi lambda, int count)
    {
        // The loop's next GET may still be on its way when the last outcome is read.
        for (var i = 0; i < 100 && lambda.Requests.Count < count; i++) await Task.Delay(20);
        return lambda.Requests;
    }
}

/// <summary>Sets <c>_X_AMZN_TRACE_ID</c> in this process's environment: runs alone, like the other environment tests.</summary>
[Collection(nameof(Aws.ProcessEnvironment))]
public class RuntimeLoopTraceTests
{
    [Fact]
    public async Task The_invocations_trace_header_is_in_the_environment_while_its_handler_runs()
    {
        await using var lambda = await FakeLambdaRuntimeApi.StartAsync();
        using var api = new RuntimeApiClient(lambda.Address);
        string? seen = null;
        var loop = new RuntimeLoop(api, _ =>
        {
            seen = Environment.GetEnvironmentVariable(RuntimeLoop.TraceIdVariable);
            return Task.FromResult<Stream>(new MemoryStream("{}"u8.ToArray()));
        }, new RuntimeLog(TextWriter.Null, TimeProvider.System));
        const string trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
        var before = Environment.GetEnvironmentVariable(RuntimeLoop.TraceIdVariable);
        try
        {
            lambda.Enqueue("{}"u8.ToArray(), trace);
            var invocation = await api.NextAsync(TestContext.Current.CancellationToken);
            Assert.Equal(trace, invocation.TraceId);
            Assert.Equal("arn:aws:lambda:us-east-1:111122223333:function:sg-config-rule", invocation.FunctionArn);
            Assert.True(invocation.Deadline > DateTimeOffset.UtcNow);
            await loop.InvokeAsync(invocation, TestContext.Current.CancellationToken);
            Assert.Equal(trace, seen);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RuntimeLoop.TraceIdVariable, before);
        }
    }
}
