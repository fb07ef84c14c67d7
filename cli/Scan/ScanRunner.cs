using SgConfigRule.Aws.Protocol;
using SgConfigRule.Cli.Output;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;

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
            OutputFormat.Html => new HtmlReportWriter(terminal.Out, options.AllGroups, options.OnlyNonCompliant),
            _ => new TableReportWriter(terminal.Out, terminal.UseColour, terminal.Width),
        };
        var summary = new ScanSummary();
        report.Begin(options.Parameters, options.EvaluatedAt, source.IsBundledSample);
        string? aborted = null;
        var allocationBound = new AllocationBound(AllocationBound.Budget);
        // A long scan whose report goes to a file or a pipe shows a person that it is alive; a report on the terminal does.
        var progress = terminal.ErrorIsTerminal && !terminal.OutputIsTerminal && !options.Quiet ? new ScanProgress(terminal.Error) : null;
        try
        {
            await foreach (var input in source.ReadAsync(options.Parameters, cancellationToken).ConfigureAwait(false))
            {
                progress?.Read(input.Source);
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
                summary.Count(evaluation, item.Context);
                if (!options.OnlyNonCompliant || evaluation.Compliance == Compliance.NonCompliant) report.Write(item, evaluation, input.Source);
                allocationBound.Check();
            }
        }
        catch (Exception e) when (AwsCallFailure.Is(e) || e is AwsRequestException or ScanStoppedException)
        {
            aborted = e.Message;
        }
        progress?.Clear();
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

/// <summary>
/// One line on standard error, rewritten in place at most four times a second while a scan reads — how many resources,
/// how fast, from where — and erased when it ends, so the terminal keeps only the report. Only on a terminal.
/// </summary>
public sealed class ScanProgress(TextWriter error)
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan? shown;
    private int read;
    private int width;

    public void Read(string source)
    {
        read++;
        if (shown is { } last && clock.Elapsed - last < TimeSpan.FromMilliseconds(250)) return;
        shown = clock.Elapsed;
        var rate = clock.Elapsed.TotalSeconds > 0 ? read / clock.Elapsed.TotalSeconds : 0;
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{read:N0} resources read ({rate:N0}/s), now {source}");
        if (text.Length > 100) text = text[..97] + "...";
        error.Write("\r" + text.PadRight(width));
        width = text.Length;
        error.Flush();
    }

    public void Clear()
    {
        if (width == 0) return;
        error.Write("\r" + new string(' ', width) + "\r");
        error.Flush();
    }
}

/// <summary>Counts by verdict — in all, and for each account and Region — and the resources that could not be read.</summary>
public sealed class ScanSummary
{
    private readonly Dictionary<(string? Account, string? Region), VerdictCounts> byPlace = [];
    // Inputs come grouped by account and Region (a file, a Region of a live scan): most lookups are the last place.
    private (string? Account, string? Region) lastPlace;
    private VerdictCounts? lastCounts;

    public int Compliant { get; private set; }
    public int NonCompliant { get; private set; }
    public int NotApplicable { get; private set; }
    public int Exempt { get; private set; }
    public int Errors { get; set; }
    public int Evaluated => Compliant + NonCompliant + NotApplicable;

    /// <summary>Every account and Region seen (null where the input did not say), in ordinal order; one entry each, so bounded by the places, not the groups.</summary>
    public IReadOnlyList<KeyValuePair<(string? Account, string? Region), VerdictCounts>> ByPlace =>
        [.. byPlace.OrderBy(p => p.Key.Account, StringComparer.Ordinal).ThenBy(p => p.Key.Region, StringComparer.Ordinal)];

    public void Count(Evaluation evaluation, ResourceContext where)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(where);
        switch (evaluation.Compliance)
        {
            case Compliance.Compliant: Compliant++; break;
            case Compliance.NonCompliant: NonCompliant++; break;
            default: NotApplicable++; break;
        }
        if (evaluation.Exemption.IsExempt) Exempt++;
        var place = (where.AccountId, where.Region);
        if (lastCounts is null || !string.Equals(place.AccountId, lastPlace.Account, StringComparison.Ordinal) || !string.Equals(place.Region, lastPlace.Region, StringComparison.Ordinal))
        {
            if (!byPlace.TryGetValue(place, out lastCounts)) byPlace[place] = lastCounts = new VerdictCounts();
            lastPlace = place;
        }
        lastCounts.Count(evaluation);
    }
}

/// <summary>How many groups of one account and Region got each verdict.</summary>
public sealed class VerdictCounts
{
    public int Compliant { get; private set; }
    public int NonCompliant { get; private set; }
    public int NotApplicable { get; private set; }
    public int Exempt { get; private set; }
    public int Total => Compliant + NonCompliant + NotApplicable;

    internal void Count(Evaluation evaluation)
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
