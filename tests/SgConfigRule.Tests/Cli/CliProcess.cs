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
    public static Task<Outcome> RunAsync(FakeAwsServer? server, string? standardInput, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunWithAsync(null, server, standardInput, environment, args);

    /// <summary>
    /// As above, with a given build of the tool: null for the one beside the tests (run by <c>dotnet</c>), else an
    /// executable (the native one <c>cli/publish-native.sh</c> builds, <see cref="NativeCli"/>).
    /// </summary>
    public static async Task<Outcome> RunWithAsync(string? executable, FakeAwsServer? server, string? standardInput,
                                                   IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = executable is null
            ? new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "sg-config-rule.dll"), .. args])
            : new ProcessStartInfo(executable, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        FakeAwsEnvironment.Apply(start.Environment, server);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        // Read before writing: a large input's report fills the output pipe long before the input is all written.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Outcome(process.ExitCode, await output, await error);
    }
}
