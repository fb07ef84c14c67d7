using System.Diagnostics;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;

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
                    if (round == 1 && groups % 10000 == 0 && Environment.GetEnvironmentVariable("SGCR_PHASES_CURVE") == "1")
                        Console.WriteLine($"  {groups}: {watch.Elapsed.TotalMilliseconds:F0} ms");
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

    /// <summary>
    /// The floor: one pass of the JSON tokenizer over the same file, 64 KB at a time, touching every token and nothing
    /// else (no strings made, the embedded configuration not unescaped). What reading can cost at the least on one core.
    /// </summary>
    public static void Floor(string path)
    {
        for (var round = 1; round <= 3; round++)
        {
            var watch = Stopwatch.StartNew();
            long tokens = 0;
            var buffer = new byte[1 << 16];
            var state = new System.Text.Json.JsonReaderState();
            var kept = 0;
            using var file = File.OpenRead(path);
            while (true)
            {
                var read = file.Read(buffer, kept, buffer.Length - kept);
                var final = read == 0;
                var reader = new System.Text.Json.Utf8JsonReader(buffer.AsSpan(0, kept + read), final, state);
                while (reader.Read()) tokens++;
                var consumed = (int)reader.BytesConsumed;
                kept = kept + read - consumed;
                if (kept == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                Buffer.BlockCopy(buffer, consumed, buffer, 0, kept);
                state = reader.CurrentState;
                if (final) break;
            }
            Console.WriteLine($"round {round}: {tokens} tokens in {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
    }
}
