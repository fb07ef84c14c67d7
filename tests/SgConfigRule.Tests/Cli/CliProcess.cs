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

    public static Task<Outcome> RunAsync(FakeAwsServer? server, string? standardInput, params string[] args) =>
        RunAsync(server, standardInput, new Dictionary<string, string?>(), args);

    /// <summary>As above, with <paramref name="environment"/> set over the loopback one (a null value removes a variable).</summary>
    public static async Task<Outcome> RunAsync(FakeAwsServer? server, string? standardInput, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sg-config-rule.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        FakeAwsEnvironment.Apply(start.Environment, server);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Outcome(process.ExitCode, await output, await error);
    }
}
