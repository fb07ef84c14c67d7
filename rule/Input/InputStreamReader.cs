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
    /// How many threads decode the items of a streamed list besides the one reading the stream; 0: the stream's own
    /// reader decodes each item as it reads it (the text is read once). The default is 0: measured on this project's
    /// 2-core machine, one decoding thread beside the reader took 1.6–2.5 s on 100k realistic items against 2.0 s for
    /// the single thread — twice the CPU (every item is tokenized twice, and collections stop both threads), so no
    /// reliable gain until decoding itself is cheaper. <c>SGCR_DECODING_THREADS</c> sets it, to compare on a machine.
    /// </summary>
    internal static int DecodingThreads { get; set; } =
        int.TryParse(Environment.GetEnvironmentVariable("SGCR_DECODING_THREADS"), out var threads) && threads is >= 0 and <= 64 ? threads : 0;

    public static IEnumerable<ReadResult> Read(Stream utf8Json, int bufferSize = DefaultBufferSize) =>
        Read(utf8Json, bufferSize, DecodingThreads);

    internal static IEnumerable<ReadResult> Read(Stream utf8Json, int bufferSize, int decodingThreads)
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
        tokens.StopKeeping();
        var list = new StreamedList(tokens, layout, decodingThreads);
        foreach (var result in InputReader.ReadEntries(list.Entries())) yield return result;
        if (list.Stopped) yield break;
        foreach (var result in ReadAfterList(tokens, layout)) yield return result;
    }

    private sealed record Layout(string? RootField, JsonPath ListPath)
    {
        public bool IsBatch => RootField == "baseConfigurationItems";
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
            return (null, [], SyntaxError(JsonPath.Root, e));
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
            return SyntaxError(JsonPath.Root, e);
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
    private sealed class StreamedList(JsonTokenStream tokens, Layout layout, int decodingThreads)
    {
        private static readonly FastReader<ResourceItem> FastGroup = Ec2GroupFastReader.TryReadAt;
        private static readonly FastReader<ResourceItem> FastConfigItem = ConfigItemFastReader.TryReadAt;

        public bool Stopped { get; private set; }

        public IEnumerable<ListEntry> Entries() => decodingThreads > 0 ? DecodedInParallel() : Decoded();

        /// <summary>One thread: the stream's own reader decodes each item as it reads it (the text is read once).</summary>
        private IEnumerable<ListEntry> Decoded()
        {
            JsonDocument? current = null;
            try
            {
                for (var index = 0; ; index++)
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

        /// <summary>At most this many items, and this many bytes, are read ahead of the one being given out.</summary>
        private const int MaxItemsAhead = 256;
        private const int MaxBytesAhead = 8 << 20;

        /// <summary>
        /// Several threads: this one reads the stream and finds each item's end (checking the list's syntax as it goes);
        /// <c>decodingThreads</c> others decode the items, each a whole text of its own; the entries come out in input
        /// order, exactly as <see cref="Decoded"/> gives them. A syntax error or failed read still ends the list after
        /// the items before it.
        /// </summary>
        private IEnumerable<ListEntry> DecodedInParallel()
        {
            using var work = new System.Collections.Concurrent.BlockingCollection<Work>(MaxItemsAhead);
            var workers = Enumerable.Range(0, decodingThreads).Select(_ => new Thread(() =>
            {
                foreach (var item in work.GetConsumingEnumerable()) item.Decode(layout.IsBatch);
            }) { IsBackground = true, Name = "sgcr-decode" }).ToList();
            workers.ForEach(w => w.Start());
            var ahead = new Queue<Work>();
            long bytesAhead = 0;
            JsonDocument? current = null;
            try
            {
                for (var index = 0; ; index++)
                {
                    var path = layout.ListPath.Index(index);
                    var (more, bytes, failure) = NextRaw(path);
                    if (!more) break;
                    if (failure is { } stop)
                    {
                        while (ahead.Count > 0) yield return Deliver(ahead.Dequeue(), ref current);
                        yield return stop;
                        yield break;
                    }
                    var next = new Work(bytes!, path);
                    ahead.Enqueue(next);
                    bytesAhead += bytes!.Length;
                    work.Add(next);
                    while (ahead.Count >= MaxItemsAhead || bytesAhead > MaxBytesAhead)
                    {
                        var done = ahead.Dequeue();
                        bytesAhead -= done.Bytes.Length;
                        yield return Deliver(done, ref current);
                    }
                }
                while (ahead.Count > 0) yield return Deliver(ahead.Dequeue(), ref current);
            }
            finally
            {
                work.CompleteAdding();
                workers.ForEach(w => w.Join());
                current?.Dispose();
                foreach (var left in ahead) left.Result.Task.Result.Document?.Dispose();
            }
        }

        private static ListEntry Deliver(Work done, ref JsonDocument? current)
        {
            var (entry, document) = done.Result.Task.GetAwaiter().GetResult();
            current?.Dispose();
            current = document;
            return entry;
        }

        /// <summary>The next item's text (a copy: the stream's buffer moves on), or the entry that ends the list.</summary>
        private (bool More, byte[]? Bytes, ListEntry? Failure) NextRaw(JsonPath path)
        {
            try
            {
                return tokens.TryReadValue(out var value) ? (true, value.ToArray(), null) : (false, null, null);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                return (true, null, Stop(e, path));
            }
        }

        /// <summary>The entry that ends the list: a syntax error placed inside the value it broke, or a failed read.</summary>
        private ListEntry Stop(Exception e, JsonPath path)
        {
            Stopped = true;
            var failure = e is JsonException syntax
                ? new InputException(JsonText.LocateProblem(tokens.TextOfNextValue(), path), SyntaxError(path, syntax).Problem)
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

        /// <summary>One item to decode, and its entry once decoded.</summary>
        private sealed class Work(byte[] bytes, JsonPath path)
        {
            public byte[] Bytes { get; } = bytes;
            public TaskCompletionSource<(ListEntry Entry, JsonDocument? Document)> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Decode(bool isBatch)
            {
                try
                {
                    var item = isBatch ? ConfigItemFastReader.TryRead(Bytes) : Ec2GroupFastReader.TryRead(Bytes);
                    Result.SetResult(item is not null ? (new ListEntry(default, ReadResult.Read(item)), null) : Canonical(Bytes, path));
                }
                catch (Exception e)
                {
                    Result.SetException(e); // a defect: rethrown on the reading thread, where it would have happened
                }
            }
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
