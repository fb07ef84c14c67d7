using System.Text;
using SgConfigRule.Remediation.Notification;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>Text from people or failing endpoints, made safe for one line (or several) of a plain-text email.</summary>
public sealed class PlainTextTests
{
    [Theory]
    [InlineData('\n')]
    [InlineData('\r')]
    [InlineData('\t')]
    [InlineData('\0')]
    [InlineData('\u001b')]
    [InlineData('\u007f')]
    [InlineData('\u0085')]
    [InlineData('\u00ad')]
    [InlineData('\u200b')]
    [InlineData('\u200e')]
    [InlineData('\u202e')]
    [InlineData('\u2066')]
    [InlineData('\ufeff')]
    [InlineData('\u2028')]
    [InlineData('\u2029')]
    public void Control_format_and_separator_characters_are_unsafe(char c)
    {
        Assert.True(PlainText.IsUnsafe(c));
        Assert.True(PlainText.IsUnsafe(new Rune(c)));
        Assert.Equal("a b", PlainText.Line($"a{c}b"));
    }

    [Theory]
    [InlineData('a')]
    [InlineData(' ')]
    [InlineData('\u00a0')]
    [InlineData('\u00e9')]
    [InlineData('\u05d0')]
    [InlineData('-')]
    [InlineData('<')]
    public void Ordinary_characters_and_spaces_are_safe(char c)
    {
        Assert.False(PlainText.IsUnsafe(c));
        Assert.Equal($"a{c}b", PlainText.Line($"a{c}b"));
        Assert.Equal($"a{c}b", PlainText.Lines($"a{c}b"));
    }

    [Fact]
    public void Characters_beyond_the_basic_plane_are_judged_whole()
    {
        var tag = new Rune(0xE0041);
        var smile = new Rune(0x1F600);
        Assert.True(PlainText.IsUnsafe(tag));
        Assert.False(PlainText.IsUnsafe(smile));
        // A pair is one character: an unsafe one becomes one space, a safe one stays.
        Assert.Equal("x y", PlainText.Line($"x{tag}y"));
        Assert.Equal($"x{smile}y", PlainText.Line($"x{smile}y"));
        Assert.Equal($"x{smile}\ny", PlainText.Lines($"x{smile}\ny"));
    }

    [Fact]
    public void Half_of_a_surrogate_pair_is_no_character_at_all()
    {
        Assert.Equal("a b", PlainText.Line("a\ud83db"));
        Assert.Equal("a b", PlainText.Line("a\ude00b"));
        Assert.Equal("a ", PlainText.Line("a\ud83d"));
        Assert.Equal(" a", PlainText.Line("\ude00a"));
        Assert.Equal("  ", PlainText.Line("\ude00\ud83d"));
        Assert.Equal("a \n", PlainText.Lines("a\ud83d\n"));
        Assert.False(PlainText.IsUnsafe('\ud83d'));
    }

    [Fact]
    public void Lines_keeps_line_feeds_only()
    {
        Assert.Equal("one\ntwo three four five", PlainText.Lines("one\ntwo\rthree\u2028four\u0085five"));
        Assert.Equal("one two", PlainText.Line("one\ntwo"));
        Assert.Equal("", PlainText.Line(""));
        Assert.Equal("", PlainText.Lines(""));
    }

    [Fact]
    public void Shorten_keeps_short_text_and_marks_a_cut()
    {
        const string text = "abcdefghij";
        Assert.Same(text, PlainText.Shorten(text, 10));
        Assert.Same(text, PlainText.Shorten(text, 11));
        Assert.Equal("abcdef...", PlainText.Shorten(text, 9));
        Assert.Equal("...", PlainText.Shorten(text, 3));
    }

    [Fact]
    public void Shorten_never_keeps_half_of_a_surrogate_pair()
    {
        var text = "ab\ud83d\ude00cdef";
        // Cutting after 'b' and the high surrogate would split the pair: the cut goes before it.
        Assert.Equal("ab...", PlainText.Shorten(text, 6));
        Assert.Equal("ab\ud83d\ude00...", PlainText.Shorten(text, 7));
        Assert.Equal("ab...", PlainText.Shorten(text, 5));
        // At the very start there is nothing before the pair to keep.
        Assert.Equal("...", PlainText.Shorten("\ud83d\ude00abcdef", 4));
    }

    [Fact]
    public void OneLine_collapses_whitespace_and_trims()
    {
        Assert.Equal("Throttling: Rate exceeded", PlainText.OneLine("  Throttling:\n\t Rate   exceeded \r\n"));
        Assert.Equal("a b", PlainText.OneLine("a\u2028\u202e b"));
        Assert.Equal("", PlainText.OneLine(" \n "));
    }

    [Fact]
    public void OneLine_shortens_to_its_limit()
    {
        var text = new string('x', 600);
        Assert.Equal(new string('x', 497) + "...", PlainText.OneLine(text));
        Assert.Equal("xxxxxxx...", PlainText.OneLine(text, 10));
        // The limit applies after the whitespace is collapsed.
        Assert.Equal("a b c", PlainText.OneLine("a     b     c", 5));
    }

    [Fact]
    public void An_HTML_error_page_becomes_the_words_of_its_title_and_body()
    {
        const string page = """
            <!DOCTYPE html>
            <html><head><title>502 Bad Gateway</title>
            <style type="text/css">body { color: red; }</style>
            <SCRIPT>alert("x")
            </script >
            </head>
            <body><h1>Bad&nbsp;Gateway</h1><p>Tom &amp; Jerry &lt;proxy&gt; &#x202E;said</p></body></html>
            """;
        Assert.Equal("502 Bad Gateway Bad Gateway Tom & Jerry <proxy> said", PlainText.OneLine(page));
    }

    [Fact]
    public void Hidden_parts_and_tags_separate_the_words_around_them()
    {
        Assert.Equal("Tom Jerry", PlainText.OneLine("<p>Tom<script>x()</script>Jerry</p>"));
        Assert.Equal("Tom Jerry", PlainText.OneLine("<p>Tom<style>p{}</style>Jerry</p>"));
        Assert.Equal("Tom Jerry", PlainText.OneLine("<p>Tom<br>Jerry</p>"));
    }

    [Theory]
    [InlineData("<HTML>x</HTML>", "x")]
    [InlineData("<!doctype html>x", "x")]
    [InlineData("<Body>x", "x")]
    [InlineData("x</p>", "x")]
    [InlineData("<b>x</b> &amp;", "x &")]
    public void Any_sign_of_HTML_reduces_it(string text, string expected) => Assert.Equal(expected, PlainText.OneLine(text));

    [Theory]
    [InlineData("a <b> c &amp; d")]
    [InlineData("if a < b and c > d")]
    [InlineData("https://ec2.amazonaws.com/ said no")]
    public void Text_that_is_not_HTML_is_left_as_it_is(string text) => Assert.Equal(text, PlainText.OneLine(text));

    [Fact]
    public void A_sign_of_HTML_without_tags_keeps_its_words()
    {
        Assert.Equal("<body is & it", PlainText.OneLine("<body is &amp; it"));
    }
}
