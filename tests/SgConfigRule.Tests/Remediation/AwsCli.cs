using System.Diagnostics;
using SgConfigRule.FakeAws;

namespace SgConfigRule.Tests.Remediation;

/// <summary>Runs a command a notice tells people to run — the restore command — with the real AWS CLI against the loopback endpoints.</summary>
internal static class AwsCli
{
    public static async Task RunAsync(string command, FakeAwsServer server)
    {
        Assert.True(File.Exists("/usr/bin/aws"), "the AWS CLI (Debian package awscli) is missing: ./test.sh installs it");
        var start = new ProcessStartInfo("/bin/sh", ["-c", command + " --endpoint-url " + server.Url + " --output json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Only the loopback's credentials: nothing from the machine's own AWS configuration.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        start.Environment["AWS_ACCESS_KEY_ID"] = FakeAwsServer.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = FakeAwsServer.SecretKey;
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent";
        start.Environment["PYENV_VERSION"] = "system";
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, stderr);
    }
}
