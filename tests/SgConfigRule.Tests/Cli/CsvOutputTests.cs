using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Cli;
using SgConfigRule.Cli.Output;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// `scan --format csv`: one row per finding under a header, RFC 4180, the same verdicts as the JSON report; `--all`
/// adds the groups without findings; cells a spreadsheet would run as formulas are defused; `--output FILE`.
/// </summary>
public sealed class CsvOutputTests
{
    /// <summary>RFC 4180 read back: quoted cells, doubled quotes, line breaks inside quotes; rows end with CRLF.</summary>
    private static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else cell.Append(c);
        }
        Assert.False(quoted, "an unterminated quoted cell");
        Assert.Equal(0, cell.Length + row.Count);   // the text ends with a row's CRLF
        return rows;
    }

    [Fact]
    public void One_row_per_finding_with_the_JSON_reports_verdicts()
    {
        var csv = CliRunner.Run("scan", "--format", "csv");
        var json = JsonNode.Parse(CliRunner.Run("scan", "--format", "json").Out)!;
        Assert.Equal(ExitCodes.NonCompliant, csv.ExitCode);
        var rows = Parse(csv.Out);
        Assert.Equal(CsvReportWriter.Columns, rows[0]);
        var findings = json["results"]!.AsArray().SelectMany(r => r!["findings"]!.AsArray()
            .Select(f => (Group: r["resourceId"]!.GetValue<string>(), Compliance: r["compliance"]!.GetValue<string>(), f))).ToList();
        Assert.Equal(findings.Count, rows.Count - 1);
        for (var i = 0; i < findings.Count; i++)
        {
            var cells = rows[i + 1];
            Assert.Equal(CsvReportWriter.Columns.Length, cells.Length);
            Assert.Equal(findings[i].Group, cells[2]);
            // NON_COMPLIANT, or COMPLIANT for an exempt group's findings (the annotation says until when).
            Assert.Equal(findings[i].Compliance, cells[4]);
            Assert.Equal(findings[i].f!["protocol"]!.GetValue<string>(), cells[6]);
            Assert.Equal(findings[i].f!["fromPort"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[7]);
            Assert.Equal(findings[i].f!["source"]!.GetValue<string>(), cells[9]);
            Assert.Equal(findings[i].f!["reason"]!.GetValue<string>(), cells[11]);
        }
        Assert.Contains("bundled sample", csv.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void All_adds_one_row_for_each_group_without_findings()
    {
        var json = JsonNode.Parse(CliRunner.Run("scan", "--format", "json").Out)!["results"]!.AsArray();
        var rows = Parse(CliRunner.Run("scan", "--format", "csv", "--all").Out).Skip(1).ToList();
        var clean = json.Where(r => r!["findings"]!.AsArray().Count == 0).Select(r => r!["resourceId"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(clean);
        Assert.Equal(clean, rows.Where(r => r[5] == "" && r[6] == "").Select(r => r[2]));
        Assert.All(rows.Where(r => clean.Contains(r[2])), r => Assert.NotEqual("NON_COMPLIANT", r[4]));
        Assert.Equal(json.Select(r => r!["resourceId"]!.GetValue<string>()).Distinct(), rows.Select(r => r[2]).Distinct());
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("-1", "-1")]
    [InlineData("web, \"prod\"", "web, \"prod\"")]
    [InlineData("two\nlines", "two\nlines")]
    public void Names_chosen_by_whoever_made_the_group_are_text_not_formulas(string name, string shown)
    {
        var input = CliRunner.WriteTemp($$"""{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": {{System.Text.Json.JsonSerializer.Serialize(name)}}, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}""");
        var rows = Parse(CliRunner.Run("scan", "--format", "csv", input).Out);
        Assert.Equal(shown, rows[1][3]);
    }

    [Fact]
    public void Any_text_survives_a_cell_and_comes_back_the_same_or_defused()
    {
        const string alphabet = "ab1,\"\r\n=+-@ \t'";
        Gen.Int[0, alphabet.Length - 1].Array[0, 12].Select(picks => new string([.. picks.Select(i => alphabet[i])])).Sample(text =>
            {
                var back = Parse(CsvReportWriter.Cell(text) + "\r\n");
                var number = System.Text.RegularExpressions.Regex.IsMatch(text, @"\A[+-][0-9]+\z"); // not "$": it matches before a final line break, and "+1\n" is text
                var expected = text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !number ? "'" + text : text;
                Assert.Equal([expected], back.Single());
            });
    }

    [Fact]
    public void Output_writes_the_report_to_the_file_and_nothing_to_standard_output()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("sgcr-out-").FullName, "report.csv");
        var run = CliRunner.Run("scan", "--format", "csv", "--output", path);
        Assert.Equal(ExitCodes.NonCompliant, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal(CliRunner.Run("scan", "--format", "csv").Out, File.ReadAllText(path));

        var unwritable = CliRunner.Run("scan", "--output", "/nonexistent/folder/report.csv");
        Assert.Equal(ExitCodes.InputError, unwritable.ExitCode);
        Assert.Contains("error: --output: cannot write /nonexistent/folder/report.csv", unwritable.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InputError, CliRunner.Run("scan", "--all").ExitCode);
    }
}
