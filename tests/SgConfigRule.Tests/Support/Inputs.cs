using System.Text.Json;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Support;

/// <summary>Runs the input reader on JSON text and returns items and errors, so tests assert on both.</summary>
internal static class Inputs
{
    public static List<ReadResult> ReadAll(string json)
    {
        using var document = JsonText.Parse(System.Text.Encoding.UTF8.GetBytes(json), JsonPath.Root);
        return InputReader.Read(document.RootElement).ToList();
    }

    public static List<ResourceItem> Items(string json)
    {
        var results = ReadAll(json);
        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!.Message).ToList();
        Assert.True(errors.Count == 0, "unexpected input errors: " + string.Join(" | ", errors));
        return results.Select(r => r.Item!).ToList();
    }

    public static ResourceItem Single(string json) => Assert.Single(Items(json));

    public static SecurityGroup Group(string json) => Single(json).Group ?? throw new InvalidOperationException("not a group");

    public static InputException Error(string json)
    {
        var results = ReadAll(json);
        var error = results.Select(r => r.Error).FirstOrDefault(e => e is not null);
        return error ?? throw new Xunit.Sdk.XunitException("expected an input error; got " +
            string.Join(", ", results.Select(r => r.Item?.ResourceId)));
    }

    /// <summary>Single quotes in test JSON become double quotes, to keep literals readable.</summary>
    public static string Q(string json) => json.Replace('\'', '"');

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
