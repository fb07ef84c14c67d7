using System.Diagnostics;
using SgConfigRule.FakeAws;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// Runs the built <c>sg-config-rule</c> as a separate process with its own environment — the way a user runs it,
/// and the only way to give it <c>AWS_ENDPOINT_URL</c> without touching this test process's environment.
/// </summary>
internal static class CliProcess
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static async Task<Outcome> RunAsync(FakeAwsServer? server, string? standardInput, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sg-config-rule.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        FakeAwsEnvironment.Apply(start.Environment, server);
        using var process = Process.Start(start)!;
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Outcome(process.ExitCode, await output, await error);
    }
}
