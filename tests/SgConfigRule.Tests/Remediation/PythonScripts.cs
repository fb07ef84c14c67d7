using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// Runs the Python of an <c>aws:executeScript</c> step: the script's text, its handler's name and the step's
/// <c>InputPayload</c> as <c>events</c>. The script runs in a fresh global namespace; its handler's return value is the
/// output. An exception fails the step: <see cref="ScriptFailedException"/> carries the last line Python prints for
/// it ("Exception: the remediation … failed"), as the step's error.
/// </summary>
public interface IPythonScripts
{
    Task<JsonNode?> RunAsync(string script, string handler, JsonObject events, CancellationToken cancellationToken = default);
}

/// <summary>The script raised, returned something JSON cannot hold, ran out of time, or ended its interpreter.</summary>
public sealed class ScriptFailedException(string detail) : InvalidOperationException($"script failed: {detail}");

/// <summary>/usr/bin/python3 could not be started or spoke nonsense: the test environment is broken, not the step.</summary>
public sealed class ScriptHostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Each script in one long-lived <c>/usr/bin/python3</c> (a driver reading one JSON request a line on stdin and answering
/// one JSON line), instead of one interpreter per step: a process start costs 30-50 ms, a request well under one.
/// A pool: a request takes an idle worker or starts one (at most <c>maxWorkers</c> at once, further requests wait), so
/// any number of threads may share it. A worker that dies (a script that calls <c>os._exit</c>) or overruns the
/// timeout is killed and replaced on the next request. <see cref="Shared"/> serves every runner of the test process and
/// ends its workers when the process exits (they also end on their own when their stdin closes).
/// <para>What a script shares with the scripts before it in the same worker: the modules already imported (as in any
/// warm interpreter) — never its globals. What it prints goes to its own buffer, not to the protocol (in SSM it goes
/// to the step's console output, not to its outputs).</para>
/// </summary>
public sealed class PythonWorkerPool : IPythonScripts, IDisposable
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The driver. Requests and replies are ASCII JSON (json.dumps escapes the rest), one a line.</summary>
    private const string Driver = """
        import io, json, sys, traceback

        def run(script, handler, events):
            namespace = {'__name__': '__main__'}
            console = io.StringIO()
            saved = sys.stdin, sys.stdout, sys.stderr
            sys.stdin, sys.stdout, sys.stderr = io.StringIO(), console, console
            try:
                exec(compile(script, '<script>', 'exec'), namespace)
                result = eval(compile(handler, '<handler>', 'eval'), namespace)(events, None)
                return '{"ok": true, "result": ' + json.dumps(result) + '}'
            except BaseException as e:
                # The last line Python prints for an uncaught exception: "Type: message".
                last = ''.join(traceback.format_exception_only(type(e), e)).strip().split('\n')[-1]
                return json.dumps({'ok': False, 'type': type(e).__name__, 'message': str(e), 'error': last})
            finally:
                sys.stdin, sys.stdout, sys.stderr = saved

        requests, replies = sys.stdin.buffer, sys.stdout.buffer
        replies.write(b'{"ready": true}\n')
        replies.flush()
        for line in iter(requests.readline, b''):
            request = json.loads(line.decode('utf-8'))
            replies.write(run(request['script'], request['handler'], request['events']).encode('ascii') + b'\n')
            replies.flush()
        """;

    private readonly ConcurrentBag<Worker> idle = [];
    private readonly ConcurrentDictionary<Worker, byte> all = new();
    private readonly SemaphoreSlim slots;
    private volatile bool disposed;

    public PythonWorkerPool(int maxWorkers, TimeSpan? scriptTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWorkers, 1);
        slots = new SemaphoreSlim(maxWorkers, maxWorkers);
        ScriptTimeout = scriptTimeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>One pool for the test process, as wide as the machine.</summary>
    public static PythonWorkerPool Shared { get; } = CreateShared();

    private static PythonWorkerPool CreateShared()
    {
        var pool = new PythonWorkerPool(Math.Max(2, Environment.ProcessorCount));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pool.Dispose();
        return pool;
    }

    /// <summary>How long one script may run before its worker is killed and the step fails.</summary>
    public TimeSpan ScriptTimeout { get; }

    /// <summary>Interpreters started so far (a dead or timed-out worker is replaced by a new one).</summary>
    public int Started => started;

    private int started;

    public async Task<JsonNode?> RunAsync(string script, string handler, JsonObject events, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var request = new JsonObject { ["script"] = script, ["handler"] = handler, ["events"] = events.DeepClone() }.ToJsonString();
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var worker = TakeIdle() ?? await StartAsync(cancellationToken).ConfigureAwait(false);
            string reply;
            try
            {
                reply = await worker.AskAsync(request, ScriptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Retire(worker);
                throw;
            }
            if (disposed) Retire(worker);
            else idle.Add(worker);
            return Read(reply);
        }
        finally
        {
            slots.Release();
        }
    }

    private static JsonNode? Read(string reply)
    {
        var answer = JsonNode.Parse(reply) as JsonObject ?? throw new ScriptHostException($"the Python worker answered '{reply}'");
        if (answer["ok"]?.GetValue<bool>() == true) return answer["result"]?.DeepClone();
        throw new ScriptFailedException(answer["error"]?.GetValue<string>() ?? "");
    }

    private Worker? TakeIdle()
    {
        while (idle.TryTake(out var worker))
        {
            if (worker.IsAlive) return worker;
            Retire(worker);
        }
        return null;
    }

    private async Task<Worker> StartAsync(CancellationToken cancellationToken)
    {
        var worker = Worker.Start(Driver);
        all[worker] = 0;
        Interlocked.Increment(ref started);
        try
        {
            var ready = await worker.ReadReplyAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            if (ready != """{"ready": true}""") throw new ScriptHostException($"the Python worker started with '{ready}'");
        }
        catch (ScriptFailedException e)
        {
            Retire(worker);
            throw new ScriptHostException($"{Interpreter} did not start the script driver: {e.Message}", e);
        }
        catch
        {
            Retire(worker);
            throw;
        }
        return worker;
    }

    private void Retire(Worker worker)
    {
        all.TryRemove(worker, out _);
        worker.Dispose();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var worker in all.Keys) Retire(worker);
    }

    /// <summary>One interpreter running the driver.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process process;
        private readonly Queue<string> errorTail = new();

        private Worker(Process process) => this.process = process;

        public static Worker Start(string driver)
        {
            var start = new ProcessStartInfo(Interpreter, ["-c", driver])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = Encoding.UTF8,
            };
            start.Environment["PYENV_VERSION"] = "system";
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new ScriptHostException($"could not start {Interpreter}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new ScriptHostException($"could not start {Interpreter}: {e.Message}", e);
            }
            var worker = new Worker(process);
            process.ErrorDataReceived += (_, e) => worker.KeepErrorLine(e.Data);
            process.BeginErrorReadLine();
            return worker;
        }

        public bool IsAlive => !process.HasExited;

        public async Task<string> AskAsync(string request, TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await process.StandardInput.WriteLineAsync(request.AsMemory(), cancellationToken).ConfigureAwait(false);
                await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The worker died since its last answer (a broken pipe): the read below says how.
            }
            return await ReadReplyAsync(timeout, cancellationToken).ConfigureAwait(false);
        }

        public async Task<string> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ScriptFailedException($"no answer within {timeout.TotalSeconds:0.#} s (the interpreter was stopped)");
            }
            if (line is not null) return line;
            // End of output: the interpreter exited, as a script's os._exit or a crash ends a one-shot python3.
            process.WaitForExit();
            string tail;
            lock (errorTail) tail = string.Join('\n', errorTail);
            throw new ScriptFailedException(tail.Trim().Split('\n').LastOrDefault() is { Length: > 0 } last
                ? last
                : $"the interpreter exited with code {process.ExitCode}");
        }

        private void KeepErrorLine(string? line)
        {
            if (line is null) return;
            lock (errorTail)
            {
                errorTail.Enqueue(line);
                while (errorTail.Count > 20) errorTail.Dequeue();
            }
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.StandardInput.Close();  // the driver ends at end of input
                    if (!process.WaitForExit(TimeSpan.FromSeconds(1))) process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
            process.Dispose();
        }
    }
}

/// <summary>
/// The runner's former way, kept as the reference the worker is compared with (and for the before/after figures):
/// each script appended with a call of its handler, written to a file and run by a new <c>/usr/bin/python3</c>.
/// </summary>
public sealed class PythonProcessPerScript : IPythonScripts
{
    public static PythonProcessPerScript Instance { get; } = new();

    public async Task<JsonNode?> RunAsync(string script, string handler, JsonObject events, CancellationToken cancellationToken = default)
    {
        var wrapper = script + "\n\nimport json as _json, sys as _sys\n_result = " + handler + "(_json.loads(_sys.stdin.read()), None)\n_sys.stdout.write(_json.dumps(_result))\n";
        var file = Path.Combine(Path.GetTempPath(), $"ssm-script-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, wrapper, cancellationToken).ConfigureAwait(false);
        try
        {
            var start = new ProcessStartInfo(PythonWorkerPool.Interpreter, [file])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardInputEncoding = new UTF8Encoding(false),
            };
            start.Environment["PYENV_VERSION"] = "system";
            using var process = Process.Start(start)!;
            await process.StandardInput.WriteAsync(events.ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0) throw new ScriptFailedException((await errors.ConfigureAwait(false)).Trim().Split('\n').LastOrDefault() ?? "");
            return JsonNode.Parse(await output.ConfigureAwait(false));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
