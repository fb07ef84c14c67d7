using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads the resources of a JSON text from a stream, with the meaning <see cref="InputReader"/> gives it, holding one
/// resource at a time for the shapes large exports come in: a <c>DescribeSecurityGroups</c> response (an object whose
/// first field is <c>SecurityGroups</c>), a <c>BatchGetResourceConfig</c> response (first field
/// <c>baseConfigurationItems</c>), and a JSON array of inputs. Plain EC2 groups are read by
/// <see cref="Ec2GroupFastReader"/> and plain Config items by <see cref="ConfigItemFastReader"/>; anything else in the
/// list by the canonical readers, one item at a time.
/// Other shapes are small, or need the whole text (a history keeps each resource's newest item; a page of rules may
/// continue on another), and are read whole.
/// <para>Streaming changes what an error costs, never what a resource means: an item with a repeated key or too deep
/// costs only itself, where a whole-text read refuses the file; a syntax error or a failed read ends the input with
/// one error, after the resources before it were given.</para>
/// </summary>
public static class InputStreamReader
{
    public const int DefaultBufferSize = 64 * 1024;

    /// <summary>
    /// How many threads decode the items of a streamed list (<see cref="ParallelListReader"/>); 0: the stream's own
    /// reader decodes each item as it reads it. By default one per core, up to 4, on a machine with more than one
    /// (measured in docs/performance.md); <c>SGCR_DECODING_THREADS</c> sets it (0 to compare with one thread).
    /// </summary>
    internal static int DecodingThreads { get; set; } =
        int.TryParse(Environment.GetEnvironmentVariable("SGCR_DECODING_THREADS"), out var threads) && threads is >= 0 and <= 64 ? threads
        : Environment.ProcessorCount > 1 ? Math.Min(Environment.ProcessorCount, 4) : 0;

    public static IEnumerable<ReadResult> Read(Stream utf8Json, int bufferSize = DefaultBufferSize) =>
        Read(utf8Json, bufferSize, DecodingThreads);

    /// <summary>
    /// How a list decoded on several threads is cut: windows of the input read whole, and pieces of a window decoded
    /// each by one thread. By default from the buffer size: 4 buffers a window, half a buffer a piece — about 14 items
    /// of the AWS CLI's output, and few enough read ahead that the items waiting to be given out stay small.
    /// </summary>
    /// <param name="HandedOver">Told how many items the pieces gave out before the single-thread reader took over: tests
    /// see by it that the pieces are used, which the entries alone cannot show (the single-thread reader gives the same).</param>
    internal readonly record struct PieceSizes(int WindowBytes, int PieceBytes, Action<int>? HandedOver = null)
    {
        public static PieceSizes For(int bufferSize) => new(Math.Max(bufferSize * 4, 16), Math.Max(bufferSize / 2, 1));
    }

    internal static IEnumerable<ReadResult> Read(Stream utf8Json, int bufferSize, int decodingThreads) =>
        Read(utf8Json, bufferSize, decodingThreads, PieceSizes.For(bufferSize));

    internal static IEnumerable<ReadResult> Read(Stream utf8Json, int bufferSize, int decodingThreads, PieceSizes pieceSizes)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        var tokens = new JsonTokenStream(utf8Json, bufferSize);
        var (layout, failure) = Plan(tokens);
        if (failure is not null)
        {
            yield return ReadResult.Failed(failure);
            yield break;
        }
        if (layout is null)
        {
            foreach (var result in ReadWhole(tokens)) yield return result;
            yield break;
        }
        var list = new StreamedList(tokens, layout, bufferSize, decodingThreads, pieceSizes);
        foreach (var result in InputReader.ReadEntries(list.Entries())) yield return result;
        if (list.Stopped) yield break;
        foreach (var result in ReadAfterList(list.Tokens, layout)) yield return result;
    }

    private sealed record Layout(string? RootField, JsonPath ListPath)
    {
        public bool IsBatch => RootField == "baseConfigurationItems";

        /// <summary>How deep the list's items are: in a root array 1, in the root object's list 2.</summary>
        public int ListDepth => RootField is null ? 1 : 2;
    }

    /// <summary>Which list to stream, from the first tokens; null to read the text whole.</summary>
    private static (Layout? Layout, InputException? Failure) Plan(JsonTokenStream tokens)
    {
        try
        {
            var first = tokens.ReadToken(out _);
            if (first == JsonTokenType.StartArray) return (new Layout(null, JsonPath.Root), null);
            if (first != JsonTokenType.StartObject || tokens.ReadToken(out var name) != JsonTokenType.PropertyName) return (null, null);
            if (name is not ("SecurityGroups" or "baseConfigurationItems")) return (null, null);
            return tokens.ReadToken(out _) == JsonTokenType.StartArray
                ? (new Layout(name, JsonPath.Root.Property(name)), null)
                : (null, null);
        }
        catch (JsonException) when (tokens.Buffered.TrimStart("\uFEFF"u8).Trim(" \t\r\n"u8).IsEmpty)
        {
            // Nothing at all (an empty file, a pipe whose writer failed): say that, not what a JSON parser says about it.
            return (null, new InputException(JsonPath.Root, "the input is empty"));
        }
        catch (JsonException e) when (e.LineNumber == 0 && e.BytePositionInLine == 0 || !LooksLikeText(tokens))
        {
            // Not JSON from its first byte (a binary file, /dev/zero): say so now rather than read it all to say so.
            return (null, new InputException(JsonPath.Root, JsonText.InvalidJson(e)));
        }
        catch (JsonException)
        {
            return (null, null); // the whole-text read reports where the text breaks
        }
        catch (IOException e)
        {
            return (null, CannotRead(JsonPath.Root, e));
        }
    }

    private static IEnumerable<ReadResult> ReadWhole(JsonTokenStream tokens)
    {
        byte[] text;
        try
        {
            text = tokens.ReadAll();
        }
        catch (IOException e)
        {
            return [ReadResult.Failed(CannotRead(JsonPath.Root, e))];
        }
        var (document, invalid) = JsonText.TryParse(text, JsonPath.Root);
        return document is null ? [ReadResult.Failed(invalid!)] : ReadAndDispose(document);

        static IEnumerable<ReadResult> ReadAndDispose(JsonDocument document)
        {
            using (document)
            {
                foreach (var result in InputReader.Read(document.RootElement)) yield return result;
            }
        }
    }

    /// <summary>The root object's other fields, after the list: checked as a whole-text read would, and read where they matter.</summary>
    private static IEnumerable<ReadResult> ReadAfterList(JsonTokenStream tokens, Layout layout)
    {
        if (layout.RootField is null)
        {
            if (EndOfText(tokens) is { } trailing) yield return ReadResult.Failed(trailing);
            yield break;
        }
        var names = new HashSet<string>(StringComparer.Ordinal) { layout.RootField };
        while (true)
        {
            var (name, value, failure) = NextRootField(tokens);
            if (failure is not null)
            {
                yield return ReadResult.Failed(failure);
                yield break;
            }
            if (name is null) break;
            var path = JsonPath.Root.Property(name);
            if (!names.Add(name))
            {
                yield return ReadResult.Failed(new InputException(path, $"duplicate key '{name}' in the same object"));
                yield break;
            }
            var (document, invalid) = JsonText.TryParse(value, path);
            if (document is null)
            {
                // As the whole-text read refuses such a file: report it and stop.
                yield return ReadResult.Failed(invalid!);
                yield break;
            }
            using (document)
            {
                var cursor = new JsonCursor(document.RootElement, path);
                if (layout.IsBatch && name is "SecurityGroups" or "SecurityGroupRules" or "configurationItems" && !cursor.IsNull)
                {
                    yield return ReadResult.Failed(cursor.Error(
                        $"this response holds both '{layout.RootField}' and '{name}', so what it describes is ambiguous; give one response per file"));
                    yield break;
                }
                if (layout.IsBatch && name == "unprocessedResourceKeys" && !cursor.IsNull)
                {
                    if (!cursor.IsArray)
                    {
                        yield return ReadResult.Failed(cursor.Error($"must be an array, not {JsonCursor.Describe(cursor.Kind)}"));
                        continue;
                    }
                    foreach (var unprocessed in InputReader.ReadUnprocessedKeys(cursor.Items())) yield return unprocessed;
                }
            }
        }
        if (EndOfText(tokens) is { } after) yield return ReadResult.Failed(after);
    }

    /// <summary>The next field of the root object (a copy of its value), or no name at the end of the object.</summary>
    private static (string? Name, byte[] Value, InputException? Failure) NextRootField(JsonTokenStream tokens)
    {
        try
        {
            var type = tokens.ReadToken(out var name);
            if (type != JsonTokenType.PropertyName) return (null, [], null);
            if (!tokens.TryReadValue(out var value)) throw new JsonException("a value was expected");
            return (name, value.ToArray(), null);
        }
        catch (JsonException e)
        {
            return (null, [], SyntaxError(JsonPath.Root, tokens.Place(e)));
        }
        catch (IOException e)
        {
            return (null, [], CannotRead(JsonPath.Root, e));
        }
    }

    private static InputException? EndOfText(JsonTokenStream tokens)
    {
        try
        {
            return tokens.ReadToken(out _) == JsonTokenType.None ? null : new InputException(JsonPath.Root, "invalid JSON: more text after the end of the document");
        }
        catch (JsonException e)
        {
            return SyntaxError(JsonPath.Root, tokens.Place(e));
        }
        catch (IOException e)
        {
            return CannotRead(JsonPath.Root, e);
        }
    }

    private static InputException SyntaxError(JsonPath near, JsonException e) =>
        new(near, $"{JsonText.InvalidJson(e)}; the rest of the input is not read");

    /// <summary>Whether the start of the text is printable (JSON that broke later, not a binary file).</summary>
    private static bool LooksLikeText(JsonTokenStream tokens)
    {
        foreach (var b in tokens.Buffered[..Math.Min(tokens.Buffered.Length, 512)])
        {
            if (b < 0x09 || b is > 0x0d and < 0x20) return false;
        }
        return true;
    }

    private static InputException CannotRead(JsonPath near, IOException e) =>
        new(near, $"cannot read: {e.Message}; the rest of the input is not read");

    /// <summary>The items of the streamed list, one at a time; a syntax error or failed read ends it (<see cref="Stopped"/>).</summary>
    private sealed class StreamedList(JsonTokenStream tokens, Layout layout, int bufferSize, int decodingThreads, PieceSizes pieceSizes)
    {
        private static readonly FastReader<ResourceItem> FastGroup = Ec2GroupFastReader.TryReadAt;
        private static readonly FastReader<ResourceItem> FastConfigItem = ConfigItemFastReader.TryReadAt;
        private static readonly ParallelListReader.ItemReaders GroupReaders = new(null, FastGroup);
        private static readonly ParallelListReader.ItemReaders ConfigItemReaders = new(ConfigItemFastReader.TryScan, FastConfigItem);

        public bool Stopped { get; private set; }

        /// <summary>Where the text after the list is read from (another stream than the one given, once the list was read in pieces).</summary>
        public JsonTokenStream Tokens => tokens;

        public IEnumerable<ListEntry> Entries()
        {
            if (decodingThreads > 0 && ParallelListReader.Separator(tokens.Peek(128)) is { } separator && !tokens.ReadFailed) return InPieces(separator);
            tokens.StopKeeping();
            return Decoded(firstIndex: 0);
        }

        /// <summary>One thread: the stream's own reader decodes each item as it reads it (the text is read once).</summary>
        private IEnumerable<ListEntry> Decoded(int firstIndex)
        {
            JsonDocument? current = null;
            try
            {
                for (var index = firstIndex; ; index++)
                {
                    current?.Dispose();
                    current = null;
                    var path = layout.ListPath.Index(index);
                    var (more, entry, document) = Next(path);
                    if (!more) yield break;
                    current = document;
                    yield return entry;
                    if (Stopped) yield break;
                }
            }
            finally
            {
                current?.Dispose();
            }
        }

        /// <summary>
        /// Several threads: the list cut into pieces at its item separators, each piece decoded on a thread of its own
        /// (<see cref="ParallelListReader"/>); the entries come out in input order, exactly as <see cref="Decoded"/>
        /// gives them. Where the pieces stop — the list's end, or anything they do not take — the single-thread reader
        /// goes on, from the end of the last item given.
        /// </summary>
        private IEnumerable<ListEntry> InPieces(byte[] separator)
        {
            var (buffered, input, at) = tokens.Detach();
            var pieces = new ParallelListReader(buffered, input, at, separator, layout.IsBatch ? ConfigItemReaders : GroupReaders,
                layout.ListDepth, decodingThreads, pieceSizes.WindowBytes, pieceSizes.PieceBytes);
            var index = 0;
            JsonDocument? current = null;
            try
            {
                foreach (var decoded in pieces.Entries())
                {
                    current?.Dispose();
                    current = null;
                    if (decoded.Item is { } item)
                    {
                        yield return new ListEntry(default, ReadResult.Read(item));
                    }
                    else
                    {
                        var (entry, document) = Canonical(decoded.Text!, layout.ListPath.Index(index));
                        current = document;
                        yield return entry;
                    }
                    index++;
                }
            }
            finally
            {
                current?.Dispose();
            }
            var rest = pieces.Rest!;
            pieceSizes.HandedOver?.Invoke(rest.NextIndex);
            tokens = JsonTokenStream.Resume(rest.Text, bufferSize, layout.RootField, rest.AfterItem, rest.At);
            foreach (var entry in Decoded(rest.NextIndex)) yield return entry;
        }

        /// <summary>The entry that ends the list: a syntax error placed inside the value it broke, or a failed read.</summary>
        private ListEntry Stop(Exception e, JsonPath path)
        {
            Stopped = true;
            var failure = e is JsonException syntax
                ? new InputException(JsonText.LocateProblem(tokens.TextOfNextValue(), path, layout.ListDepth, tokens.EndOfInput), SyntaxError(path, tokens.Place(syntax)).Problem)
                : CannotRead(path, (IOException)e);
            return new ListEntry(default, ReadResult.Failed(failure));
        }

        /// <summary>An item the fast reader did not take, parsed for the canonical reader (which reports any error with its path).</summary>
        private static (ListEntry Entry, JsonDocument? Document) Canonical(byte[] bytes, JsonPath path)
        {
            var (document, invalid) = JsonText.TryParse(bytes, path);
            return document is null
                ? (new ListEntry(default, ReadResult.Failed(invalid!)), null)
                : (new ListEntry(new JsonCursor(document.RootElement, path), null), document);
        }

        private (bool More, ListEntry Entry, JsonDocument? Document) Next(JsonPath path)
        {
            ReadOnlyMemory<byte> value;
            ResourceItem? group;
            try
            {
                if (!tokens.TryReadValue(layout.IsBatch ? FastConfigItem : FastGroup, out value, out group)) return (false, default, null);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                return (true, Stop(e, path), null);
            }
            if (group is not null) return (true, new ListEntry(default, ReadResult.Read(group)), null);
            // A copy: the stream's buffer moves on, and the document reads from the memory it is given.
            var (entry, document) = Canonical(value.ToArray(), path);
            return (true, entry, document);
        }
    }
}
