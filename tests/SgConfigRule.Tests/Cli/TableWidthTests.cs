using System.Text.RegularExpressions;
using SgConfigRule.Cli;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// The table on a narrow terminal: lines wrap between words within the width, nothing is lost or reordered, and a
/// coloured line never leaves the terminal coloured (issue 17).
/// </summary>
public sealed partial class TableWidthTests
{
    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex Escape();

    private static string Table(int? width, bool colour, params string[] arguments)
    {
        var output = new StringWriter();
        var terminal = new Terminal(output, new StringWriter(), colour, () => new MemoryStream()) { Width = width };
        Assert.Equal(ExitCodes.NonCompliant, CliApp.Run(["scan", "--at", "2026-11-26", .. arguments], terminal));
        return output.ToString();
    }

    private static string[] Words(string text) => Escape().Replace(text, "").Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    [InlineData(80)]
    public void Every_line_fits_the_width_and_every_word_stays_in_order(int width)
    {
        var unwrapped = Table(null, colour: false);
        var wrapped = Table(width, colour: false);
        Assert.Equal(Words(unwrapped), Words(wrapped));
        foreach (var line in wrapped.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            // Only a single word longer than the line (none in the sample) may pass the width.
            Assert.True(line.Length <= width || !line.Trim().Contains(' ', StringComparison.Ordinal), $"{line.Length} > {width}: {line}");
        }
        Assert.True(wrapped.Split('\n').Length > unwrapped.Split('\n').Length, "nothing wrapped");
    }

    [Fact]
    public void At_every_width_words_stay_whole_and_no_line_starts_with_punctuation()
    {
        // Found at 40 columns: the summary broke "0 COMPLIANT" from its comma, a line starting ", 0 NOT_APPLICABLE".
        // Without the exemption tag the summary has no "(n exempt)" between COMPLIANT and its comma.
        string[] noExemptions = ["--params", """{"exemptionTagKey":""}"""];
        var unwrapped = Words(Table(null, colour: false, noExemptions));
        for (var width = SgConfigRule.Cli.Output.TableReportWriter.MinimumWidth; width <= 120; width++)
        {
            var wrapped = Table(width, colour: false, noExemptions);
            Assert.Equal(unwrapped, Words(wrapped));
            Assert.DoesNotContain(wrapped.Split('\n'), line => line.TrimStart() is [',' or ';' or ')', ..]);
        }
    }

    [Fact]
    public void A_coloured_line_ends_with_its_colour_ended()
    {
        var wrapped = Table(60, colour: true);
        Assert.Contains("\u001b[", wrapped, StringComparison.Ordinal);
        foreach (var line in wrapped.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            Assert.True(Escape().Replace(line, "").Length <= 60, line);
            var codes = Escape().Matches(line).Select(m => m.Value).ToList();
            if (codes.Count > 0) Assert.Equal("\u001b[0m", codes[^1]);
        }
        Assert.Equal(Words(Table(null, colour: true)), Words(wrapped));
    }

    [Fact]
    public void A_terminal_narrower_than_the_columns_gets_lines_of_the_minimum_width() =>
        Assert.Equal(Table(SgConfigRule.Cli.Output.TableReportWriter.MinimumWidth, colour: false), Table(10, colour: false));
}
