using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using static SgConfigRule.Tests.Support.Build;

namespace SgConfigRule.Tests.Evaluation;

public class AnnotationTests
{
    [Fact]
    public void Long_lists_are_cut_at_whole_rules_with_a_count_of_the_rest()
    {
        var rules = Enumerable.Range(1, 40).Select(i => Tcp(22, $"2001:db8:{i:x}::/48")).ToArray();
        var e = Evaluator.Evaluate(Group(rules), PolicyParameters.Default, At("2026-01-01T00:00:00Z"));
        Assert.True(e.Annotation!.Length <= 256);
        Assert.StartsWith("40 disallowed rules: tcp/22 from 2001:db8:1::/48 (blocked port 22); ", e.Annotation);
        var shown = e.Annotation.Split("; ").Length;
        Assert.EndsWith($" (+{40 - shown} more)", e.Annotation);
        Assert.DoesNotContain("...", e.Annotation);
        Assert.Equal(40, e.Findings.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(300)]
    public void Compose_never_exceeds_256_characters(int items)
    {
        var list = Enumerable.Range(0, items).Select(i => new string('x', 10 + (i * 7 % 90))).ToList();
        var text = Annotation.Compose("prefix: ", list);
        Assert.True(text.Length <= Annotation.MaxLength, $"{text.Length} characters");
        if (items > 0) Assert.StartsWith("prefix: x", text);
    }

    [Fact]
    public void An_oversized_prefix_is_cut_with_a_marker() =>
        Assert.Equal(256, Annotation.Compose(new string('p', 300), ["a"]).Length);

    [Fact]
    public void Fit_marks_a_cut() => Assert.Equal(new string('a', 253) + "...", Annotation.Fit(new string('a', 400)));
}
