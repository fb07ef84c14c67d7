using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SgConfigRule.Cli;
using SgConfigRule.Tests.Cli;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Packaging;

/// <summary>
/// One version for the whole product, written once: <c>&lt;Version&gt;</c> in Directory.Build.props. The tool
/// package, <c>sg-config-rule --version</c>, the SARIF report and every assembly (the Lambda functions' included)
/// take it from there, and no other file of the repository writes it or sets a version of its own (issue 17).
/// </summary>
public sealed partial class VersionSourceTests
{
    /// <summary>The product version, read from its one source.</summary>
    internal static string ProductVersion { get; } = ReadSource();

    private static string ReadSource()
    {
        var props = XDocument.Load(Path.Combine(TestData.RepositoryRoot, "Directory.Build.props"));
        var versions = props.Descendants("Version").ToList();
        Assert.True(versions.Count == 1, $"Directory.Build.props sets <Version> {versions.Count} times");
        return versions[0].Value.Trim();
    }

    [Fact]
    public void The_source_holds_a_semantic_version()
    {
        Assert.Matches(SemanticVersion(), ProductVersion);
    }

    [Fact]
    public void No_project_sets_a_version_of_its_own()
    {
        var elements = new[] { "Version", "VersionPrefix", "VersionSuffix", "PackageVersion", "AssemblyVersion", "FileVersion", "InformationalVersion", "AssemblyInformationalVersion" };
        var found = new List<string>();
        foreach (var file in RepositoryFiles().Where(f => f.EndsWith("proj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(TestData.RepositoryRoot, file);
            var set = XDocument.Load(file).Descendants().Where(e => elements.Contains(e.Name.LocalName) && e.Parent?.Name.LocalName == "PropertyGroup");
            found.AddRange(set.Select(e => $"{relative}: <{e.Name.LocalName}>{e.Value}</{e.Name.LocalName}>"));
        }
        Assert.Equal([$"Directory.Build.props: <Version>{ProductVersion}</Version>"], found);
        foreach (var file in RepositoryFiles().Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            Assert.False(AssemblyVersionAttribute().IsMatch(File.ReadAllText(file)), $"{Path.GetRelativePath(TestData.RepositoryRoot, file)} sets an assembly version");
        }
    }

    [Fact]
    public void No_other_file_writes_the_version()
    {
        var literal = new Regex($@"(?<![\d.]){Regex.Escape(ProductVersion)}(?!\d|\.\d)");
        var written = RepositoryFiles()
            .Where(f => Path.GetFileName(f) != "Directory.Build.props" && TextFile().IsMatch(Path.GetFileName(f)))
            .Where(f => literal.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(TestData.RepositoryRoot, f));
        Assert.Empty(written);
    }

    [Fact]
    public void Every_assembly_of_the_product_carries_it()
    {
        var assemblies = new[]
        {
            typeof(CliApp).Assembly,                                        // the tool
            typeof(SgConfigRule.Rule.RuleFunction).Assembly,                // the Config rule function
            typeof(SgConfigRule.Remediation.RevokeFunction).Assembly,       // the revoke function
            typeof(SgConfigRule.LambdaRuntime.LambdaHandlers).Assembly,     // the Native AOT bootstrap
            typeof(SgConfigRule.Policy.Model.Cidr).Assembly,
        };
        foreach (var assembly in assemblies)
        {
            Assert.Equal(ProductVersion, assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        }
    }

    [Fact]
    public async Task The_tool_prints_it()
    {
        var run = await CliProcess.RunAsync(null, null, "--version");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(ProductVersion, run.Out.TrimEnd('\n'));
    }

    [Fact]
    public void The_SARIF_report_names_it_as_the_tool_version()
    {
        var run = CliRunner.Run("scan", "--format", "sarif");

        using var sarif = JsonDocument.Parse(run.Out);
        Assert.Equal(ProductVersion, sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("semanticVersion").GetString());
    }

    /// <summary>The repository's own files: no build output, no third-party data or tools (tests/data, tests/tools).</summary>
    internal static IEnumerable<string> RepositoryFiles()
    {
        var skipped = new[] { ".git", "bin", "obj", "node_modules", "artifacts", ".test-results", "BenchmarkDotNet.Artifacts", "StrykerOutput" };
        var thirdParty = new[] { Path.Combine(TestData.RepositoryRoot, "tests", "data"), Path.Combine(TestData.RepositoryRoot, "tests", "tools") };
        var pending = new Stack<string>([TestData.RepositoryRoot]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(folder)) yield return file;
            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                if (!skipped.Contains(Path.GetFileName(child)) && !thirdParty.Contains(child)) pending.Push(child);
            }
        }
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();

    [GeneratedRegex(@"\[assembly:\s*Assembly(File|Informational)?Version")]
    private static partial Regex AssemblyVersionAttribute();

    [GeneratedRegex(@"(\.(cs|csproj|props|targets|ya?ml|json|md|sh|py|txt|xml|html)|^Makefile|^run)$")]
    private static partial Regex TextFile();
}
