using System.Diagnostics;
using System.Text.Json;
using SgConfigRule.Input;

namespace SgConfigRule.Bench;

/// <summary>
/// What decoding one Config item costs, step by step, on the items of an export held in memory (no I/O): the bare
/// tokenizer over the item, the fast reader whole, and its parts — unescaping the configuration string and reading the
/// group from the unescaped text. Tells where a faster reader must save.
/// </summary>
public static class DecodeCost
{
    public static void Run(string path, int maxItems)
    {
        var items = Items(File.ReadAllBytes(path), maxItems);
        var configurations = items.Select(Configuration).ToList();
        Console.WriteLine($"{items.Count} items, {items.Sum(i => i.Length) / items.Count} bytes each, configuration {configurations.Sum(c => c.Length) / items.Count} bytes unescaped");
        if (Environment.GetEnvironmentVariable("SGCR_DECODE_ONLY_FAST") == "1")
        {
            // For a profiler: the fast reader alone, many rounds.
            for (var round = 1; round <= 10; round++) Time("fast reader, whole item", items, static item => ConfigItemFastReader.TryRead(item) is null ? 0 : 1);
            return;
        }
        for (var round = 1; round <= 3; round++)
        {
            Time("tokens of the item", items, static item =>
            {
                var reader = new Utf8JsonReader(item);
                var n = 0;
                while (reader.Read()) n++;
                return n;
            });
            var scratch = new byte[1 << 20];
            Time("find + unescape configuration", items, item => Unescape(item, scratch));
            Time("tokens of the configuration", configurations, static text =>
            {
                var reader = new Utf8JsonReader(text);
                var n = 0;
                while (reader.Read()) n++;
                return n;
            });
            Time("fast reader, whole item", items, static item => ConfigItemFastReader.TryRead(item) is null ? 0 : 1);
            Console.WriteLine();
        }
    }

    private static void Time(string what, List<byte[]> inputs, Func<byte[], int> step)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        long sink = 0;
        foreach (var input in inputs) sink += step(input);
        var elapsed = watch.Elapsed;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine($"{what,-30} {elapsed.TotalMilliseconds * 1000 / inputs.Count,7:F2} µs/item {allocated / inputs.Count,6} B/item  ({sink})");
    }

    private static int Unescape(byte[] item, byte[] scratch)
    {
        var reader = new Utf8JsonReader(item);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("configuration"u8))
            {
                reader.Read();
                return reader.CopyString(scratch);
            }
        }
        return 0;
    }

    private static byte[] Configuration(byte[] item)
    {
        var reader = new Utf8JsonReader(item);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("configuration"u8))
            {
                reader.Read();
                return System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
            }
        }
        return [];
    }

    /// <summary>Each item of the export's list, as its own text.</summary>
    private static List<byte[]> Items(byte[] text, int maxItems)
    {
        var items = new List<byte[]>();
        var reader = new Utf8JsonReader(text);
        while (reader.Read() && reader.TokenType != JsonTokenType.StartArray)
        {
        }
        while (items.Count < maxItems && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            items.Add(text[start..(int)reader.BytesConsumed]);
        }
        return items;
    }
}
