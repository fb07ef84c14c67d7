using System.Reflection;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Packaging;

/// <summary>
/// The README's install and upgrade, for real: <c>dotnet pack cli</c>, <c>dotnet tool install --add-source</c>, a new
/// pack, <c>dotnet tool update --add-source</c> — and the installed <c>sg-config-rule --version</c> names the new
/// version. Into a throwaway tool path, feed and NuGet packages folder, with a NuGet configuration that names no
/// registry: nothing is asked of nuget.org and nothing lands in the machine's NuGet cache, so no stale package of
/// a version can be picked up later.
/// </summary>
/// <remarks>
/// Slow, over the 60 s a test should take: about 10 s for the first pack (it packs the build these tests run from,
/// <c>--no-build</c>), then the second compiles the tool and the five projects it references again, because the
/// version is in every assembly: 47 s of processor time without the analyzers (78 s with them), measured on a
/// two-core machine other builds were sharing, where it took 2 min 13 s (4 min 19 s with the analyzers). It builds
/// into its own artifacts folder, so the repository's build output keeps the source's version.
/// </remarks>
public sealed class ToolUpdateTests
{
    private const string Package = "SgConfigRule.Cli";

    [Fact]
    public void A_new_pack_updates_the_installed_tool()
    {
        var work = Directory.CreateTempSubdirectory("sgcr-tool-").FullName;
        try
        {
            var feed = Path.Combine(work, "feed");
            var tools = Path.Combine(work, "tools");
            var packages = Path.Combine(work, "packages");   // tool installs never reach the machine's NuGet cache
            var config = Path.Combine(work, "nuget.config");
            File.WriteAllText(config, """
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                  </packageSources>
                </configuration>
                """);
            var current = VersionSourceTests.ProductVersion;
            var next = NextPatch(current);

            // What `dotnet pack cli -c Release -o artifacts` makes, from the build these tests run on.
            Dotnet(null, TimeSpan.FromMinutes(5), "pack", Cli, "-c", Configuration, "--no-build", "-o", feed, "-nologo", "-nodeReuse:false");
            Assert.True(File.Exists(Path.Combine(feed, $"{Package}.{current}.nupkg")), $"no {Package}.{current}.nupkg in {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");

            var install = Dotnet(packages, TimeSpan.FromMinutes(2), "tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", feed, Package);
            Assert.Contains($"'{current}'", install.Output, StringComparison.Ordinal);
            Assert.Equal(current, InstalledVersion(tools));

            // A release: the version source says `next` (here: the same override a one-off build would pass). The
            // analyzers already ran on these sources when the tests were built; skipping them saves a third of the time.
            Dotnet(null, TimeSpan.FromMinutes(10), "pack", Cli, "-c", Configuration, "-p:Version=" + next, "-p:RunAnalyzers=false",
                   "--artifacts-path", Path.Combine(work, "build"), "-o", feed, "-nologo", "-nodeReuse:false", "-clp:ErrorsOnly");
            Assert.True(File.Exists(Path.Combine(feed, $"{Package}.{next}.nupkg")));

            var update = Dotnet(packages, TimeSpan.FromMinutes(2), "tool", "update", "--tool-path", tools, "--configfile", config, "--add-source", feed, Package);
            Assert.Contains($"from version '{current}' to version '{next}'", update.Output, StringComparison.Ordinal);
            Assert.Equal(next, InstalledVersion(tools));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The commands the README and docs/cli.md give are the ones run above (with a tool path for --global).</summary>
    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/cli.md")]
    public void The_documentation_installs_and_updates_as_tested(string page)
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, page));
        Assert.Contains("dotnet pack cli -c Release -o artifacts", text, StringComparison.Ordinal);
        Assert.Contains($"dotnet tool install --global --add-source artifacts {Package}", text, StringComparison.Ordinal);
        Assert.Contains($"dotnet tool update --global --add-source artifacts {Package}", text, StringComparison.Ordinal);
    }

    private static string Cli => Path.Combine(TestData.RepositoryRoot, "cli", "SgConfigRule.Cli.csproj");

    /// <summary>The configuration these tests were built in: the CLI next to them was built in it too.</summary>
    private static string Configuration => typeof(ToolUpdateTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The next patch release: 1.2.3 and 1.2.3-rc.1 both become 1.2.4.</summary>
    private static string NextPatch(string version)
    {
        var parts = version.Split('-')[0].Split('.').Select(int.Parse).ToArray();
        return $"{parts[0]}.{parts[1]}.{parts[2] + 1}";
    }

    private static string InstalledVersion(string tools)
    {
        var run = ProcessRunner.Run(Path.Combine(tools, "sg-config-rule"), ["--version"], environment: Environment(null));
        Assert.True(run.ExitCode == 0, run.All);
        return run.Output.TrimEnd('\n');
    }

    /// <param name="packages">The NuGet packages folder (null: the machine's, which the packs restore from).</param>
    private static ProcessRunner.Result Dotnet(string? packages, TimeSpan timeout, params string[] arguments)
    {
        var run = ProcessRunner.Run("dotnet", arguments, environment: Environment(packages), timeout: timeout);
        Assert.True(run.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}: {run.All}");
        return run;
    }

    private static Dictionary<string, string> Environment(string? packages)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            // The installed tool's launcher finds this runtime wherever the SDK is installed.
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", "..")),
        };
        if (packages is not null) environment["NUGET_PACKAGES"] = packages;
        return environment;
    }
}
