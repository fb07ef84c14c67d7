using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// The native executable of the tool, built once per test run the way a user builds it (<c>cli/publish-native.sh</c>,
/// about a minute and a half), into a folder of its own that is deleted when the run ends.
/// </summary>
internal static class NativeCli
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The executable's path (built on first use; a build that fails fails every test that asks).</summary>
    public static string Executable => Built.Value;

    private static string Build()
    {
        var output = Directory.CreateTempSubdirectory("sgcr-native-cli-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(output, recursive: true);
        var run = ProcessRunner.Run("bash", [Path.Combine(TestData.RepositoryRoot, "cli", "publish-native.sh"), "--output", output],
                                    timeout: TimeSpan.FromMinutes(15));
        var executable = Path.Combine(output, "sg-config-rule");
        Assert.True(run.ExitCode == 0 && File.Exists(executable), run.All);
        // The script prints the executable's path, and nothing else, on standard output.
        Assert.Equal(executable, run.Output.Trim());
        return executable;
    }
}
