using CsCheck;
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

    [Fact]
    public void Compose_gives_what_the_plain_rule_gives_for_any_prefix_and_items()
    {
        // The rule said plainly (ComposeReference): keep whole items while the rest fits or a count still fits after
        // the item; else count the rest, cutting the prefix only when it alone leaves no room for the count.
        var items = Gen.Frequency((3, Gen.Int[0, 12]), (1, Gen.Int[13, 130])).SelectMany(count =>
            Gen.Frequency((3, Gen.Int[5, 70]), (1, Gen.Int[0, 300])).Select(length => new string('r', length)).List[count]);
        var prefix = Gen.Frequency((4, Gen.Int[0, 40]), (1, Gen.Int[200, 300])).Select(length => new string('p', length));
        Gen.Select(prefix, items).Sample((p, list) =>
        {
            var text = Annotation.Compose(p, list);
            Assert.Equal(ComposeReference(p, list), text);
            Assert.True(text.Length <= Annotation.MaxLength);
        }, iter: 3000);
    }

    private static string ComposeReference(string prefix, IReadOnlyList<string> items)
    {
        var text = new System.Text.StringBuilder(Annotation.Fit(prefix));
        for (var i = 0; i < items.Count; i++)
        {
            var rest = 0;
            for (var j = i; j < items.Count; j++) rest += (j == 0 ? 0 : 2) + items[j].Length;
            if (text.Length + rest <= Annotation.MaxLength)
            {
                for (var j = i; j < items.Count; j++) text.Append(j == 0 ? "" : "; ").Append(items[j]);
                return text.ToString();
            }
            var separator = i == 0 ? "" : "; ";
            if (text.Length + separator.Length + items[i].Length + $" (+{items.Count - i - 1} more)".Length <= Annotation.MaxLength)
            {
                text.Append(separator).Append(items[i]);
                continue;
            }
            var cut = $" (+{items.Count - i} more)";
            return (text.Length + cut.Length > Annotation.MaxLength ? Annotation.Fit(prefix, Annotation.MaxLength - cut.Length) : text.ToString()) + cut;
        }
        return text.ToString();
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
    public void An_oversized_prefix_is_cut_with_a_marker_that_survives_the_count()
    {
        // When the count must follow, the prefix is cut again with its "..." — never trimmed silently.
        var counted = Annotation.Compose(new string('p', 300), ["a"]);
        Assert.Equal(new string('p', 243) + "..." + " (+1 more)", counted);
        Assert.Equal(256, counted.Length);
        Assert.Equal(new string('p', 243) + "..." + " (+1 more)", Annotation.Compose(new string('p', 250), [new string('r', 20)]));
    }

    [Fact]
    public void Items_that_fit_to_the_last_character_are_all_shown()
    {
        var prefix = new string('p', 246);
        // 246 + "abcd; efgh" (10) = 256 exactly: shown whole, no count.
        Assert.Equal(prefix + "abcd; efgh", Annotation.Compose(prefix, ["abcd", "efgh"]));
        // One character more, and neither item has room beside a count: both are counted.
        Assert.Equal(prefix + " (+2 more)", Annotation.Compose(prefix, ["abcd", "efghi"]));
    }

    [Fact]
    public void Short_last_items_that_fit_whole_are_shown_not_counted()
    {
        var prefix = new string('p', 248);
        // 248 + "a; b; c" (7) = 255 fits; reserving " (+2 more)" after "a" (248 + 1 + 10) would not have.
        Assert.Equal(prefix + "a; b; c", Annotation.Compose(prefix, ["a", "b", "c"]));
    }

    [Fact]
    public void Fit_marks_a_cut() => Assert.Equal(new string('a', 253) + "...", Annotation.Fit(new string('a', 400)));

    [Fact]
    public void Fit_keeps_text_of_exactly_the_limit_and_cuts_one_more()
    {
        var full = new string('a', 256);
        Assert.Same(full, Annotation.Fit(full));
        Assert.Equal(new string('a', 253) + "...", Annotation.Fit(full + "b"));
    }

    [Fact]
    public void A_list_that_fills_exactly_256_characters_is_shown_whole()
    {
        // "p: " + 120 + "; " + 131 = 256: nothing is cut, so no count is shown either.
        var a = new string('a', 120);
        var b = new string('b', 131);
        Assert.Equal($"p: {a}; {b}", Annotation.Compose("p: ", [a, b]));
    }

    [Fact]
    public void A_last_item_one_character_over_the_limit_is_counted_instead()
    {
        var a = new string('a', 120);
        var b = new string('b', 132);
        Assert.Equal($"p: {a} (+1 more)", Annotation.Compose("p: ", [a, b]));
    }

    [Fact]
    public void An_item_is_shown_only_if_the_count_of_the_rest_still_fits_after_it()
    {
        // b fits by itself (255 characters so far) but not with " (+1 more)" after it: it is counted, never cut in half.
        var a = new string('a', 100);
        var b = new string('b', 150);
        var c = new string('c', 10);
        Assert.Equal($"p: {a} (+2 more)", Annotation.Compose("p: ", [a, b, c]));
    }

    [Fact]
    public void Compose_shows_the_longest_run_of_leading_whole_items_that_fits_and_counts_the_rest()
    {
        // Items are at least 8 characters, as every rule display is ("udp/0 from ::/0 (not authorized)").
        var text = Gen.Char['a', 'z'].Array[0, 100].Select(c => new string(c));
        var item = Gen.Char['a', 'z'].Array[8, 130].Select(c => new string(c));
        Gen.Select(text, item.List[0, 12]).Sample((prefix, items) =>
        {
            var composed = Annotation.Compose(prefix, items);
            Assert.True(composed.Length <= Annotation.MaxLength, $"{composed.Length} characters");
            var shown = Enumerable.Range(0, items.Count + 1).Where(n => Shown(prefix, items, n) == composed).ToList();
            var n = Assert.Single(shown);
            Assert.True(n == items.Count || Shown(prefix, items, n + 1).Length > Annotation.MaxLength,
                $"item {n} would have fitted: {composed}");
        }, iter: 2000);
    }

    /// <summary>What the annotation reads when the first <paramref name="n"/> items are shown.</summary>
    private static string Shown(string prefix, List<string> items, int n) =>
        prefix + string.Join("; ", items.Take(n)) + (n < items.Count ? $" (+{items.Count - n} more)" : "");
}
