using System.Text.RegularExpressions;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Docs;

/// <summary>Every relative link in the README and docs/ points at a file that exists, and at a heading that exists.</summary>
public sealed partial class DocumentationLinkTests
{
    public static TheoryData<string> Pages() =>
        [.. new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(TestData.RepositoryRoot, f))).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Relative_links_resolve(string page)
    {
        var path = Path.Combine(TestData.RepositoryRoot, page);
        var text = File.ReadAllText(path);
        foreach (Match link in Link().Matches(text))
        {
            var target = link.Groups[1].Value;
            if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var parts = target.Split('#', 2);
            var file = parts[0].Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, parts[0]));
            Assert.True(File.Exists(file) || Directory.Exists(file), $"{page}: link {target} points at nothing");
            if (parts.Length == 2 && file.EndsWith(".md", StringComparison.Ordinal))
            {
                var anchors = Heading().Matches(File.ReadAllText(file)).Select(h => Slug(h.Groups[1].Value)).ToHashSet();
                Assert.True(anchors.Contains(parts[1]), $"{page}: link {target} names no heading of {parts[0]}");
            }
        }
    }

    [Fact]
    public void Every_docs_page_is_reachable_from_the_README()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md"));
        foreach (var page in Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "docs"), "*.md"))
        {
            Assert.Contains($"(docs/{Path.GetFileName(page)})", readme);
        }
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces become hyphens.</summary>
    private static string Slug(string heading) =>
        Regex.Replace(Regex.Replace(heading.Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", ""), " ", "-");

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
