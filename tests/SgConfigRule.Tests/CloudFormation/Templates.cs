using SgConfigRule.Cli.Scan;
using SgConfigRule.Input;
using SgConfigRule.Input.CloudFormation;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>Reads templates in tests as <c>scan</c> does: YAML or JSON text, a name, parameter values.</summary>
internal static class Templates
{
    public static List<ReadResult> Read(string text, string name = "template.yaml", IReadOnlyDictionary<string, string>? parameters = null)
    {
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        var results = TemplateInput.TryRead(input, name, parameters ?? new Dictionary<string, string>(), out _);
        Assert.NotNull(results);
        return [.. results];
    }

    public static List<ResourceItem> Items(string text, string name = "template.yaml", IReadOnlyDictionary<string, string>? parameters = null)
    {
        var results = Read(text, name, parameters);
        Assert.All(results, r => Assert.True(r.Error is null, r.Error?.Message));
        return [.. results.Select(r => r.Item!)];
    }

    public static SecurityGroup Group(string text, string logicalId, IReadOnlyDictionary<string, string>? parameters = null) =>
        Items(text, parameters: parameters).Single(i => i.ResourceId == logicalId).Group!;

    public static string DataFile(string name) => Path.Combine(Support.TestData.Root, "iac", "cloudformation", name);
}
