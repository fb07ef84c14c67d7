using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// Walks a JSON text from a stream through a refillable buffer, a token or a whole value at a time, so that a scan
/// holds one value of a large export in memory, never the export. The buffer grows only to fit the largest single
/// value. Syntax is checked as for <see cref="JsonText"/> (strict JSON, depth limit); a syntax error or a failed read
/// of the stream is thrown as <see cref="JsonException"/> or <see cref="IOException"/>.
/// </summary>
internal sealed class JsonTokenStream(Stream input, int initialBufferSize)
{
    /// <summary>
    /// Where this stream's text sits in the input, when it is the rest of an input another reader began (see
    /// <see cref="Resume"/>): its first <c>PrefixLength</c> bytes were made up to put the reader in the right state,
    /// and the byte after them is at <c>At</c>. Syntax errors are placed in the input's lines, not this text's.
    /// </summary>
    private (TextPosition At, int PrefixLength)? placement;

    /// <summary>The largest single value streamed (one group, one item): far above any real one, far below the memory of a small machine.</summary>
    public const int MaxValueBytes = 64 << 20;

    /// <summary>The largest text read whole (the shapes that do not stream).</summary>
    public const int MaxWholeTextBytes = 128 << 20;

    private byte[] buffer = new byte[Math.Max(initialBufferSize, 1)];
    private int start;
    private int end;
    private int origin; // after a byte order mark: where the reader's line 0, byte 0 is
    private IOException? failedRead;

    /// <summary>Whether a read of the input failed while looking ahead (<see cref="Peek"/>): the next read throws it.</summary>
    public bool ReadFailed => failedRead is not null;
    private bool endOfInput;
    private bool started;
    private bool keepAll = true;
    private JsonReaderState state = new(new JsonReaderOptions { MaxDepth = JsonText.MaxDepth });

    /// <summary>
    /// Until this is called, every byte read is kept, so that <see cref="ReadAll"/> can hand the whole text to the
    /// document reader when the shape is not one that streams.
    /// </summary>
    public void StopKeeping() => keepAll = false;

    /// <summary>Reads the next token; for a property name, gives the name. <see cref="JsonTokenType.None"/> at the end of the text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public JsonTokenType ReadToken(out string? propertyName)
    {
        while (true)
        {
            var reader = NewReader();
            if (reader.Read())
            {
                propertyName = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString() : null;
                var type = reader.TokenType;
                Commit(ref reader);
                return type;
            }
            if (endOfInput)
            {
                propertyName = null;
                return JsonTokenType.None;
            }
            Refill();
        }
    }

    /// <summary>
    /// Reads the next value whole — an element of the array being walked, or the value of the property just read —
    /// and gives its bytes, valid until the next call. False, with the end of the array read, when the array ends.
    /// </summary>
    public bool TryReadValue(out ReadOnlyMemory<byte> value) => TryReadValue<object>(null, out value, out _);

    /// <summary>
    /// As <see cref="TryReadValue(out ReadOnlyMemory{byte})"/>, first offering an object to <paramref name="fast"/>
    /// on this stream's own reader, so the text is read once. When it returns null the value is read again from its start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadValue<T>(FastReader<T>? fast, out ReadOnlyMemory<byte> value, out T? fastResult) where T : class
    {
        fastResult = null;
        while (true)
        {
            var reader = NewReader();
            if (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    Commit(ref reader);
                    value = default;
                    return false;
                }
                var tokenStart = (int)reader.TokenStartIndex;
                if (fast is not null && reader.TokenType == JsonTokenType.StartObject)
                {
                    var atStart = reader;
                    if (fast(ref reader) is { } result)
                    {
                        value = buffer.AsMemory(start + tokenStart, (int)reader.BytesConsumed - tokenStart);
                        Commit(ref reader);
                        fastResult = result;
                        return true;
                    }
                    reader = atStart;
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    Refill(); // the value goes on past the buffered text (TrySkip throws instead at the real end)
                    continue;
                }
                value = buffer.AsMemory(start + tokenStart, (int)reader.BytesConsumed - tokenStart);
                Commit(ref reader);
                return true;
            }
            if (endOfInput) throw new JsonException("the text ends inside an array");
            Refill();
        }
    }

    /// <summary>
    /// The text after the last value read, from the start of the next one: after a syntax error in a value, where
    /// that value starts, so the error can be placed inside it.
    /// </summary>
    public ReadOnlySpan<byte> TextOfNextValue()
    {
        var text = buffer.AsSpan(start, end - start);
        var skipped = 0;
        while (skipped < text.Length && (FastJson.IsWhitespace(text[skipped]) || text[skipped] == (byte)',')) skipped++;
        return text[skipped..];
    }

    /// <summary>At least <paramref name="count"/> bytes of the text not yet consumed, or all there is (only while every byte is kept).</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (!keepAll) throw new InvalidOperationException("the start of the text is no longer kept");
        try
        {
            while (end - start < count && !endOfInput) Refill();
        }
        catch (IOException e)
        {
            // Only a look ahead: the failure is met again, where it belongs, by the next read of the text.
            failedRead = e;
        }
        return Buffered;
    }

    /// <summary>Whether the whole input has been read into the buffer.</summary>
    public bool EndOfInput => endOfInput;

    /// <summary>The text read so far and not yet consumed.</summary>
    public ReadOnlySpan<byte> Buffered => buffer.AsSpan(start, end - start);

    /// <summary>The whole text, when nothing has been let go yet (see <see cref="StopKeeping"/>).</summary>
    public byte[] ReadAll()
    {
        if (!keepAll) throw new InvalidOperationException("the start of the text is no longer kept");
        using var rest = new MemoryStream();
        rest.Write(buffer, 0, end);
        var chunk = new byte[81920];
        while (input.Read(chunk, 0, chunk.Length) is var read && read > 0)
        {
            if (rest.Length + read > MaxWholeTextBytes) throw TooLarge(MaxWholeTextBytes, "a text read whole");
            rest.Write(chunk, 0, read);
        }
        return rest.ToArray();
    }

    /// <summary>
    /// Hands the rest of the input to another reader: the bytes buffered and not yet consumed, the stream they came
    /// from (null once it has ended), and where the first of them is in the text. Only while every byte read is kept
    /// (before <see cref="StopKeeping"/>), so that the place can be counted; this stream is not used after.
    /// </summary>
    public (byte[] Buffered, Stream? Input, TextPosition At) Detach()
    {
        if (!keepAll) throw new InvalidOperationException("the start of the text is no longer kept");
        var at = default(TextPosition).After(buffer.AsSpan(origin, start - origin));
        return (buffer.AsSpan(start, end - start).ToArray(), endOfInput ? null : input, at);
    }

    /// <summary>
    /// A stream that goes on reading an input's list from the middle: <paramref name="rest"/> is the text from a place
    /// where the list is open — just after its <c>[</c> (<paramref name="afterItem"/> false) or just after one of its
    /// items — at <paramref name="at"/> in the input. Returned positioned there, as the reader that began the input
    /// was, with its syntax errors placed in the input's lines.
    /// </summary>
    public static JsonTokenStream Resume(Stream rest, int bufferSize, string? rootField, bool afterItem, TextPosition at)
    {
        // The tokens that open the list, and a stand-in item when the text goes on after one (a comma, or the end). An
        // empty string: it ends at its own quote, so whatever byte comes next is judged as it was after the real item.
        var prefix = System.Text.Encoding.UTF8.GetBytes((rootField is null ? "[" : $"{{\"{rootField}\":[") + (afterItem ? "\"\"" : ""));
        var tokens = new JsonTokenStream(new ConcatenatedStream([prefix], rest, null), bufferSize) { placement = (at, prefix.Length) };
        var opening = rootField is null ? 1 : 3;
        for (var i = 0; i < opening + (afterItem ? 1 : 0); i++) tokens.ReadToken(out _);
        tokens.StopKeeping();
        return tokens;
    }

    /// <summary>A syntax error of this text, placed in the input's lines when this stream reads the rest of an input.</summary>
    public JsonException Place(JsonException e)
    {
        if (placement is not var (at, prefixLength) || e.LineNumber is not { } line || e.BytePositionInLine is not { } column) return e;
        return line == 0
            ? new JsonException(e.Message, e.Path, at.Line, at.Column + Math.Max(0, column - prefixLength))
            : new JsonException(e.Message, e.Path, at.Line + line, column);
    }

    private static InputTooLargeException TooLarge(int limit, string what) =>
        new($"{what} larger than {limit >> 20} MB: not an export SgConfigRule reads (is it the right file?)");

    private Utf8JsonReader NewReader()
    {
        if (!started)
        {
            started = true;
            while (end - start < 3 && !endOfInput) Refill();
            // A UTF-8 byte order mark is allowed before the text, as JsonText allows it.
            if (end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF) start += 3;
            origin = start;
        }
        return new Utf8JsonReader(buffer.AsSpan(start, end - start), endOfInput, state);
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        start += (int)reader.BytesConsumed;
        state = reader.CurrentState;
    }

    private void Refill()
    {
        if (endOfInput) return;
        if (failedRead is not null) throw failedRead;
        if (!keepAll && start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length)
        {
            // A value that keeps growing (a binary file, one enormous string, /dev/zero) ends the input, not the process.
            var limit = keepAll ? MaxWholeTextBytes : MaxValueBytes;
            if (buffer.Length >= limit) throw TooLarge(limit, keepAll ? "a text read whole" : "a single JSON value");
            Array.Resize(ref buffer, (int)Math.Min(limit, (long)buffer.Length * 2));
        }
        var read = input.Read(buffer, end, buffer.Length - end);
        if (read == 0) endOfInput = true;
        end += read;
    }
}

/// <summary>A place in a JSON text as <see cref="Utf8JsonReader"/> counts it: lines ended by '\n', bytes within the line; both from 0.</summary>
internal readonly record struct TextPosition(long Line, long Column)
{
    /// <summary>The place just after <paramref name="text"/>, which starts here.</summary>
    public TextPosition After(ReadOnlySpan<byte> text)
    {
        var newlines = text.Count((byte)'\n');
        return newlines == 0
            ? this with { Column = Column + text.Length }
            : new TextPosition(Line + newlines, text.Length - text.LastIndexOf((byte)'\n') - 1);
    }
}

/// <summary>
/// Reads byte blocks already read, then the rest of the stream they came from, then throws a failure of reading it that
/// happened earlier: nothing is read twice — the bytes read to look at an input (is it gzip? a template?), or the rest
/// of an input handed from one reader to another, exactly as the first would have gone on to read it. Disposing it
/// disposes the rest.
/// </summary>
public sealed class ConcatenatedStream(IReadOnlyList<ReadOnlyMemory<byte>> blocks, Stream? rest, IOException? failure = null) : ForwardOnlyStream
{
    private int block;
    private int offset;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (block < blocks.Count)
        {
            var left = blocks[block].Span[offset..];
            if (left.IsEmpty)
            {
                block++;
                offset = 0;
                continue;
            }
            var n = Math.Min(left.Length, buffer.Length);
            left[..n].CopyTo(buffer);
            offset += n;
            return n;
        }
        if (rest is not null && rest.Read(buffer) is var read && read > 0) return read;
        if (failure is not null) throw failure;
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rest?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Input beyond what SgConfigRule reads: a failed read of that input, reported as one error.</summary>
internal sealed class InputTooLargeException(string message) : IOException(message);

/// <summary>Reads a value whole from the reader on its first token, leaving the reader on its last; null when it does not.</summary>
internal delegate T? FastReader<T>(ref Utf8JsonReader reader) where T : class;
