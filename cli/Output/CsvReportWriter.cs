using System.Globalization;
using System.Text;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Cli.Scan;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// One row per finding — a disallowed rule of a NON_COMPLIANT group, or of an exempt one (COMPLIANT, the exemption in
/// the annotation) — under a header, RFC 4180 quoting; with
/// <c>--all</c>, one row more for each group without findings (COMPLIANT, exempt or NOT_APPLICABLE). For spreadsheets and
/// audit trails. A text cell that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is
/// prefixed with an apostrophe: group names and descriptions are chosen by whoever creates the group.
/// Input errors are not rows: they are on standard error and in the exit code, as for every format.
/// </summary>
public sealed class CsvReportWriter(TextWriter output, bool allGroups, TextWriter notes) : IReportWriter
{
    public static readonly string[] Columns =
    [
        "accountId", "region", "resourceId", "resourceName", "compliance", "ruleId", "protocol", "fromPort", "toPort",
        "source", "sourceType", "reason", "finding", "annotation",
    ];

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample)
    {
        // A CSV file has no place for a note: say it where the person running the scan reads.
        if (bundledSample) notes.WriteLine(TableReportWriter.BundledSampleNote);
        output.Write(string.Join(',', Columns) + "\r\n");
    }

    public void Write(ResourceItem item, Evaluation evaluation, string source)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(evaluation);
        string?[] group = [item.Context.AccountId, item.Context.Region, item.ResourceId, item.ResourceName, evaluation.Compliance.ToWire()];
        if (evaluation.Findings.IsEmpty)
        {
            if (allGroups) Row([.. group, null, null, null, null, null, null, null, null, evaluation.Annotation]);
            return;
        }
        foreach (var finding in evaluation.Findings)
        {
            var rule = finding.Rule;
            Row([.. group, rule.RuleId, rule.Protocol.Name, rule.WireFromPort.ToString(CultureInfo.InvariantCulture),
                rule.WireToPort.ToString(CultureInfo.InvariantCulture), rule.Source.Display, rule.Source.SourceType,
                finding.ReasonCode, finding.Display, evaluation.Annotation]);
        }
    }

    public void InputError(string input, string jsonPath, string problem)
    {
        // On standard error already; a row here would be read as a finding.
    }

    public void Finish(ScanSummary summary) => output.Flush();

    private void Row(string?[] cells)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) line.Append(',');
            line.Append(Cell(cells[i]));
        }
        output.Write(line.Append("\r\n").ToString());
    }

    private static bool IsSignedNumber(string value) =>
        value.Length > 1 && value[0] is '-' or '+' && value.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>One cell: quoted when it holds a comma, a quote or a line break (quotes doubled); formulas defused.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        // A port is a number, -1 included; every other cell starting like a formula is text.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsSignedNumber(value)) value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
