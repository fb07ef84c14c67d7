using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The long-lived Python worker of the document runner answers as a fresh <c>python3</c> per script did (the former
/// runner, <see cref="PythonProcessPerScript"/>, is the reference), survives what a script can do to it, and is safe
/// to share; and how much faster a document run is with it.
/// </summary>
public class PythonScriptsTests
{
    public static TheoryData<string, string, string> Scripts => new()
    {
        { "def h(events, context):\n    return {'echo': events, 'n': 1, 'x': 1.5, 'ok': True, 'none': None}", "h", """{"a":"b","list":[1,2]}""" },
        { "def h(events, context):\n    return 'unicode: \u00e9\u4e2d\U0001F600 ' + events['s']", "h", """{"s":"caf\u00e9 \ud83d\ude00"}""" },
        { "def h(events, context):\n    return None", "h", "{}" },
        { "def h(events, context):\n    return [1, 'two']", "h", "{}" },
        { "def fail(events, context):\n    raise Exception('the remediation of %s failed' % events['g'])", "fail", """{"g":"sg-1"}""" },
        { "def h(events, context):\n    raise ValueError('line one\\nline two')", "h", "{}" },
        { "class Custom(Exception):\n    pass\n\ndef h(events, context):\n    raise Custom('mine')", "h", "{}" },
        { "def h(events, context):\n    return {1, 2}", "h", "{}" },
        { "def h(events, context):\n    return events['missing']", "h", "{}" },
        { "def h(events, context)\n    return 1", "h", "{}" },
        { "def h(events, context):\n    return 1", "no_such_handler", "{}" },
        { "raise RuntimeError('at import')\ndef h(events, context):\n    return 1", "h", "{}" },
        { "import json, sys\n\ndef h(events, context):\n    return json.loads(json.dumps(events))", "h", """{"k":[{"n":-1}]}""" },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task The_worker_answers_as_a_python3_per_script_does(string script, string handler, string events)
    {
        var expected = await OutcomeAsync(PythonProcessPerScript.Instance, script, handler, events);
        var actual = await OutcomeAsync(PythonWorkerPool.Shared, script, handler, events);
        Assert.Equal(expected, actual);
    }

    private static async Task<string> OutcomeAsync(IPythonScripts scripts, string script, string handler, string events)
    {
        try
        {
            var result = await scripts.RunAsync(script, handler, JsonNode.Parse(events)!.AsObject(), TestContext.Current.CancellationToken);
            return "result " + (result?.ToJsonString() ?? "null");
        }
        catch (ScriptFailedException e)
        {
            return "error " + e.Message;
        }
    }

    [Fact]
    public async Task Each_script_runs_in_a_fresh_namespace()
    {
        using var pool = new PythonWorkerPool(1);
        const string script = "seen = globals().get('counter')\ncounter = 1\n\ndef h(events, context):\n    return seen";
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await pool.RunAsync(script, "h", [], TestContext.Current.CancellationToken));
        }
        Assert.Equal(1, pool.Started);
    }

    [Fact]
    public async Task What_a_script_prints_or_reads_does_not_disturb_the_worker()
    {
        using var pool = new PythonWorkerPool(1);
        const string script = "import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)\n\ndef h(events, context):\n    return sys.stdin.read()";
        for (var i = 0; i < 3; i++) Assert.Equal("", (await pool.RunAsync(script, "h", [], TestContext.Current.CancellationToken))!.GetValue<string>());
        Assert.Equal(1, pool.Started);
    }

    /// <summary>A one-shot python3 turned <c>sys.exit(3)</c> into an empty error; the worker names it.</summary>
    [Fact]
    public async Task Sys_exit_fails_the_step_and_leaves_the_worker_running()
    {
        using var pool = new PythonWorkerPool(1);
        var e = await Assert.ThrowsAsync<ScriptFailedException>(() => pool.RunAsync("import sys\n\ndef h(events, context):\n    sys.exit(3)", "h", [], TestContext.Current.CancellationToken));
        Assert.Equal("script failed: SystemExit: 3", e.Message);
        Assert.Equal(1, (await pool.RunAsync("def h(events, context):\n    return 1", "h", [], TestContext.Current.CancellationToken))!.GetValue<int>());
        Assert.Equal(1, pool.Started);
    }

    [Fact]
    public async Task A_script_that_ends_its_interpreter_fails_its_step_and_the_next_script_gets_a_new_one()
    {
        using var pool = new PythonWorkerPool(1);
        const string echo = "def h(events, context):\n    return events['n']";
        Assert.Equal(1, (await pool.RunAsync(echo, "h", new JsonObject { ["n"] = 1 }, TestContext.Current.CancellationToken))!.GetValue<int>());
        var e = await Assert.ThrowsAsync<ScriptFailedException>(() => pool.RunAsync("import os\n\ndef h(events, context):\n    os._exit(7)", "h", [], TestContext.Current.CancellationToken));
        Assert.Equal("script failed: the interpreter exited with code 7", e.Message);
        Assert.Equal(2, (await pool.RunAsync(echo, "h", new JsonObject { ["n"] = 2 }, TestContext.Current.CancellationToken))!.GetValue<int>());
        Assert.Equal(2, pool.Started);
    }

    [Fact]
    public async Task A_script_that_runs_too_long_is_stopped_and_fails_its_step()
    {
        using var pool = new PythonWorkerPool(1, TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ScriptFailedException>(() => pool.RunAsync("def h(events, context):\n    while True:\n        pass", "h", [], TestContext.Current.CancellationToken));
        Assert.Contains("no answer within 1 s", e.Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(5, (await pool.RunAsync("def h(events, context):\n    return 5", "h", [], TestContext.Current.CancellationToken))!.GetValue<int>());
    }

    [Fact]
    public async Task Many_threads_share_a_pool_and_each_gets_its_own_answer()
    {
        using var pool = new PythonWorkerPool(3);
        const string script = "import time\n\ndef h(events, context):\n    time.sleep(0.002)\n    return {'n': events['n'], 'square': events['n'] ** 2}";
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(n => Task.Run(async () =>
            await pool.RunAsync(script, "h", new JsonObject { ["n"] = n }, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)));
        for (var n = 0; n < answers.Length; n++)
        {
            Assert.Equal((n, n * n), (answers[n]!["n"]!.GetValue<int>(), answers[n]!["square"]!.GetValue<int>()));
        }
        Assert.InRange(pool.Started, 1, 3);
    }

    [Fact]
    public async Task A_disposed_pool_ends_its_interpreters_and_refuses_work()
    {
        var pool = new PythonWorkerPool(2);
        await pool.RunAsync("def h(events, context):\n    return 1", "h", [], TestContext.Current.CancellationToken);
        pool.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.RunAsync("def h(events, context):\n    return 1", "h", [], TestContext.Current.CancellationToken));
    }

    /// <summary>One runner, many executions at once (the function here answers without AWS, as a crashed one would).</summary>
    [Fact]
    public async Task One_runner_runs_many_documents_at_once()
    {
        var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath);
        runner.Functions["sg-config-rule-revoke"] = async payload =>
        {
            await Task.Yield();
            var group = JsonNode.Parse(payload)!["SecurityGroupId"]!.GetValue<string>();
            throw new TimeoutException($"{group} ran out of time");
        };
        var groups = Enumerable.Range(0, 24).Select(i => $"sg-{i:x17}").ToList();
        var executions = await Task.WhenAll(groups.Select(g => Task.Run(() => runner.RunAsync(new Dictionary<string, string>
        {
            ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
            ["SecurityGroupId"] = g,
            ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
        }), TestContext.Current.CancellationToken)));
        for (var i = 0; i < groups.Count; i++)
        {
            Assert.Equal("Failed", executions[i].Status);
            Assert.Equal($"the remediation of {groups[i]} failed; the notification says why", executions[i].Steps.Last().Error?.Split(": ", 3)[^1]);
            Assert.Contains($"{groups[i]} ran out of time", JsonNode.Parse(executions[i].Published.Single().Message)!["email"]!.GetValue<string>());
        }
    }

    /// <summary>
    /// Before and after: <c>SGCR_RUNNER_BENCH_RUNS</c> (default 5) runs of the success path of
    /// <see cref="AutomationDocumentTests"/> (a loopback AWS, the real revoke function; one script step) and of the
    /// crashed-function path (two script steps, no AWS), with a python3 per script and with the worker pool.
    /// </summary>
    [Fact]
    public async Task Document_runs_with_the_worker_and_with_a_python3_per_script()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("SGCR_RUNNER_BENCH_RUNS"), out var n) && n > 0 ? n : 5;
        var report = new StringBuilder();
        foreach (var (scenario, run) in new (string, Func<IPythonScripts, Task>)[] { ("success path", SuccessPathAsync), ("crashed function", CrashedFunctionAsync) })
        {
            await run(PythonWorkerPool.Shared);   // warm: the JIT, a worker
            foreach (var (name, scripts) in new (string, IPythonScripts)[] { ("python3 per script", PythonProcessPerScript.Instance), ("worker pool", PythonWorkerPool.Shared) })
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < runs; i++) await run(scripts);
                report.AppendLine($"{scenario}, {name}: {runs} runs in {watch.Elapsed.TotalMilliseconds:0} ms, {watch.Elapsed.TotalMilliseconds / runs:0.0} ms a run");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
    }

    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
        ["SecurityGroupId"] = RemediationHarness.WebGroup,
        ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
        ["Mode"] = "Revoke",
    };

    private static async Task SuccessPathAsync(IPythonScripts scripts)
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath, scripts);
        runner.Functions["sg-config-rule-revoke"] = async payload =>
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
            using var output = await harness.Function.HandleAsync(input);
            return await new StreamReader(output).ReadToEndAsync();
        };
        var execution = await runner.RunAsync(Parameters);
        Assert.Equal("Success", execution.Status);
        Assert.Equal("Revoked", execution.Outputs["ReadOutcome.Status"]);
    }

    private static async Task CrashedFunctionAsync(IPythonScripts scripts)
    {
        var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath, scripts);
        runner.Functions["sg-config-rule-revoke"] = _ => throw new TimeoutException("the function ran out of memory");
        var execution = await runner.RunAsync(Parameters);
        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Notify", "Route", "KeepUnannounced", "FailRemediation"], execution.Steps.Select(s => s.Name));
    }
}
