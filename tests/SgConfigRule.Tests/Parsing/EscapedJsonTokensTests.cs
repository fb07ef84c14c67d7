using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Input;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The tokenizer of a JSON document still escaped inside a JSON string (<see cref="EscapedJsonTokens"/>), held to the
/// JSON reader run twice — once to unescape the string, once over the document it holds: on random documents written
/// the way the AWS CLI writes them it takes every one with the same tokens and values; on documents written any other
/// way, and on damaged ones, it gives the same tokens or declines, and declines exactly where it says it does.
/// </summary>
public sealed class EscapedJsonTokensTests
{
    private static readonly long Iterations = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FUZZ_CASES"), out var n) && n > 0 ? n : 3000;

    /// <summary>How a random document is written: the AWS CLI's way (spaces, the usual escapes, ASCII), or any way JSON allows.</summary>
    private sealed record Case(int Seed, bool AwsCliStyle, int Damage)
    {
        public override string ToString() => $"seed {Seed}, {(AwsCliStyle ? "AWS CLI style" : "any style")}, damage {Damage}";
    }

    private static Gen<Case> Cases(bool? awsCliStyle, int minDamage, int maxDamage) =>
        Gen.Select(Gen.Int[0, 10_000_000], awsCliStyle is { } style ? Gen.Const(style) : Gen.Bool, Gen.Int[minDamage, maxDamage],
                   (seed, style, damage) => new Case(seed, style, damage));

    [Fact]
    public void Documents_written_as_the_AWS_CLI_writes_them_are_all_taken_with_the_JSON_readers_tokens()
    {
        Cases(awsCliStyle: true, 0, 0).Sample(c =>
        {
            var literal = Literal(new Random(c.Seed), awsCliStyle: true, out var plain);
            Assert.True(plain, "the AWS CLI style writes only what the tokenizer takes");
            var verdict = Compare(literal);
            Assert.True(verdict == "same", $"{c}: {verdict}\n{Encoding.UTF8.GetString(literal)}");
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Documents_written_any_way_are_taken_exactly_when_plain_and_then_with_the_JSON_readers_tokens()
    {
        int plainCount = 0, otherCount = 0;
        Cases(awsCliStyle: false, 0, 0).Sample(c =>
        {
            var literal = Literal(new Random(c.Seed), awsCliStyle: false, out var plain);
            var verdict = Compare(literal);
            Assert.True(verdict == (plain ? "same" : "declined"), $"{c}: plain {plain}, {verdict}\n{Encoding.UTF8.GetString(literal)}");
            if (plain) plainCount++;
            else otherCount++;
        }, iter: Iterations, threads: 1);
        Assert.True(plainCount > Iterations / 20 && otherCount > Iterations / 20, $"plain {plainCount}, other {otherCount}: both should be written");
    }

    [Fact]
    public void On_damaged_documents_the_tokens_are_the_JSON_readers_or_none()
    {
        ReadOnlySpan<byte> specials = "\"\\/ubfnrt{}[],:0-1.e \n\t\u0001\u007f"u8;
        var specialBytes = specials.ToArray();
        int same = 0, declined = 0;
        Cases(awsCliStyle: null, 1, 3).Sample(c =>
        {
            var random = new Random(c.Seed);
            var text = Literal(random, c.AwsCliStyle, out _).ToList();
            for (var d = 0; d < c.Damage; d++)
            {
                var at = random.Next(text.Count);
                var replacement = random.Next(5) == 0 ? (byte)random.Next(0x80, 0x100) : specialBytes[random.Next(specialBytes.Length)];
                switch (random.Next(3))
                {
                    case 0: text[at] = replacement; break;
                    case 1: text.Insert(at, replacement); break;
                    default: text.RemoveAt(at); break;
                }
            }
            var literal = text.ToArray();
            var verdict = Compare(literal);
            if (verdict == "same") Interlocked.Increment(ref same);
            else if (verdict == "declined") Interlocked.Increment(ref declined);
            else throw new Xunit.Sdk.XunitException($"{c}: {verdict}\n{Encoding.UTF8.GetString(literal)}");
        }, iter: Iterations, threads: 1);
        Assert.True(same > 0 && declined > 0, $"same {same}, declined {declined}: both should happen");
    }

    [Theory]
    [InlineData("{\\\"a\\\": 1}", "same")]
    [InlineData("{\\\"a\\\": 1} ", "same")]                 // spaces after the document
    [InlineData("{\\\"a\\\": 1}\\n", "declined")]           // a line break after it, escaped
    [InlineData("{\\\"a\\\":\\n1}", "declined")]            // whitespace other than a space
    [InlineData("{\\\"a\\\": 1.5}", "declined")]            // a fraction
    [InlineData("{\\\"a\\\": 1e3}", "declined")]            // an exponent
    [InlineData("{\\\"a\\\": 01}", "declined")]             // a leading zero: not JSON
    [InlineData("{\\\"a\\\": -}", "declined")]
    [InlineData("{\\\"a\\\": -0}", "same")]
    [InlineData("{\\\"a\\\": 2147483648}", "same")]         // a number, though not an int
    [InlineData("{\\\"a\\\": 1234567890123456789}", "declined")] // more digits than read exactly
    [InlineData("{\\\"a\\\": nul}", "declined")]
    [InlineData("{\\\"a\\\": nullx}", "declined")]
    [InlineData("{\\\"a\\\": [true, false, null]}", "same")]
    [InlineData("{\\\"a\\\": [1,]}", "declined")]
    [InlineData("{\\\"a\\\": 1,}", "declined")]
    [InlineData("{\\\"a\\\" 1}", "declined")]
    [InlineData("{\\\"a\\\": 1 \\\"b\\\": 2}", "declined")]
    [InlineData("{\\\"a\\\": [1}", "declined")]
    [InlineData("{\\\"a\\\": {]}", "declined")]
    [InlineData("{\\\"a\\\": 1}}", "declined")]              // more after the document
    [InlineData("{\\\"a\\\": \\\"x\\\\\\\"y\\\"}", "same")]     // an inner escaped quote
    [InlineData("{\\\"a\\\": \\\"x\\\\\\\\y\\\"}", "same")]     // an inner escaped backslash
    [InlineData("{\\\"a\\\": \\\"x\\\\ny\\\\/z\\\"}", "same")]   // inner \n and \/
    [InlineData("{\\\"a\\\": \\\"x\\\\u0041\\\"}", "declined")] // an inner \u
    [InlineData("{\\\"a\\\": \\\"x\\ny\\\"}", "declined")]      // a line break in an inner string: not JSON
    [InlineData("{\\\"a\\\": \\\"x\\/y\\\"}", "declined")]      // the outer string's \/
    [InlineData("{\\\"a\\\": \\\"caf\u00e9\\\"}", "declined")]   // outside ASCII
    [InlineData("{\\\"a\\\": \\\"x\"}", "declined")]            // the outer string ends inside an inner one
    [InlineData("{\\\"a\\\\\\\"b\\\": 1}", "same")]             // an escaped name, taken but never matched
    [InlineData("{\\\"a\\\" : 1}", "same")]                 // a space before the colon
    [InlineData("{b\\\": 2}", "declined")]                     // a name without its opening quote
    [InlineData("{xy\\\": 2}", "declined")]                    // two bytes, then what would close an empty name
    [InlineData("{\\\"a\\\": 1, xy\\\": 2}", "declined")]
    [InlineData("{\\\"a\\\": 1, b\\\": 2}", "declined")]
    [InlineData("{\\\"a\\\": 1, xy\\\"b\\\": 2}", "declined")]
    [InlineData("{\\\"a\\\": 1\\\"b\\\"}", "declined")]      // a string straight after a number
    [InlineData("{\\\"a\\\": truex}", "declined")]
    [InlineData("{\\\"a\\\": 12a}", "declined")]
    [InlineData("{\\\"a\\\": x}", "declined")]
    [InlineData("[]", "same")]
    [InlineData("\\\"x\\\"", "same")]                           // a root that is a string
    public void Each_shape_is_taken_with_the_JSON_readers_tokens_or_declined(string escaped, string expected)
    {
        Assert.Equal(expected, Compare(Encoding.UTF8.GetBytes("\"" + escaped + "\"")));
    }

    [Fact]
    public void A_name_with_an_escape_matches_no_name()
    {
        var tokens = new EscapedJsonTokens("{\\\"a\\\\\\\"b\\\": 1}\""u8);
        Assert.Equal(JsonTokenType.StartObject, tokens.Next());
        Assert.Equal(JsonTokenType.PropertyName, tokens.Next());
        Assert.False(tokens.NameIs("a\"b"u8));
        Assert.False(tokens.NameIs("a\\\"b"u8));
        Assert.Null(tokens.PlainName);
    }

    [Fact]
    public void A_declined_document_stays_declined()
    {
        // The colon is missing after "a"; read on from where it stopped, "b" would be a good name.
        var tokens = new EscapedJsonTokens("{\\\"a\\\" \\\"b\\\": 2}\""u8);
        Assert.Equal(JsonTokenType.StartObject, tokens.Next());
        Assert.Equal(JsonTokenType.None, tokens.Next());
        Assert.Equal(JsonTokenType.None, tokens.Next());
        Assert.False(tokens.TryEnd(out _));
    }

    [Theory]
    [InlineData(255, true)]   // 1,020 escaped bytes: decoded
    [InlineData(256, true)]   // 1,024
    [InlineData(257, false)]  // 1,028: more than it decodes (an EC2 description is at most 255 characters); the item is declined
    public void An_escaped_string_value_is_decoded_up_to_1024_bytes(int quotes, bool decoded)
    {
        var literal = "\\\"" + string.Concat(Enumerable.Repeat("\\\\\\\"", quotes)) + "\\\"\"";
        var tokens = new EscapedJsonTokens(Encoding.ASCII.GetBytes(literal));
        Assert.Equal(JsonTokenType.String, tokens.Next());
        Assert.Equal(decoded, tokens.TryGetString(out var value));
        if (decoded) Assert.Equal(new string('"', quotes), value);
        // A plain value as long as the buffer it is copied into fits it.
        var exact = new EscapedJsonTokens(Encoding.ASCII.GetBytes("\\\"" + new string('b', 64) + "\\\"\""));
        Assert.Equal(JsonTokenType.String, exact.Next());
        Assert.Equal(64, exact.CopyPlainString(new char[64]));
        Assert.Equal(-1, exact.CopyPlainString(new char[63]));
        // Without escapes, any length.
        var plain = new EscapedJsonTokens(Encoding.ASCII.GetBytes("\\\"" + new string('a', 5000) + "\\\"\""));
        Assert.Equal(JsonTokenType.String, plain.Next());
        Assert.True(plain.TryGetString(out var long5000));
        Assert.Equal(5000, long5000!.Length);
    }

    /// <summary>
    /// The group of every AWS CLI item read in place alone — without the unescaping path behind it, which would hide a
    /// tokenizer that declined too much — is the canonical reader's.
    /// </summary>
    [Fact]
    public void Every_group_the_AWS_CLI_prints_is_read_in_place_as_the_canonical_reader_reads_it()
    {
        var random = new Random(163);
        var asAwsCli = AwsCliShape.Escaping;
        for (var i = 0; i < 500; i++)
        {
            var item = AwsCliShape.Item(random, i);
            var bytes = Encoding.UTF8.GetBytes(item.ToJsonString(asAwsCli));
            var canonical = StreamingReaderTests.ReadWhole(bytes);
            var configuration = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(item["configuration"]!.GetValue<string>(), asAwsCli));
            var group = ConfigItemFastReader.ReadGroupInPlace(configuration.AsSpan(1));
            Assert.True(group is not null, $"item {i}: its configuration was not read in place: {Encoding.UTF8.GetString(configuration)}");
            var inPlace = SgConfigRule.Policy.Model.ResourceItem.ForGroup(group!, canonical.Single().Item!.Context);
            Assert.Equal(StreamingReaderTests.Describe(canonical), StreamingReaderTests.Describe([ReadResult.Read(inPlace)]));
        }
    }

    /// <summary>
    /// What AWS Config itself wrote (recorded <c>GetResourceConfigHistory</c> responses): each item's configuration
    /// string, as the bytes stand in the file, is read in place to the group the canonical reader reads from the item
    /// (without the item's own tag map, whose order the canonical reader keeps ahead of the configuration's tags; the
    /// fast readers leave an item with that map to the canonical reader).
    /// </summary>
    [Fact]
    public void Recorded_configuration_strings_are_read_in_place_as_the_canonical_reader_reads_them()
    {
        var read = 0;
        foreach (var file in Directory.GetFiles(TestData.Recorded("config_items"), "*GetResourceConfigHistory*.json"))
        {
            var raw = File.ReadAllBytes(file);
            var items = JsonNode.Parse(raw)!["configurationItems"]!.AsArray();
            // The raw text of each configuration string, in file order: the item's own bytes, not a re-serialization.
            var strings = System.Text.RegularExpressions.Regex.Matches(Encoding.UTF8.GetString(raw), "\"configuration\": *\"((?:[^\"\\\\]|\\\\.)*)\"");
            var withStrings = items.Where(i => i!["configuration"]?.GetValueKind() == JsonValueKind.String).ToList();
            Assert.Equal(withStrings.Count, strings.Count);
            for (var i = 0; i < strings.Count; i++)
            {
                var escaped = Encoding.UTF8.GetBytes(strings[i].Groups[1].Value + "\"");
                var group = ConfigItemFastReader.ReadGroupInPlace(escaped);
                Assert.True(group is not null, $"{Path.GetFileName(file)} item {i}: not read in place");
                // The item's own tag map is not the configuration's: left out.
                var item = withStrings[i]!.DeepClone().AsObject();
                item.Remove("tags");
                var canonical = StreamingReaderTests.ReadWhole(Encoding.UTF8.GetBytes(item.ToJsonString()));
                var inPlace = SgConfigRule.Policy.Model.ResourceItem.ForGroup(group!, canonical.Single().Item!.Context);
                Assert.Equal(StreamingReaderTests.Describe(canonical), StreamingReaderTests.Describe([ReadResult.Read(inPlace)]));
                read++;
            }
        }
        Assert.True(read > 0, "the recorded files hold configuration strings");
    }

    /// <summary>
    /// The tokenizer over a JSON string literal against the JSON reader: "same" when it took the document with the
    /// reader's tokens and values and ended where the string ends, "declined" when it gave it up, else what differs.
    /// </summary>
    private static string Compare(byte[] literal)
    {
        if (literal.Length == 0 || literal[0] != (byte)'"') return "declined"; // the caller's check: a string starts here
        var ours = Tokenize(literal, out var end);
        if (ours is null) return "declined";
        if (end + 1 >= literal.Length || literal[end + 1] != (byte)'"') return "declined"; // the caller's check: the string ends there
        List<string> theirs;
        try
        {
            // The string alone: what follows it is the envelope's.
            var outer = new Utf8JsonReader(literal.AsSpan(0, end + 2));
            outer.Read();
            if (outer.TokenType != JsonTokenType.String) return $"taken, but the JSON reader sees a {outer.TokenType}";
            var document = Encoding.UTF8.GetBytes(outer.GetString()!);
            theirs = JsonReaderTokens(document);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return $"taken, but the JSON reader refuses it: {e.Message}";
        }
        return ours.SequenceEqual(theirs) ? "same" : $"different:\nours   {string.Join(" ", ours)}\ntheirs {string.Join(" ", theirs)}";
    }

    private static List<string>? Tokenize(byte[] literal, out int end)
    {
        end = -1;
        var tokens = new EscapedJsonTokens(literal.AsSpan(1));
        var seen = new List<string>();
        var strings = new StringCache();
        Span<char> chars = stackalloc char[64];
        while (!tokens.TryEnd(out end))
        {
            var token = tokens.Next();
            if (token == JsonTokenType.None) return null;
            // Each way of asking for a value answers for its own kind of token only, and they agree.
            var isString = tokens.TryGetString(out var value);
            Assert.Equal(token == JsonTokenType.String, isString);
            Assert.Equal(isString, tokens.TryGetString(strings, out var cached));
            Assert.Equal(value, cached);
            var copied = tokens.CopyPlainString(chars);
            if (copied >= 0) Assert.Equal(value, new string(chars[..copied]));
            else Assert.True(!isString || value!.Length > chars.Length || literal.AsSpan().IndexOf("\\\\"u8) >= 0, "a short string without escapes is copied");
            if (token != JsonTokenType.Number) Assert.False(tokens.TryGetInt32(out _));
            var name = tokens.PlainName;
            if (name is not null) Assert.True(tokens.NameIs(Encoding.ASCII.GetBytes(name)));
            Assert.False(tokens.NameIs(Encoding.UTF8.GetBytes((name ?? value ?? "") + "x")));
            if (token != JsonTokenType.PropertyName) Assert.False(tokens.NameIs(Encoding.UTF8.GetBytes(value ?? "")));
            seen.Add(token switch
            {
                JsonTokenType.PropertyName => "name:" + (name ?? "(escaped)"),
                JsonTokenType.String => "string:" + value,
                JsonTokenType.Number => "number:" + (tokens.TryGetInt32(out var number) ? number.ToString(CultureInfo.InvariantCulture) : "not an int"),
                _ => token.ToString(),
            });
        }
        return seen;
    }

    private static List<string> JsonReaderTokens(byte[] document)
    {
        var reader = new Utf8JsonReader(document);
        var seen = new List<string>();
        while (reader.Read())
        {
            seen.Add(reader.TokenType switch
            {
                // A name the tokenizer sees escaped can match no name: it is compared as such.
                JsonTokenType.PropertyName => "name:" + (reader.ValueIsEscaped ? "(escaped)" : reader.GetString()),
                JsonTokenType.String => "string:" + reader.GetString(),
                JsonTokenType.Number => "number:" + (reader.TryGetInt32(out var number) ? number.ToString(CultureInfo.InvariantCulture) : "not an int"),
                var other => other.ToString(),
            });
        }
        return seen;
    }

    /// <summary>
    /// A random JSON document as a JSON string literal (quotes included). <paramref name="plain"/>: whether it uses only
    /// what the tokenizer takes. The AWS CLI style writes only that; the other writes any way JSON allows.
    /// </summary>
    private static byte[] Literal(Random random, bool awsCliStyle, out bool plain)
    {
        var writer = new DocumentWriter(random, awsCliStyle);
        writer.Value(depth: 0, root: true);
        var document = writer.Text.ToString();
        var outer = new StringBuilder("\"");
        foreach (var c in document)
        {
            switch (c)
            {
                case '"': outer.Append("\\\""); break;
                case '\\': outer.Append("\\\\"); break;
                case '/' when !awsCliStyle && random.Next(4) == 0: outer.Append("\\/"); writer.Plain = false; break;
                case '\n': outer.Append("\\n"); writer.Plain = false; break;
                case '\t': outer.Append("\\t"); writer.Plain = false; break;
                case < ' ': outer.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); writer.Plain = false; break;
                case > '~' when !awsCliStyle && random.Next(2) == 0: outer.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); writer.Plain = false; break;
                case '\u007f': outer.Append(c); break; // DEL is printable enough for JSON, and taken
                case > '~': outer.Append(c); writer.Plain = false; break;
                default: outer.Append(c); break;
            }
        }
        outer.Append('"');
        if (!awsCliStyle && random.Next(4) == 0) outer.Append(", \"next\": 1}"); // what follows in the envelope
        plain = writer.Plain;
        return Encoding.UTF8.GetBytes(outer.ToString());
    }

    /// <summary>Writes a random document, noting whether it stays within what the tokenizer takes.</summary>
    private sealed class DocumentWriter(Random random, bool awsCliStyle)
    {
        private static readonly string[] Pieces = ["a", "sg-0123", " ", "0.0.0.0/0", "\"", "\\", "/", "\n", "\t", "\b", "\f", "\r", "\u0001", "\u007f", "caf\u00e9", "\U0001F600", "tcp", "{", "]", ","];
        private static readonly string[] Numbers = ["0", "-1", "22", "65535", "2147483647", "2147483648", "-2147483648", "-2147483649", "100000000000000000", "1.5", "1e3", "-0", "0.0"];

        public StringBuilder Text { get; } = new();
        public bool Plain { get; set; } = true;

        public void Value(int depth, bool root = false)
        {
            // Mostly an object at the root, as a group is; below it, containers thinning out to scalars by depth 4.
            var kind = root ? (random.Next(10) == 0 ? random.Next(3) : 0) : depth >= 4 ? 2 : random.Next(5);
            switch (kind)
            {
                case 0: Object(depth); break;
                case 1: Array(depth); break;
                default: Scalar(); break;
            }
        }

        private void Object(int depth)
        {
            Text.Append('{');
            var members = random.Next(5);
            for (var i = 0; i < members; i++)
            {
                if (i > 0) Comma();
                Space();
                String(name: true);
                Space();
                Text.Append(':');
                Space(after: true);
                Value(depth + 1);
            }
            Space();
            Text.Append('}');
        }

        private void Array(int depth)
        {
            Text.Append('[');
            var items = random.Next(5);
            for (var i = 0; i < items; i++)
            {
                if (i > 0) Comma();
                Space();
                Value(depth + 1);
            }
            Space();
            Text.Append(']');
        }

        private void Comma()
        {
            Text.Append(',');
            Space(after: true);
        }

        /// <summary>The AWS CLI (Python's json) writes ", " and ": "; anywhere else, sometimes spaces, sometimes other whitespace.</summary>
        private void Space(bool after = false)
        {
            if (awsCliStyle)
            {
                if (after) Text.Append(' ');
                return;
            }
            switch (random.Next(6))
            {
                case 0: Text.Append(' '); break;
                case 1: Text.Append("  "); break;
                case 2: Text.Append('\n'); Plain = false; break;
                case 3: Text.Append("\r\n\t"); Plain = false; break;
            }
        }

        private void Scalar()
        {
            switch (random.Next(5))
            {
                case 0: String(name: false); break;
                case 1:
                    var number = Numbers[random.Next(Numbers.Length)];
                    if (awsCliStyle && (number.Contains('.', StringComparison.Ordinal) || number.Contains('e', StringComparison.Ordinal))) number = "7";
                    if (number.Contains('.', StringComparison.Ordinal) || number.Contains('e', StringComparison.Ordinal)) Plain = false;
                    Text.Append(number);
                    break;
                case 2: Text.Append("null"); break;
                case 3: Text.Append("true"); break;
                default: Text.Append("false"); break;
            }
        }

        private void String(bool name)
        {
            var value = new StringBuilder();
            var parts = random.Next(4);
            for (var i = 0; i < parts; i++) value.Append(Pieces[random.Next(Pieces.Length)]);
            var text = value.ToString();
            if (awsCliStyle) text = new string([.. text.Where(c => c is >= ' ' and <= '~' || c is '\n' or '\t')]);
            Text.Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': Text.Append("\\\""); break;
                    case '\\': Text.Append("\\\\"); break;
                    case '/' when !awsCliStyle && random.Next(3) == 0: Text.Append("\\/"); break;
                    case '\n': Text.Append("\\n"); break;
                    case '\t': Text.Append("\\t"); break;
                    case '\b': Text.Append("\\b"); break;
                    case '\f': Text.Append("\\f"); break;
                    case '\r': Text.Append("\\r"); break;
                    case < ' ': Text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); Plain = false; break;
                    case > '~' when random.Next(2) == 0: Text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); Plain = false; break;
                    case '\u007f': Text.Append(c); break;
                    case > '~': Text.Append(c); Plain = false; break;
                    default: Text.Append(c); break;
                }
            }
            Text.Append('"');
        }
    }
}
