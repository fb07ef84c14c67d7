using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Docs;

/// <summary>
/// docs/policy.md shows each behaviour as a JSON block (group, parameters, verdict, annotation). This evaluates every
/// block, so a change to the policy that is not reflected in the documentation fails here.
/// </summary>
public partial class PolicyDocExamplesTests
{
    private static readonly DateTimeOffset DefaultAt = DateTimeOffset.Parse("2026-11-26T12:00:00Z", CultureInfo.InvariantCulture);

    public static TheoryData<string> Examples() => [.. ExampleBlocks()];

    private static IEnumerable<string> ExampleBlocks()
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "policy.md"));
        return JsonBlock().Matches(text).Select(m => m.Groups[1].Value).Where(b => b.Contains("\"example\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_policy_page_has_an_example_for_every_parameter_and_verdict()
    {
        var examples = ExampleBlocks().Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList();
        Assert.True(examples.Count >= 15, $"{examples.Count} examples");
        foreach (var key in ParameterNames.All.Where(k => k is not (ParameterNames.ExecutionRoleName or ParameterNames.FullRepostDays)))
        {
            Assert.Contains(examples, e => e.GetProperty("parameters").TryGetProperty(key, out _) || (key == ParameterNames.ExemptionTagKey
                && e.GetProperty("group").TryGetProperty("Tags", out _)));
        }
        Assert.Contains(examples, e => e.GetProperty("verdict").GetString() == "COMPLIANT");
        Assert.Contains(examples, e => e.GetProperty("verdict").GetString() == "NON_COMPLIANT");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Each_documented_example_evaluates_as_shown(string block)
    {
        using var example = JsonDocument.Parse(block);
        var root = example.RootElement;
        var item = InputReader.Read(new JsonCursor(root.GetProperty("group"), JsonPath.Root)).Single();
        Assert.Null(item.Error);
        var parameters = ParameterParser.Parse(root.GetProperty("parameters"));
        var at = root.TryGetProperty("at", out var time) ? DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture) : DefaultAt;
        var lists = root.TryGetProperty("prefixLists", out var pl)
            ? PrefixListCatalog.Of(pl.EnumerateArray().Select(l => new PrefixList(
                l.GetProperty("PrefixListId").GetString()!, l.GetProperty("PrefixListName").GetString(),
                [.. l.GetProperty("Entries").EnumerateArray().Select(e => Cidr.Parse(e.GetString()!))])))
            : null;

        var evaluation = Evaluator.Evaluate(item.Item!, parameters, at, lists);

        Assert.Equal(root.GetProperty("verdict").GetString(), evaluation.Compliance.ToWire());
        var annotation = root.GetProperty("annotation");
        Assert.Equal(annotation.ValueKind == JsonValueKind.Null ? null : annotation.GetString(), evaluation.Annotation);
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
