using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// What the AWS CLI prints, arriving as a pipe delivers it: split at every byte offset, and trickled a few bytes at a
/// time. The streamed read must give exactly what the whole-text read gives, and no input error — a fast reader that
/// mistook the end of the buffered text for the end of an item once turned the rest of the item into errors that do
/// not exist (issue 16).
/// </summary>
public sealed class SplitAtEveryOffsetTests
{
    private static List<string> Streamed(Stream stream, int bufferSize, int decodingThreads) =>
        StreamingReaderTests.Describe(InputStreamReader.Read(stream, bufferSize, decodingThreads));

    [Fact]
    public void A_CLI_batch_read_split_at_every_offset_reads_as_the_whole_text()
    {
        var bytes = AwsCliShape.BatchGetResourceConfig(items: 3, seed: 16);
        var whole = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
        Assert.Equal(3, whole.Count);
        Assert.All(whole, line => Assert.DoesNotContain("error", line.Split(' ')[0], StringComparison.Ordinal));
        for (var offset = 1; offset < bytes.Length; offset++)
        {
            // Both ways of decoding: on the reading thread, and on two others.
            var streamed = Streamed(new AwsCliShape.SplitStream(bytes, offset), bufferSize: 4096, decodingThreads: offset % 2 * 2);
            if (!streamed.SequenceEqual(whole))
            {
                Assert.Fail($"split at byte {offset} of {bytes.Length} (…{Excerpt(bytes, offset)}…): {string.Join(" | ", streamed.Where(s => !whole.Contains(s)))}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void A_CLI_batch_read_trickled_a_few_bytes_at_a_time_reads_as_the_whole_text(int chunk)
    {
        var bytes = AwsCliShape.BatchGetResourceConfig(items: 40, seed: chunk);
        var whole = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
        Assert.Equal(40, whole.Count);
        Assert.Equal(whole, Streamed(new AwsCliShape.SplitStream(bytes, chunk, chunk), bufferSize: 16, decodingThreads: 0));
        Assert.Equal(whole, Streamed(new AwsCliShape.SplitStream(bytes, chunk, chunk), bufferSize: 16, decodingThreads: 2));
    }

    /// <summary>Items recorded daily carry two more fields; they stay on the fast path (they used to fall to the canonical reader).</summary>
    [Fact]
    public void Every_CLI_item_is_read_by_the_fast_reader_daily_recording_fields_included()
    {
        var random = new Random(7);
        var daily = 0;
        for (var n = 0; n < 300; n++)
        {
            var item = AwsCliShape.Item(random, n);
            daily += item.ContainsKey("recordingFrequency") ? 1 : 0;
            var bytes = Encoding.UTF8.GetBytes(item.ToJsonString());
            var fast = ConfigItemFastReader.TryRead(bytes);
            Assert.True(fast is not null, $"item {n} fell to the canonical reader: {item.ToJsonString()[..200]}");
            var canonical = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(Encoding.UTF8.GetBytes(new JsonArray(item.DeepClone()).ToJsonString())));
            Assert.Equal(canonical, StreamingReaderTests.Describe([ReadResult.Read(fast)]));
        }
        Assert.InRange(daily, 60, 140);
    }

    private static string Excerpt(byte[] bytes, int offset)
    {
        var from = Math.Max(0, offset - 30);
        return Encoding.UTF8.GetString(bytes, from, offset - from).ReplaceLineEndings("⏎") + "‖" +
               Encoding.UTF8.GetString(bytes, offset, Math.Min(30, bytes.Length - offset)).ReplaceLineEndings("⏎");
    }
}
