using System.Diagnostics;
using SgConfigRule.FakeAws;

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
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/config";
        if (server is not null)
        {
            start.Environment["AWS_ENDPOINT_URL"] = server.Url.ToString();
            start.Environment["AWS_REGION"] = "us-east-1";
            start.Environment["AWS_ACCESS_KEY_ID"] = FakeAwsServer.AccessKey;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = FakeAwsServer.SecretKey;
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
