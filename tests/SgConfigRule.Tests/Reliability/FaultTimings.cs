using System.Diagnostics;
using System.Globalization;
using System.Text;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.Tests.Reliability;

/// <summary>
/// Where the time of fault-injection runs goes: each run's duration, and the client's waiting after each kind of
/// fault — the gap from a faulted call's answer (or dropped connection) to the next call, which is the retry's wait —
/// with the timeline of the slowest runs. Printed at the end of each scenario of <see cref="FaultInjectionTests"/>.
/// </summary>
internal sealed class FaultTimings(string scenario)
{
    private sealed record Run(int Number, TimeSpan Duration, string Outcome, IReadOnlyList<RecordedCall> Calls, TimeSpan Start, TimeSpan End);

    private readonly List<Run> runs = [];
    private readonly Stopwatch total = new();

    /// <summary>Times one run against <paramref name="server"/>; <paramref name="body"/> returns the run's outcome in a word.</summary>
    public async Task<T> TimeAsync<T>(int number, FakeAwsServer server, Func<Task<T>> body, Func<T, string> outcome)
    {
        total.Start();
        var start = server.Uptime;
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await body();
            runs.Add(new Run(number, watch.Elapsed, outcome(result), server.Calls, start, server.Uptime));
            return result;
        }
        catch (Exception e)
        {
            runs.Add(new Run(number, watch.Elapsed, e.GetType().Name, server.Calls, start, server.Uptime));
            throw;
        }
        finally
        {
            total.Stop();
        }
    }

    public TimeSpan Slowest => runs.Count == 0 ? TimeSpan.Zero : runs.Max(r => r.Duration);

    public string Report(int timelines = 2)
    {
        static string S(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";
        var text = new StringBuilder();
        var sorted = runs.Select(r => r.Duration).Order().ToList();
        TimeSpan P(double q) => sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{scenario}: {runs.Count} runs in {S(total.Elapsed)}; a run: median {S(P(0.5))}, p90 {S(P(0.9))}, p99 {S(P(0.99))}, max {S(Slowest)}");

        // Waiting after each kind of answer: the gap to the next call of the same run.
        var waits = new Dictionary<string, (int Count, TimeSpan Sum, TimeSpan Max)>(StringComparer.Ordinal);
        var served = new Dictionary<string, (int Count, TimeSpan Sum, TimeSpan Max)>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var calls = Calls(run);
            for (var i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                var key = $"{call.Service} {(call.Fault?.ToString() ?? (call.StatusCode >= 400 ? $"HTTP {call.StatusCode}" : "answered"))}";
                var next = i + 1 < calls.Count ? calls[i + 1].Arrived : run.End;
                var gap = next - (call.Arrived + call.Elapsed);
                if (gap < TimeSpan.Zero) gap = TimeSpan.Zero;
                Add(waits, key, gap);
                Add(served, key, call.Elapsed);
            }
        }
        text.AppendLine("  after an answer of this kind, the client waited before its next call (count, total, max) | the server took (total, max):");
        foreach (var (key, (count, sum, max)) in waits.OrderByDescending(w => w.Value.Sum))
        {
            var server = served[key];
            text.AppendLine(CultureInfo.InvariantCulture, $"    {key,-28} {count,6} {S(sum),12} {S(max),10} | {S(server.Sum),10} {S(server.Max),9}");
        }
        foreach (var run in runs.OrderByDescending(r => r.Duration).Take(timelines))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  run {run.Number}: {S(run.Duration)}, {run.Outcome}; calls (arrival after the run's start, server time):");
            foreach (var call in Calls(run))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"    +{(call.Arrived - run.Start).TotalMilliseconds,8:0} ms  {call.Service} {call.Operation} {(call.Fault?.ToString() ?? call.StatusCode.ToString(CultureInfo.InvariantCulture))} {call.ErrorCode} ({call.Elapsed.TotalMilliseconds:0} ms)");
            }
        }
        return text.ToString();
    }

    private static List<RecordedCall> Calls(Run run) => [.. run.Calls.Where(c => c.Arrived >= run.Start).OrderBy(c => c.Arrived)];

    private static void Add(Dictionary<string, (int Count, TimeSpan Sum, TimeSpan Max)> table, string key, TimeSpan value)
    {
        var (count, sum, max) = table.GetValueOrDefault(key);
        table[key] = (count + 1, sum + value, value > max ? value : max);
    }
}
