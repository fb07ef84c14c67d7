using System.Diagnostics;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Policy.Parsing;

namespace SgConfigRule.Bench;

/// <summary>Where the time of a scan goes: reading (streamed) and evaluating, on one export, a few rounds.</summary>
public static class Phases
{
    public static void Run(string path)
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        for (var round = 1; round <= 3; round++)
        {
            var watch = Stopwatch.StartNew();
            var read = TimeSpan.Zero;
            var groups = 0;
            using (var file = File.OpenRead(path))
            {
                foreach (var result in InputStreamReader.Read(file))
                {
                    groups++;
                    var before = watch.Elapsed;
                    Evaluator.Evaluate(result.Item!, PolicyParameters.Default, at);
                    read -= watch.Elapsed - before;
                }
            }
            var total = watch.Elapsed;
            read += total;
            Console.WriteLine($"round {round}: {groups} groups: read {read.TotalMilliseconds:F0} ms, evaluate {(total - read).TotalMilliseconds:F0} ms");
        }
    }
}
