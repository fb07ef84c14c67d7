using System.Text.Json;
using SgConfigRule.Cli.Output;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Parsing;

namespace SgConfigRule.Cli.Scan;

/// <summary>
/// Runs the policy over every input and reports as it goes. One unreadable resource is reported on standard error
/// with the file and JSON path and costs only itself; the exit code then says 2, because something was not evaluated.
/// </summary>
public static class ScanRunner
{
    public static int Run(ScanOptions options, Terminal terminal)
    {
        IReportWriter report = options.Format == OutputFormat.Json
            ? new JsonReportWriter(terminal.Out)
            : new TableReportWriter(terminal.Out, terminal.UseColour);
        var summary = new ScanSummary();
        report.Begin(options.Parameters, options.EvaluatedAt);

        foreach (var input in InputFile.Expand(options.Inputs, terminal.OpenStandardInput))
        {
            foreach (var outcome in ReadInput(input))
            {
                if (outcome.Error is { } error)
                {
                    summary.Errors++;
                    terminal.Error.WriteLine($"error: {input.Name}: {error.JsonPath}: {error.Problem}");
                    continue;
                }
                var item = outcome.Item!;
                var evaluation = Evaluator.Evaluate(item, options.Parameters, options.EvaluatedAt);
                summary.Count(evaluation);
                report.Write(item, evaluation);
            }
        }
        report.Finish(summary);
        (report as IDisposable)?.Dispose();

        if (summary.Errors > 0)
        {
            terminal.Error.WriteLine($"{summary.Errors} input error(s): those resources were not evaluated.");
            return ExitCodes.InputError;
        }
        return summary.NonCompliant > 0 && !options.SoftFail ? ExitCodes.NonCompliant : ExitCodes.Clean;
    }

    private static IEnumerable<ReadResult> ReadInput(InputFile input)
    {
        byte[] bytes;
        try
        {
            bytes = input.ReadAllBytes();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [ReadResult.Failed(new InputException("$", $"cannot read: {e.Message}"))];
        }
        JsonDocument document;
        try
        {
            document = JsonText.Parse(bytes, JsonPath.Root);
        }
        catch (InputException e)
        {
            return [ReadResult.Failed(e)];
        }
        return ReadAndDispose(document);
    }

    private static IEnumerable<ReadResult> ReadAndDispose(JsonDocument document)
    {
        using (document)
        {
            foreach (var result in InputReader.Read(document.RootElement)) yield return result;
        }
    }
}

/// <summary>Counts by verdict, and the resources that could not be read.</summary>
public sealed class ScanSummary
{
    public int Compliant { get; private set; }
    public int NonCompliant { get; private set; }
    public int NotApplicable { get; private set; }
    public int Exempt { get; private set; }
    public int Errors { get; set; }
    public int Evaluated => Compliant + NonCompliant + NotApplicable;

    public void Count(Evaluation evaluation)
    {
        switch (evaluation.Compliance)
        {
            case Compliance.Compliant: Compliant++; break;
            case Compliance.NonCompliant: NonCompliant++; break;
            default: NotApplicable++; break;
        }
        if (evaluation.Exemption.IsExempt) Exempt++;
    }
}
