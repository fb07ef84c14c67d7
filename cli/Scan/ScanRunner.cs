using SgConfigRule.Aws.Protocol;
using SgConfigRule.Cli.Output;
using SgConfigRule.Policy.Evaluation;

namespace SgConfigRule.Cli.Scan;

/// <summary>
/// Runs the policy over every resource of a source and reports as it goes. One unreadable resource is reported on
/// standard error with its source and JSON path and costs only itself; the exit code then says 2, because something
/// was not evaluated. An AWS call that fails (live scans) ends the scan with exit code 2, and so does an input that holds
/// no security groups at all (never a false green).
/// </summary>
public static class ScanRunner
{
    public static async Task<int> RunAsync(ScanOptions options, IScanSource source, Terminal terminal, CancellationToken cancellationToken)
    {
        IReportWriter report = options.Format switch
        {
            OutputFormat.Json => new JsonReportWriter(terminal.Out),
            OutputFormat.Csv => new CsvReportWriter(terminal.Out, options.AllGroups, terminal.Error),
            OutputFormat.Sarif => new SarifReportWriter(terminal.Out),
            _ => new TableReportWriter(terminal.Out, terminal.UseColour, terminal.Width),
        };
        var summary = new ScanSummary();
        report.Begin(options.Parameters, options.EvaluatedAt, source.IsBundledSample);
        string? aborted = null;
        var allocationBound = new AllocationBound(AllocationBound.Budget);
        try
        {
            await foreach (var input in source.ReadAsync(options.Parameters, cancellationToken).ConfigureAwait(false))
            {
                if (input.Outcome.Error is { } error)
                {
                    summary.Errors++;
                    // "$" (the input as a whole) says nothing a person can use: then the file is the place.
                    terminal.Error.WriteLine(error.JsonPath == "$" ? $"error: {input.Source}: {error.Problem}" : $"error: {input.Source}: {error.JsonPath}: {error.Problem}");
                    report.InputError(input.Source, error.JsonPath, error.Problem);
                    continue;
                }
                var item = input.Outcome.Item!;
                var evaluation = Evaluator.Evaluate(item, options.Parameters, options.EvaluatedAt, input.PrefixLists);
                summary.Count(evaluation);
                if (!options.OnlyNonCompliant || evaluation.Compliance == Compliance.NonCompliant) report.Write(item, evaluation, input.Source);
                allocationBound.Check();
            }
        }
        catch (Exception e) when (AwsCallFailure.Is(e) || e is AwsRequestException)
        {
            aborted = e.Message;
        }
        report.Finish(summary);
        (report as IDisposable)?.Dispose();

        if (aborted is not null)
        {
            terminal.Error.WriteLine($"error: the scan stopped: {aborted}");
            return ExitCodes.InputError;
        }
        if (summary.Errors > 0)
        {
            terminal.Error.WriteLine($"{summary.Errors} input error(s): those resources were not evaluated.");
            return ExitCodes.InputError;
        }
        if (summary.Evaluated == 0)
        {
            // An empty list, or a file of another kind, is not a clean account: nothing was looked at.
            terminal.Error.WriteLine("error: nothing was evaluated: the input held no security groups");
            return ExitCodes.InputError;
        }
        return summary.NonCompliant > 0 && !options.SoftFail ? ExitCodes.NonCompliant : ExitCodes.Clean;
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
