using System.Diagnostics;
using System.Text;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Lambda;

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
    public static BootstrapProcess Start(FakeLambdaRuntimeApi lambda, FakeAwsServer aws, string? handler, string? executable = null,
                                         string? trustedCertificates = null)
    {
        var start = executable is null
            ? new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "bootstrap.dll")])
            : new ProcessStartInfo(executable);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k == "_HANDLER").ToList())
            start.Environment.Remove(name);
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = lambda.Address;
        if (handler is not null) start.Environment["_HANDLER"] = handler;
        start.Environment["AWS_ENDPOINT_URL"] = aws.Url.ToString();
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["AWS_ACCESS_KEY_ID"] = FakeAwsServer.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = FakeAwsServer.SecretKey;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/config";
        if (trustedCertificates is not null) start.Environment["SSL_CERT_FILE"] = trustedCertificates;
        var process = Process.Start(start)!;
        var bootstrap = new BootstrapProcess(process);
        process.OutputDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bootstrap;
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
