namespace SgConfigRule.Tests.Support;

/// <summary>Paths of the data copied next to the test assembly (tests/data, see tests/data/recorded/README.md).</summary>
internal static class TestData
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "data");

    public static string Recorded(params string[] parts) => Path.Combine([Root, "recorded", .. parts]);

    public static IEnumerable<string> RecordedFiles(string folder) =>
        Directory.EnumerateFiles(Recorded(folder), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>The repository checkout (for tests of files that ship with it, such as the bundled sample).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SgConfigRule.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SgConfigRule.sln not found above " + AppContext.BaseDirectory);
    }
}
