using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// The report for people: one line per group (verdict, id, name, and the annotation when there is no rule list to
/// show), the disallowed rules indented under it, and a summary line. Colour only when writing to a terminal.
/// </summary>
public sealed class TableReportWriter(TextWriter output, bool useColour) : IReportWriter
{
    /// <summary>What every format says when no input was given and the bundled sample was scanned.</summary>
    public const string BundledSampleNote = "Input: the bundled sample account (give files, a folder or '-' to scan your own)";

    private const int VerdictWidth = 15;
    private const int IdWidth = 22;

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample)
    {
        if (bundledSample) output.WriteLine(BundledSampleNote);
        var settings = string.Join("  ", parameters.ToInputParameters().Select(p => $"{p.Key}={Quote(p.Value)}"));
        output.WriteLine(Dim($"Policy: {settings}"));
        output.WriteLine(Dim($"Evaluated at {Timestamps.Format(evaluatedAt)}"));
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
        var line = $"{Colour(verdict.PadRight(VerdictWidth), evaluation.Compliance)}{item.ResourceId.PadRight(IdWidth)}{name}";
        if (note.Length > 0) line += (name.Length > 0 ? "  " : "") + Dim(note);
        output.WriteLine(line.TrimEnd());
        if (!showRules) return;
        foreach (var finding in evaluation.Findings)
        {
            var details = new List<string> { finding.ReasonText };
            if (finding.Rule.RuleId is { } ruleId) details.Add(ruleId);
            if (!string.IsNullOrEmpty(finding.Rule.Description)) details.Add($"\"{finding.Rule.Description}\"");
            var rule = finding.Rule.Display;
            output.WriteLine($"{new string(' ', VerdictWidth + 2)}{(evaluation.Exemption.IsExempt ? Dim(rule) : Warn(rule))}  {Dim(string.Join("  ", details))}");
        }
    }

    public void Finish(ScanSummary summary)
    {
        output.WriteLine();
        var groups = summary.Evaluated == 1 ? "1 resource" : $"{summary.Evaluated} resources";
        var exempt = summary.Exempt > 0 ? $" ({summary.Exempt} exempt)" : "";
        var errors = summary.Errors > 0 ? $"; {summary.Errors} not evaluated (input errors)" : "";
        output.WriteLine(
            $"{groups}: {Colour($"{summary.NonCompliant} NON_COMPLIANT", Compliance.NonCompliant)}, " +
            $"{Colour($"{summary.Compliant} COMPLIANT", Compliance.Compliant)}{exempt}, {summary.NotApplicable} NOT_APPLICABLE{errors}");
        output.Flush();
    }

    private static string Quote(string value) => value.Length == 0 || value.Contains(' ') ? $"\"{value}\"" : value;

    private string Colour(string text, Compliance compliance) => !useColour ? text : compliance switch
    {
        Compliance.NonCompliant => $"\u001b[1;31m{text}\u001b[0m",
        Compliance.Compliant => $"\u001b[32m{text}\u001b[0m",
        _ => $"\u001b[2m{text}\u001b[0m",
    };

    private string Warn(string text) => useColour ? $"\u001b[33m{text}\u001b[0m" : text;

    private string Dim(string text) => useColour ? $"\u001b[2m{text}\u001b[0m" : text;
}
