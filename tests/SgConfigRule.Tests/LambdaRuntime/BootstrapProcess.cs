using System.Diagnostics;
using System.Text;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Lambda;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.LambdaRuntime;

/// <summary>
/// The built <c>bootstrap</c> as Lambda's custom runtime starts it: its own process, with <c>AWS_LAMBDA_RUNTIME_API</c>,
/// <c>_HANDLER</c> and the AWS settings in its environment: the JIT build next to the tests, or a given executable
/// (the Native AOT one that package.sh bundles).
/// </summary>
internal sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private BootstrapProcess(Process process) => this.process = process;

    public string Output { get { lock (output) return output.ToString(); } }

    /// <param name="trustedCertificates">A PEM file the process trusts instead of the system's (for endpoints served over HTTPS).</param>
    public const string LedgerTable = "sg-config-rule-ledger";

    public static BootstrapProcess Start(FakeLambdaRuntimeApi lambda, FakeAwsServer aws, string? handler, string? executable = null,
                                         string? trustedCertificates = null)
    {
        var start = executable is null
            ? new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "bootstrap.dll")])
            : new ProcessStartInfo(executable);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        FakeAwsEnvironment.Apply(start.Environment, aws);
        start.Environment.Remove("_HANDLER");
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = lambda.Address;
        // Deployed as the walkthrough's stack is once it revokes (the function refuses Revoke below this ceiling).
        start.Environment["SGCR_REMEDIATION_MODE"] = "Revoke";
        // With the ledger table the template creates (in the loopback DynamoDB), as deployed.
        if (!aws.DynamoDb.Tables.Any(t => t.Name == LedgerTable)) aws.DynamoDb.CreateTable(LedgerTable, "pk");
        start.Environment["SGCR_LEDGER_TABLE"] = LedgerTable;
        if (handler is not null) start.Environment["_HANDLER"] = handler;
        if (trustedCertificates is not null) start.Environment["SSL_CERT_FILE"] = trustedCertificates;
        var process = Process.Start(start)!;
        var bootstrap = new BootstrapProcess(process);
        process.OutputDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bootstrap;
    }

    /// <summary>
    /// Its output once it holds <paramref name="text"/> (or at the timeout): the output is read as it comes, so a line
    /// written just before the process answered the Runtime API may arrive here just after.
    /// </summary>
    public async Task<string> OutputOnceItHoldsAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(10);
        return Output;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }
}
