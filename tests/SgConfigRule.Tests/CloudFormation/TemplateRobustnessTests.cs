using System.Text;
using CsCheck;
using SgConfigRule.Cli.Scan;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// Whatever a template file holds — cut anywhere, bytes changed — reading it ends in groups, per-resource errors, or
/// "not a template" (then read as an export): never an exception that would end the scan with a stack trace.
/// </summary>
public sealed class TemplateRobustnessTests
{
    private static void ReadsOrRefuses(byte[] bytes)
    {
        using var input = new MemoryStream(bytes);
        var results = TemplateInput.TryRead(input, "t", new Dictionary<string, string>(), out var replay);
        if (results is null)
        {
            // Not a template: the whole input goes on to the export reader.
            using var copy = new MemoryStream();
            replay.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
            return;
        }
        foreach (var result in results) Assert.True(result.Item is not null ^ result.Error is not null);
    }

    [Theory]
    [InlineData("sample-account.yaml")]
    [InlineData("sample-account.json")]
    public void A_template_cut_at_any_line_reads_or_is_refused(string name)
    {
        var text = File.ReadAllText(Templates.DataFile(name));
        var cuts = Enumerable.Range(0, text.Length).Where(i => text[i] == '\n').Prepend(0).Append(text.Length);
        foreach (var end in cuts) ReadsOrRefuses(Encoding.UTF8.GetBytes(text[..end]));
    }

    [Fact]
    public void A_template_with_bytes_changed_reads_or_is_refused()
    {
        var yaml = File.ReadAllBytes(Templates.DataFile("sample-account.yaml"));
        var json = File.ReadAllBytes(Templates.DataFile("sample-account.json"));
        Gen.Select(Gen.Bool, Gen.Int[0, int.MaxValue].Array[1, 6], Gen.Byte.Array[6]).Sample((useYaml, positions, values) =>
        {
            var bytes = (byte[])(useYaml ? yaml : json).Clone();
            for (var i = 0; i < positions.Length; i++) bytes[positions[i] % bytes.Length] = values[i];
            ReadsOrRefuses(bytes);
        }, iter: 400);
    }
}
