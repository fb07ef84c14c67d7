using System.Diagnostics;
using SgConfigRule.Input;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Bench;

/// <summary>
/// What the policy costs per group, apart from reading: the groups of an export read into memory once, then evaluated
/// round after round with the default parameters (the scan's main thread does this for every group it reports).
/// </summary>
public static class EvaluateCost
{
    public static void Run(string path, int rounds)
    {
        List<ResourceItem> items;
        using (var file = File.OpenRead(path)) items = [.. InputStreamReader.Read(file).Select(r => r.Item!)];
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        for (var round = 1; round <= rounds; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            var nonCompliant = 0;
            foreach (var item in items)
            {
                if (Evaluator.Evaluate(item, PolicyParameters.Default, at).Compliance == Compliance.NonCompliant) nonCompliant++;
            }
            var elapsed = watch.Elapsed;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine($"round {round}: {items.Count} groups ({nonCompliant} NON_COMPLIANT): {elapsed.TotalMilliseconds * 1e6 / items.Count:F0} ns/group, {allocated / items.Count} B/group");
        }
    }
}
