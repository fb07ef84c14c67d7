using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// The tokens of a JSON document read where it sits, still escaped inside a JSON string: a Config item's
/// <c>configuration</c>, <c>"{\"groupId\": \"sg-1\", …}"</c>. Reading it this way saves unescaping it into a buffer
/// and tokenizing it again, which was most of the cost of an item.
/// <para>It takes the plain case only — what the AWS CLI prints: structure, spaces, inner strings of ASCII from the space up
/// delimited by <c>\"</c> (with the inner escapes <c>\"</c>, <c>\\</c>, <c>\/</c>, <c>\b</c>, <c>\f</c>, <c>\n</c>,
/// <c>\r</c>, <c>\t</c>), integers, <c>null</c>, <c>true</c>, <c>false</c> — and answers None for anything else:
/// a <c>\u</c> escape, any other byte escaped in the outer string, a control character or a byte outside ASCII, a fraction or
/// exponent, a bare quote (the outer string ends). Its caller then unescapes the string and reads it with the JSON
/// reader, so declining costs time, never meaning. What it takes, it checks as strictly as the JSON reader would:
/// the grammar of objects, arrays, names and values, literals and numbers ended where JSON ends them.</para>
/// </summary>
internal ref struct EscapedJsonTokens : IFastTokens
{
    private enum Expect : byte { Value, NameOrEnd, ValueOrEnd, CommaOrEnd, Done }

    /// <summary>Deeper than any group is nested: anything deeper is not a group, and is declined.</summary>
    private const int MaxDepth = 32;

    /// <summary>The longest escaped string value decoded here (an EC2 description is at most 255 characters).</summary>
    private const int MaxEscapedString = 1024;

    private readonly ReadOnlySpan<byte> text;
    private int at;
    private Expect expect;
    private int depth;
    private ulong objects; // bit d: the container at depth d + 1 is an object
    private JsonTokenType token;
    private int valueStart, valueLength;
    private bool valueEscaped;
    private long number;

    /// <param name="text">The escaped document, from just after the string's opening quote.</param>
    public EscapedJsonTokens(ReadOnlySpan<byte> text) => this.text = text;

    /// <summary>
    /// Whether the root value has been read whole, and where the spaces after it end: where the caller expects the
    /// string's closing quote.
    /// </summary>
    public readonly bool TryEnd(out int end)
    {
        end = at;
        if (expect != Expect.Done || token == JsonTokenType.None) return false;
        while (end < text.Length && text[end] == (byte)' ') end++;
        return true;
    }

    public readonly JsonTokenType TokenType => token;

    /// <summary>A property name's text as it stands, or null for a name with an escape (tests compare it with the JSON reader's).</summary>
    internal readonly string? PlainName =>
        token == JsonTokenType.PropertyName && !valueEscaped ? System.Text.Encoding.ASCII.GetString(text.Slice(valueStart, valueLength)) : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public JsonTokenType Next()
    {
        SkipSpaces();
        if (at >= text.Length) return Fail();
        var c = text[at];
        switch (expect)
        {
            case Expect.CommaOrEnd:
                if (c == (byte)',')
                {
                    at++;
                    SkipSpaces();
                    if (at >= text.Length) return Fail();
                    c = text[at];
                    return InObject ? ReadName() : ReadValue(c);
                }
                return End(c);
            case Expect.NameOrEnd:
                return c == (byte)'}' ? End(c) : ReadName();
            case Expect.ValueOrEnd:
                return c == (byte)']' ? End(c) : ReadValue(c);
            case Expect.Value:
                return ReadValue(c);
            default:
                return Fail(); // after the root: nothing more is a token
        }
    }

    public readonly bool NameIs(ReadOnlySpan<byte> utf8) =>
        token == JsonTokenType.PropertyName && !valueEscaped && ShortBytes.Equal(text.Slice(valueStart, valueLength), utf8);

    public readonly bool TryGetString(out string? value)
    {
        value = null;
        if (token != JsonTokenType.String) return false;
        var raw = text.Slice(valueStart, valueLength);
        if (!valueEscaped)
        {
            value = System.Text.Encoding.ASCII.GetString(raw);
            return true;
        }
        if (raw.Length > MaxEscapedString) return false;
        Span<char> decoded = stackalloc char[raw.Length];
        var length = Decode(raw, decoded);
        value = new string(decoded[..length]);
        return true;
    }

    public readonly bool TryGetString(StringCache strings, out string? value)
    {
        if (token != JsonTokenType.String) { value = null; return false; }
        var raw = text.Slice(valueStart, valueLength);
        if (!valueEscaped)
        {
            value = strings.Get(raw);
            return true;
        }
        // Escaped values repeat too (descriptions with quotes): kept under their escaped bytes, decoded once.
        if (strings.FindEscaped(raw, out var slot) is { } known)
        {
            value = known;
            return true;
        }
        if (!TryGetString(out value)) return false;
        strings.KeepEscaped(slot, raw, value!);
        return true;
    }

    public readonly bool TryGetInt32(out int value)
    {
        value = (int)number;
        return token == JsonTokenType.Number && number is >= int.MinValue and <= int.MaxValue;
    }

    public readonly bool TryGetPlainBytes(out ReadOnlySpan<byte> utf8)
    {
        var plain = token == JsonTokenType.String && !valueEscaped;
        utf8 = plain ? text.Slice(valueStart, valueLength) : default;
        return plain;
    }

    public readonly int CopyPlainString(scoped Span<char> destination) =>
        TryGetPlainBytes(out var plain) && plain.Length <= destination.Length ? System.Text.Encoding.ASCII.GetChars(plain, destination) : -1;

    private readonly bool InObject
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // Native AOT would not inline it
        get => depth > 0 && (objects & (1UL << (depth - 1))) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called between every two tokens; Native AOT would not inline it
    private void SkipSpaces()
    {
        // Only a space: a tab or line break would be escaped in the outer string (\t, \n), which is declined.
        while (at < text.Length && text[at] == (byte)' ') at++;
    }

    private JsonTokenType Fail()
    {
        // Once declined, always declined: the reader must not resume somewhere in the middle.
        at = text.Length;
        expect = Expect.Done;
        return token = JsonTokenType.None;
    }

    private JsonTokenType End(byte c)
    {
        if (depth == 0) return Fail();
        var isObject = InObject;
        if (c != (isObject ? (byte)'}' : (byte)']')) return Fail();
        at++;
        depth--;
        expect = depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return token = isObject ? JsonTokenType.EndObject : JsonTokenType.EndArray;
    }

    private JsonTokenType Open(bool isObject)
    {
        if (depth == MaxDepth) return Fail();
        if (isObject) objects |= 1UL << depth;
        else objects &= ~(1UL << depth);
        depth++;
        at++;
        expect = isObject ? Expect.NameOrEnd : Expect.ValueOrEnd;
        return token = isObject ? JsonTokenType.StartObject : JsonTokenType.StartArray;
    }

    private JsonTokenType ReadName()
    {
        if (!ReadString()) return Fail();
        SkipSpaces();
        if (at >= text.Length || text[at] != (byte)':') return Fail();
        at++;
        expect = Expect.Value;
        return token = JsonTokenType.PropertyName;
    }

    private JsonTokenType ReadValue(byte c)
    {
        switch (c)
        {
            case (byte)'{':
                return Open(isObject: true);
            case (byte)'[':
                return Open(isObject: false);
            case (byte)'\\':
                return ReadString() ? Complete(JsonTokenType.String) : Fail();
            case (byte)'n':
                return Literal("null"u8, JsonTokenType.Null);
            case (byte)'t':
                return Literal("true"u8, JsonTokenType.True);
            case (byte)'f':
                return Literal("false"u8, JsonTokenType.False);
            default:
                return ReadNumber(); // which declines anything that is not a number
        }
    }

    /// <summary>A value done: after the root nothing more, else a comma or its container's end.</summary>
    private JsonTokenType Complete(JsonTokenType kind)
    {
        expect = depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return token = kind;
    }

    private JsonTokenType Literal(ReadOnlySpan<byte> literal, JsonTokenType kind)
    {
        if (!text[at..].StartsWith(literal)) return Fail();
        at += literal.Length;
        // What follows (nullx, 1.5, 22a) is the next token's question, and none of those is a token.
        return Complete(kind);
    }

    /// <summary>An integer, as JSON writes it (no leading zero); a fraction or exponent is declined.</summary>
    private JsonTokenType ReadNumber()
    {
        var negative = text[at] == (byte)'-';
        if (negative) at++;
        var digits = at;
        long value = 0;
        while (at < text.Length && char.IsAsciiDigit((char)text[at]))
        {
            if (at - digits == 18) return Fail(); // far outside any port: not worth reading exactly
            value = value * 10 + (text[at] - (byte)'0');
            at++;
        }
        var count = at - digits;
        if (count == 0 || (count > 1 && text[digits] == (byte)'0')) return Fail();
        number = negative ? -value : value;
        return Complete(JsonTokenType.Number);
    }

    /// <summary>
    /// The inner string at <see cref="at"/>, from its opening <c>\"</c> (the outer string's escaped quote) to its closing
    /// one, checked, <see cref="at"/> moving past it. Its bytes stay as they are; an escaped one is decoded when its value
    /// is asked for (<see cref="Decode"/>).
    /// </summary>
    private bool ReadString()
    {
        if (at + 1 >= text.Length || text[at] != (byte)'\\' || text[at + 1] != (byte)'"') return false;
        var start = at + 2;
        var i = start;
        var escaped = false;
        while (true)
        {
            i = PlainRun.End(text, i, PlainRun.Ascii);
            if (i >= text.Length) return false;
            // Only a backslash may stop a run: a bare quote ends the outer string, the rest is not plain text.
            if (text[i] != (byte)'\\' || i + 1 >= text.Length) return false;
            var next = text[i + 1];
            if (next == (byte)'"')
            {
                valueStart = start;
                valueLength = i - start;
                valueEscaped = escaped;
                at = i + 2;
                return true;
            }
            // \\ is an inner backslash: an inner escape, whose character follows, itself escaped if it is a quote or backslash.
            if (next != (byte)'\\' || i + 2 >= text.Length) return false;
            var width = InnerEscapeWidth(text[(i + 2)..]);
            if (width == 0) return false;
            escaped = true;
            i += 2 + width;
        }
    }

    /// <summary>How many bytes the character of an inner escape takes (<c>\"</c> and <c>\\</c> two, the letters one), or 0 for one not taken.</summary>
    private static int InnerEscapeWidth(ReadOnlySpan<byte> rest) => rest[0] switch
    {
        (byte)'\\' when rest.Length > 1 && rest[1] is (byte)'"' or (byte)'\\' => 2,
        (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' => 1,
        _ => 0,
    };

    /// <summary>The characters of a checked escaped string (<see cref="ReadString"/>): both levels of escape undone.</summary>
    private static int Decode(ReadOnlySpan<byte> raw, Span<char> output)
    {
        var written = 0;
        for (var i = 0; i < raw.Length;)
        {
            if (raw[i] != (byte)'\\')
            {
                output[written++] = (char)raw[i++];
                continue;
            }
            // raw[i + 1] is the second backslash of \\, the inner escape's own.
            var c = raw[i + 2];
            if (c == (byte)'\\')
            {
                output[written++] = (char)raw[i + 3];
                i += 4;
                continue;
            }
            output[written++] = c switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)c, // '/'
            };
            i += 3;
        }
        return written;
    }
}
