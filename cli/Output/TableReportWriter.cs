using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// The report for people: one line per group (verdict, id, name, and the annotation when there is no rule list to
/// show), the disallowed rules indented under it, and a summary line. Colour only when writing to a terminal. Given a
/// width (a terminal's), lines wrap between words, continued under their own text; every coloured word ends its colour,
/// so a cut line never leaves the terminal coloured.
/// </summary>
public sealed class TableReportWriter(TextWriter output, bool useColour, int? width = null) : IReportWriter
{
    /// <summary>Narrower than this the columns cannot be kept apart; a narrower terminal gets lines this long.</summary>
    public const int MinimumWidth = 40;

    /// <summary>What every format says when no input was given and the bundled sample was scanned.</summary>
    public const string BundledSampleNote = "Input: the bundled sample account (give files, a folder or '-' to scan your own)";

    private const int VerdictWidth = 15;
    private const int IdWidth = 22;

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample)
    {
        if (bundledSample) Emit(0, 2, [(BundledSampleNote, Plain)]);
        var settings = string.Join("  ", parameters.ToInputParameters().Select(p => $"{p.Key}={Quote(p.Value)}"));
        Emit(0, 8, [($"Policy: {settings}", Dim)]);
        Emit(0, 2, [($"Evaluated at {Timestamps.Format(evaluatedAt)}", Dim)]);
        output.WriteLine();
    }

    /// <summary>Said on standard error already, with the source and the path.</summary>
    public void InputError(string input, string jsonPath, string problem) { }

    public void Write(ResourceItem item, Evaluation evaluation, string source)
    {
        var verdict = evaluation.Compliance.ToWire();
        var name = item.ResourceName ?? "";
        var showRules = !evaluation.Findings.IsEmpty;
        var note = showRules && evaluation.Compliance == Compliance.NonCompliant
            ? (evaluation.Exemption.Note is { } exemptionNote ? exemptionNote : "")
            : evaluation.Exemption.IsExempt ? evaluation.Exemption.Note! : evaluation.Annotation ?? "";
        var parts = new List<(string Text, Func<string, string> Style)>
        {
            (verdict.PadRight(VerdictWidth), text => Colour(text, evaluation.Compliance)),
            // An id longer than its column (a Terraform address) still keeps its name apart.
            (item.ResourceId.Length < IdWidth ? item.ResourceId.PadRight(IdWidth) : item.ResourceId + "  ", Plain),
            (name, Plain),
        };
        if (note.Length > 0) parts.Add(((name.Length > 0 ? "  " : "") + note, Dim));
        Emit(0, VerdictWidth + 2, parts);
        if (!showRules) return;
        foreach (var finding in evaluation.Findings)
        {
            var details = new List<string> { finding.ReasonText };
            if (finding.Rule.RuleId is { } ruleId) details.Add(ruleId);
            if (finding.Rule.Location is { } at) details.Add($"{at.File}:{at.Line}");
            if (!string.IsNullOrEmpty(finding.Rule.Description)) details.Add($"\"{finding.Rule.Description}\"");
            Emit(VerdictWidth + 2, VerdictWidth + 4,
            [
                (finding.Rule.Display, evaluation.Exemption.IsExempt ? Dim : Warn),
                ("  " + string.Join("  ", details), Dim),
            ]);
        }
    }

    private static string Plain(string text) => text;

    /// <summary>
    /// One logical line: as one line without a width; else wrapped between words, continuation lines indented by
    /// <paramref name="continuation"/>. A word longer than the line (an id) is never cut.
    /// </summary>
    private void Emit(int indent, int continuation, IReadOnlyList<(string Text, Func<string, string> Style)> parts)
    {
        var max = width is { } columns ? Math.Max(columns, MinimumWidth) : int.MaxValue;
        var line = new System.Text.StringBuilder(new string(' ', indent));
        var length = indent;
        var wordsOnLine = 0;
        var pendingSpace = "";
        foreach (var (text, style) in parts)
        {
            var position = 0;
            while (position < text.Length)
            {
                var start = position;
                while (position < text.Length && text[position] == ' ') position++;
                pendingSpace += text[start..position];
                var wordStart = position;
                while (position < text.Length && text[position] != ' ') position++;
                if (position == wordStart) continue;
                var word = text[wordStart..position];
                if (wordsOnLine > 0 && length + pendingSpace.Length + word.Length > max)
                {
                    output.WriteLine(line.ToString());
                    line.Clear().Append(' ', continuation);
                    length = continuation;
                    pendingSpace = "";
                }
                line.Append(pendingSpace).Append(style(word));
                length += pendingSpace.Length + word.Length;
                pendingSpace = "";
                wordsOnLine++;
            }
        }
        output.WriteLine(line.ToString().TrimEnd());
    }

    public void Finish(ScanSummary summary)
    {
        output.WriteLine();
        var groups = summary.Evaluated == 1 ? "1 resource" : $"{summary.Evaluated} resources";
        var exempt = summary.Exempt > 0 ? $" ({summary.Exempt} exempt)" : "";
        var errors = summary.Errors > 0 ? $"; {summary.Errors} not evaluated (input errors)" : "";
        Emit(0, 2,
        [
            ($"{groups}: ", Plain),
            // The commas belong to the words before them, so a narrow terminal never starts a line with one.
            ($"{summary.NonCompliant} NON_COMPLIANT, ", text => ColourBeforeComma(text, Compliance.NonCompliant)),
            ($"{summary.Compliant} COMPLIANT{(exempt.Length == 0 ? "," : "")}", text => ColourBeforeComma(text, Compliance.Compliant)),
            ($"{(exempt.Length == 0 ? "" : exempt + ",")} {summary.NotApplicable} NOT_APPLICABLE{errors}", Plain),
        ]);
        output.Flush();
    }

    private static string Quote(string value) => value.Length == 0 || value.Contains(' ') ? $"\"{value}\"" : value;

    private string ColourBeforeComma(string word, Compliance compliance) =>
        word.EndsWith(',') ? Colour(word[..^1], compliance) + "," : Colour(word, compliance);

    private string Colour(string text, Compliance compliance) => !useColour ? text : compliance switch
    {
        Compliance.NonCompliant => $"\u001b[1;31m{text}\u001b[0m",
        Compliance.Compliant => $"\u001b[32m{text}\u001b[0m",
        _ => $"\u001b[2m{text}\u001b[0m",
    };

    private string Warn(string text) => useColour ? $"\u001b[33m{text}\u001b[0m" : text;

    private string Dim(string text) => useColour ? $"\u001b[2m{text}\u001b[0m" : text;
}
