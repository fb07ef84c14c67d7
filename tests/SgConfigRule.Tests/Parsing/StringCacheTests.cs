using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The cache of repeated short ids (<see cref="StringCache"/>): it gives the text's own string whatever came before,
/// one instance for a value read again, and spreads ids that differ only inside over its slots (a hash that looked at
/// too little would make every repeated account or VPC id a new string).
/// </summary>
public sealed class StringCacheTests
{
    [Fact]
    public void It_gives_the_texts_own_string_and_one_instance_for_a_value_read_again()
    {
        var values = Gen.Char["ab-0123456789xyz:/"].Array[0, 80].Select(c => new string(c));
        values.Array[1, 50].Sample(sequence =>
        {
            var cache = new StringCache();
            foreach (var value in sequence)
            {
                var bytes = Encoding.ASCII.GetBytes(value);
                var first = cache.Get(bytes);
                Assert.Equal(value, first);
                var again = cache.Get(bytes);
                Assert.Equal(value, again);
                if (value.Length <= 64) Assert.Same(first, again);
            }
        }, iter: 2_000, threads: 1);
    }

    /// <summary>
    /// From a JSON reader: the reader's own string whatever the token — escaped (decoded, never kept under its escaped
    /// bytes), longer than a slot's key (5,000 of them, so some land in the last slot), split between two buffers — and one
    /// instance for a short plain value read again.
    /// </summary>
    [Fact]
    public void From_a_JSON_reader_it_gives_the_readers_string_whatever_the_token()
    {
        var random = new Random(16);
        var values = new List<string>();
        for (var i = 0; i < 5_000; i++) values.Add($"vpc-{i:x5}" + new string('a', random.Next(0, 120)));
        values.AddRange(Enumerable.Range(0, 500).Select(i => $"sg-{i:x8}"));
        var json = new StringBuilder("[");
        foreach (var value in values.SelectMany(v => new[] { v, v }))
        {
            // Now and then the same value escaped: \u0061 for its first 'a', or its first character.
            var escaped = random.Next(4) == 0 ? "\\u" + ((int)value[0]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + value[1..] : value;
            json.Append('"').Append(escaped).Append("\",");
        }
        json.Append("\"end\"]");
        var bytes = Encoding.UTF8.GetBytes(json.ToString());
        foreach (var split in new[] { bytes.Length, bytes.Length / 2 + 3, 7 })
        {
            var cache = new StringCache();
            var reader = new Utf8JsonReader(Split(bytes, split));
            Assert.True(reader.Read());
            string? previousPlain = null, previousString = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                var expected = reader.GetString();
                var plainShort = !reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length <= 64;
                var got = cache.Get(ref reader);
                Assert.Equal(expected, got);
                if (plainShort && previousPlain == expected) Assert.Same(previousString, got);
                (previousPlain, previousString) = plainShort ? (expected, got) : (null, null);
            }
        }
    }

    /// <summary>The text in two buffers, cut at <paramref name="at"/> (or one buffer when that is its length).</summary>
    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        if (at >= bytes.Length) return new ReadOnlySequence<byte>(bytes);
        var first = new Segment(bytes.AsMemory(0, at), 0);
        var last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>
    /// Escaped inner values (a description with quotes, read in place by <see cref="EscapedJsonTokens"/>) share the cache
    /// with plain ones: each value read, in any order, is its own decoded text — an escaped value never comes back as the
    /// plain value of the same bytes, nor the other way round — and an escaped value read again is one instance.
    /// </summary>
    [Fact]
    public void Escaped_and_plain_values_read_through_one_cache_are_each_their_own_text()
    {
        // Inner text as the AWS CLI escapes it: \\\" for a quote, \\\\ for a backslash, \\n for a line break.
        var piece = Gen.OneOf(Gen.Const("a"), Gen.Const("n"), Gen.Const(" "), Gen.Const("\""), Gen.Const("\\"), Gen.Const("\n"));
        var value = Gen.Frequency((4, piece.Array[0, 40]), (1, piece.Array[40, 90])).Select(parts => string.Concat(parts));
        value.Array[1, 30].Sample(values =>
        {
            var cache = new StringCache();
            foreach (var text in values.Concat(values))
            {
                var inner = JsonSerializer.Serialize(text, AsTheCliWrites);      // "a\"b"
                var outer = JsonSerializer.Serialize(inner, AsTheCliWrites)[1..]; // \"a\\\"b\"" after the opening quote
                var tokens = new EscapedJsonTokens(Encoding.ASCII.GetBytes(outer));
                Assert.Equal(JsonTokenType.String, tokens.Next());
                Assert.True(tokens.TryGetString(cache, out var read));
                Assert.Equal(text, read);
                var again = new EscapedJsonTokens(Encoding.ASCII.GetBytes(outer));
                again.Next();
                again.TryGetString(cache, out var second);
                // Kept only up to a key's 64 bytes (the escaped text between \" and \"): memory stays fixed.
                var escapedLength = outer.Length - 5;
                if (escapedLength <= 64) Assert.Same(read, second);
                else Assert.NotSame(read, second);
            }
        }, iter: 1_000, threads: 1);

        // Past what the tokenizer decodes (1,024 escaped bytes), the cache declines it too: the item goes to the JSON reader.
        var tooLong = "\\\"" + string.Concat(Enumerable.Repeat("\\\\\\\"", 257)) + "\\\"\"";
        var tokens = new EscapedJsonTokens(Encoding.ASCII.GetBytes(tooLong));
        Assert.Equal(JsonTokenType.String, tokens.Next());
        Assert.False(tokens.TryGetString(new StringCache(), out _));
    }

    private static readonly JsonSerializerOptions AsTheCliWrites = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Ids_that_differ_only_in_their_middle_are_all_kept()
    {
        // VPC ids 21 characters long that differ in characters 9-12 only: 500 of them, then each read again.
        var cache = new StringCache();
        var ids = Enumerable.Range(0, 500).Select(i => $"vpc-0123{i:x4}56789abcd").ToArray();
        var first = ids.Select(id => cache.Get(Encoding.ASCII.GetBytes(id))).ToArray();
        var kept = ids.Select((id, i) => ReferenceEquals(cache.Get(Encoding.ASCII.GetBytes(id)), first[i])).Count(same => same);
        // A direct-mapped cache of 1024 slots keeps most of 500 well-spread keys; a hash of the ends alone would keep one.
        Assert.True(kept > 250, $"only {kept} of 500 ids kept");
    }
}
