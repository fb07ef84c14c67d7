using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The list cut into pieces and decoded on several threads (<see cref="ParallelListReader"/>) must give exactly what the
/// stream's own reader gives, one thread, byte for byte of every result and error — whatever the input's layout,
/// indentation and line ends, wherever it is damaged, however the pipe delivers it, and however small the windows and
/// pieces are (so that every input is cut many times, rightly and wrongly).
/// </summary>
public sealed class ParallelListReaderTests
{
    /// <summary>600 cases by default; <c>SGCR_FUZZ_CASES</c> for a longer hunt (60,000 were run once by hand).</summary>
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FUZZ_CASES"), out var n) && n > 0 ? n : 600;

    private static readonly JavaScriptEncoder AwsCliEscapes = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public enum Layout { Batch, SecurityGroups, Array }

    private enum Damage { None, Truncate, Overwrite, Insert, FailedRead }

    private sealed record Case(
        int Seed, Layout Layout, int Items, int Indent, bool CrLf, Damage Damage, int DamageAt, int Threads,
        int WindowBytes, int PieceBytes, int BufferSize, int FirstRead, int ReadSize)
    {
        public override string ToString() =>
            $"seed {Seed}, {Layout}, {Items} items, indent {Indent}{(CrLf ? " CRLF" : "")}, {Damage} at {DamageAt}, {Threads} threads, " +
            $"window {WindowBytes}, piece {PieceBytes}, buffer {BufferSize}, reads {FirstRead} then {ReadSize}";
    }

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Enum<Layout>(), Gen.Int[0, 12], Gen.Int[-1, 8], Gen.Bool,
                   Gen.Frequency((4, Gen.Const(Damage.None)), (1, Gen.Const(Damage.Truncate)), (2, Gen.Const(Damage.Overwrite)),
                                 (1, Gen.Const(Damage.Insert)), (1, Gen.Const(Damage.FailedRead))),
                   Gen.Int[0, 1_000_000])
            .Select(Gen.Int[1, 3], Gen.Int[16, 4096], Gen.Int[1, 600], Gen.Int[1, 300], Gen.Int[1, 5000], Gen.Int[1, 4096],
                    (a, threads, window, piece, buffer, first, size) => new Case(
                        a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, threads, window, piece, buffer, first, size));

    [Fact]
    public void Pieces_decoded_on_several_threads_give_exactly_what_one_thread_gives()
    {
        Cases.Sample(c =>
        {
            var bytes = Input(c, out var failAt);
            var sequential = Read(c, bytes, failAt, decodingThreads: 0);
            var parallel = Read(c, bytes, failAt, c.Threads);
            if (!sequential.SequenceEqual(parallel))
            {
                throw new Xunit.Sdk.XunitException(
                    $"{c}:\none thread:\n{string.Join("\n", sequential)}\nseveral:\n{string.Join("\n", parallel)}\ninput:\n{Encoding.UTF8.GetString(bytes)}");
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Output_the_AWS_CLI_prints_is_read_in_pieces_and_agrees_with_the_whole_text()
    {
        var bytes = AwsCliShape.BatchGetResourceConfig(items: 300, seed: 5);
        var whole = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
        Assert.Equal(300, whole.Count(line => !line.StartsWith("error", StringComparison.Ordinal)));
        foreach (var (window, piece) in new[] { (4096, 1), (16384, 2048), (65536, 20000), (1 << 20, 1 << 16) })
        {
            using var stream = new MemoryStream(bytes);
            var pieces = StreamingReaderTests.Describe(InputStreamReader.Read(stream, 4096, 2, new InputStreamReader.PieceSizes(window, piece)));
            Assert.Equal(whole, pieces);
        }
    }

    /// <summary>
    /// A pretty-printer that breaks lines without indenting puts nested lists of objects at the items' own
    /// indentation: many cuts fall inside items. Each wrong cut is found by the piece before it, and nothing changes.
    /// </summary>
    [Fact]
    public void Cuts_that_fall_inside_items_are_found_and_change_nothing()
    {
        var groups = new JsonArray([.. Enumerable.Range(0, 40).Select(i => Ec2Group(new Random(i), i))]);
        var bytes = Write(new JsonObject { ["SecurityGroups"] = groups }, indent: 0, crLf: false);
        Assert.Contains("},\n{\n\"IpProtocol\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var whole = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
        Assert.Equal(40, whole.Count);
        using var stream = new MemoryStream(bytes);
        Assert.Equal(whole, StreamingReaderTests.Describe(InputStreamReader.Read(stream, 64, 2, new InputStreamReader.PieceSizes(256, 8))));
    }

    [Fact]
    public void A_syntax_error_is_reported_at_the_line_and_byte_one_thread_reports()
    {
        var text = Encoding.UTF8.GetString(AwsCliShape.BatchGetResourceConfig(items: 60, seed: 8));
        var at = text.IndexOf("\"resourceType\"", text.Length / 2, StringComparison.Ordinal);
        var broken = Encoding.UTF8.GetBytes(text[..at] + "\"resourceType\" \"oops\"," + text[at..]);
        using var one = new MemoryStream(broken);
        var sequential = InputStreamReader.Read(one, 1024, decodingThreads: 0).ToList();
        using var two = new MemoryStream(broken);
        var parallel = InputStreamReader.Read(two, 1024, 2, new InputStreamReader.PieceSizes(8192, 1000)).ToList();
        Assert.Equal(StreamingReaderTests.Describe(sequential), StreamingReaderTests.Describe(parallel));
        var error = Assert.Single(parallel, r => r.Error is not null).Error!;
        var line = text[..at].Count(ch => ch == '\n') + 1;
        var column = at - (text.LastIndexOf('\n', at) + 1) + "\"resourceType\" ".Length + 1;
        Assert.Contains($"invalid JSON at line {line}, byte {column}:", error.Problem, StringComparison.Ordinal);
        Assert.Equal(parallel.Count - 1, parallel.FindIndex(r => r.Error is not null));
    }

    [Theory]
    [InlineData(Layout.Array)]
    [InlineData(Layout.SecurityGroups)]
    public void Items_nested_to_the_depth_limit_and_one_past_it_read_as_on_one_thread(Layout layout)
    {
        var listDepth = layout == Layout.Array ? 1 : 2;
        foreach (var depth in new[] { JsonText.MaxDepth - listDepth - 1, JsonText.MaxDepth - listDepth, JsonText.MaxDepth - listDepth + 1 })
        {
            var nested = new string('[', depth - 1) + new string(']', depth - 1);
            var deep = $"{{\n  \"GroupId\": \"sg-deep\",\n  \"Deep\": {nested}\n}}";
            var items = $"{Group(1)},\n  {deep},\n  {Group(2)}";
            var json = layout == Layout.Array ? $"[\n  {items}\n]" : $"{{\"SecurityGroups\": [\n  {items}\n]}}";
            var bytes = Encoding.UTF8.GetBytes(json);
            using var one = new MemoryStream(bytes);
            var sequential = StreamingReaderTests.Describe(InputStreamReader.Read(one, 64, decodingThreads: 0));
            using var two = new MemoryStream(bytes);
            var parallel = StreamingReaderTests.Describe(InputStreamReader.Read(two, 64, 2, new InputStreamReader.PieceSizes(64, 4)));
            Assert.True(sequential.SequenceEqual(parallel), $"depth {depth}:\n{string.Join("\n", sequential)}\n---\n{string.Join("\n", parallel)}");
        }

        static string Group(int n) =>
            $"{{\n    \"GroupId\": \"sg-{n}\",\n    \"IpPermissions\": [{{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, \"IpRanges\": [{{\"CidrIp\": \"0.0.0.0/0\"}}]}}]\n  }}";
    }

    /// <summary>A consumer that stops early (the first results of a scan) ends the enumeration: the threads are let go, not left waiting.</summary>
    [Fact]
    public void A_reader_that_stops_early_gets_the_first_items_and_lets_the_threads_go()
    {
        var bytes = AwsCliShape.BatchGetResourceConfig(items: 400, seed: 3);
        using var all = new MemoryStream(bytes);
        var expected = StreamingReaderTests.Describe(InputStreamReader.Read(all, 1024, decodingThreads: 0));
        for (var taken = 0; taken < 400; taken += 37)
        {
            using var stream = new MemoryStream(bytes);
            var first = InputStreamReader.Read(stream, 1024, 3, new InputStreamReader.PieceSizes(4096, 512)).Take(taken);
            Assert.Equal(expected.Take(taken), StreamingReaderTests.Describe(first));
        }
    }

    /// <summary>
    /// On a clean list printed with line breaks, every item is decoded in pieces, none by the single-thread reader
    /// behind them — which gives the same entries, so the comparison above cannot tell a reader that gave up at once
    /// (mutation testing showed it: half the changes to the cutting survived it).
    /// </summary>
    [Fact]
    public void On_a_clean_list_printed_with_line_breaks_every_item_is_decoded_in_pieces()
    {
        Cases.Select(c => c with { Damage = Damage.None, Indent = Math.Max(c.Indent, 1), Items = Math.Max(c.Items, 1) }).Sample(c =>
        {
            var bytes = Input(c, out _);
            var handedOver = -1;
            using var stream = new AwsCliShape.SplitStream(bytes, c.FirstRead, c.ReadSize);
            var entries = InputStreamReader.Read(stream, c.BufferSize, c.Threads, new InputStreamReader.PieceSizes(c.WindowBytes, c.PieceBytes, n => handedOver = n)).Count();
            Assert.True(handedOver == c.Items, $"{c}: {handedOver} of {c.Items} items decoded in pieces ({entries} entries)");
        }, iter: Iterations, threads: 1);
    }

    private static List<string> Read(Case c, byte[] bytes, int failAt, int decodingThreads)
    {
        Stream stream = new AwsCliShape.SplitStream(bytes, c.FirstRead, c.ReadSize);
        if (failAt >= 0) stream = new FailingStream(stream, failAt);
        using (stream)
        {
            try
            {
                return StreamingReaderTests.Describe(InputStreamReader.Read(stream, c.BufferSize, decodingThreads, new InputStreamReader.PieceSizes(c.WindowBytes, c.PieceBytes)));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{c} ({decodingThreads} threads) crashed: {e}");
            }
        }
    }

    private static byte[] Input(Case c, out int failAt)
    {
        var random = new Random(c.Seed);
        var items = new JsonArray();
        for (var n = 0; n < c.Items; n++)
        {
            JsonNode item = c.Layout == Layout.Batch ? AwsCliShape.Item(random, n) : Ec2Group(random, n);
            // Some items the fast readers give up: an unknown field (read by the canonical reader) or a repeated one (an error).
            if (random.Next(8) == 0) item.AsObject()["Unexpected"] = random.Next(100);
            items.Add(item);
        }
        JsonNode root = c.Layout switch
        {
            Layout.Batch => new JsonObject { ["baseConfigurationItems"] = items, ["unprocessedResourceKeys"] = new JsonArray() },
            Layout.SecurityGroups => new JsonObject { ["SecurityGroups"] = items },
            _ => items,
        };
        var bytes = Write(root, c.Indent, c.CrLf);
        if (c.Items > 0 && random.Next(8) == 0)
        {
            // A repeated key inside one item: it costs that item only.
            var text = Encoding.UTF8.GetString(bytes);
            var key = c.Layout == Layout.Batch ? "\"awsRegion\"" : "\"GroupId\"";
            var at = text.IndexOf(key, random.Next(text.Length / 2), StringComparison.Ordinal);
            if (at > 0) bytes = Encoding.UTF8.GetBytes(text[..at] + key + ": \"x\"," + text[at..]);
        }
        failAt = -1;
        var position = bytes.Length == 0 ? 0 : c.DamageAt % bytes.Length;
        switch (c.Damage)
        {
            case Damage.Truncate:
                return bytes[..position];
            case Damage.Overwrite:
                bytes[position] = "{}[],:\"\\x0 \n"u8[c.DamageAt % 12];
                return bytes;
            case Damage.Insert:
                return [.. bytes[..position], .. "}\n,{"u8, .. bytes[position..]];
            case Damage.FailedRead:
                failAt = position;
                return bytes;
            default:
                return bytes;
        }
    }

    private static JsonObject Ec2Group(Random random, int n)
    {
        var permissions = new JsonArray();
        for (var p = random.Next(4); p > 0; p--)
        {
            var port = random.Next(2) == 0 ? 22 : random.Next(1, 65536);
            permissions.Add(new JsonObject
            {
                ["IpProtocol"] = "tcp",
                ["FromPort"] = port,
                ["ToPort"] = port,
                ["IpRanges"] = new JsonArray(new JsonObject { ["CidrIp"] = random.Next(2) == 0 ? "0.0.0.0/0" : $"10.{random.Next(256)}.0.0/16", ["Description"] = "a \"quoted\" range" }),
                ["Ipv6Ranges"] = new JsonArray(),
                ["PrefixListIds"] = new JsonArray(),
                ["UserIdGroupPairs"] = random.Next(3) == 0 ? new JsonArray(new JsonObject { ["GroupId"] = "sg-0abc", ["UserId"] = "111122223333" }) : new JsonArray(),
            });
        }
        return new JsonObject
        {
            ["GroupId"] = $"sg-{n:x8}",
            ["GroupName"] = $"app-{n}",
            ["Description"] = "made by a test",
            ["VpcId"] = "vpc-1234",
            ["OwnerId"] = "111122223333",
            ["IpPermissions"] = permissions,
            ["IpPermissionsEgress"] = new JsonArray(),
        };
    }

    /// <summary>Indented by <paramref name="indent"/> spaces (0: line breaks only), or on one line when it is negative.</summary>
    private static byte[] Write(JsonNode root, int indent, bool crLf)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
               {
                   Indented = indent >= 0, IndentSize = Math.Max(indent, 0), NewLine = crLf ? "\r\n" : "\n", Encoder = AwsCliEscapes,
               }))
        {
            root.WriteTo(writer);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads what the stream under it gives until <c>failAt</c> bytes, then fails as a lost disk or pipe does.</summary>
    private sealed class FailingStream(Stream inner, int failAt) : SgConfigRule.Input.ForwardOnlyStream
    {
        private int position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= failAt) throw new IOException("disk gone");
            var read = inner.Read(buffer, offset, Math.Min(count, failAt - position));
            position += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
