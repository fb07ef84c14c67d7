using System.Collections.Concurrent;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Decodes the items of a streamed list on several threads without a thread that reads every byte first: the text is
/// cut, speculatively, where an item seems to end — the separator between the list's first items, a comma and the
/// whitespace that holds a line break, as the AWS CLI and every pretty-printer write it — and each piece is decoded
/// on its own. A piece is taken only when the piece before it ended exactly at the cut, so every cut is checked by
/// the reading that precedes it, and the text is still read once, in order, as the single-thread reader reads it.
/// <para>A raw line break cannot be inside a JSON string, and a nested list is indented deeper, so in such text the
/// guess is right; anything else — a cut that was wrong, broken JSON, an item that is too deep or too large, a failed
/// read, the end of the list — hands the rest of the input, from the end of the last item read, to the single-thread
/// reader (<see cref="Handoff"/>), which reads it and reports any error exactly as it would have from the start.</para>
/// </summary>
internal sealed class ParallelListReader(
    byte[] buffered, Stream? input, TextPosition at, ReadOnlyMemory<byte> separator, ParallelListReader.ItemReaders readers,
    int listDepth, int threads, int windowBytes, int pieceBytes)
{
    /// <summary>Reads an item from the start of a text, saying how many bytes it took; null to give it to the other readers.</summary>
    public delegate ResourceItem? TextReader(ReadOnlySpan<byte> text, out int consumed);

    /// <summary>How the list's items are read: first by <c>Scan</c> when there is one, then by <c>Fast</c> on a JSON reader.</summary>
    public sealed record ItemReaders(TextReader? Scan, FastReader<ResourceItem> Fast);

    /// <summary>The largest window, to fit one item: past it, the single-thread reader takes over (and refuses the item).</summary>
    private const int MaxWindowBytes = JsonTokenStream.MaxValueBytes + (1 << 20);

    /// <summary>Windows read ahead of the one being given out: memory stays a few windows, whatever the input's size.</summary>
    private const int WindowsAhead = 3;

    /// <summary>The item separator a list must use to be cut, from the text just after its <c>[</c>; null when it cannot be (one line of JSON).</summary>
    public static byte[]? Separator(ReadOnlySpan<byte> afterOpening)
    {
        var whitespace = 0;
        while (whitespace < afterOpening.Length && whitespace <= 64 && FastJson.IsWhitespace(afterOpening[whitespace])) whitespace++;
        if (whitespace >= afterOpening.Length || afterOpening[whitespace] != (byte)'{') return null;
        var indent = afterOpening[..whitespace];
        if (!indent.Contains((byte)'\n')) return null;
        return [(byte)'}', (byte)',', .. indent, (byte)'{'];
    }

    /// <summary>Where the rest of the input goes to the single-thread reader, once <see cref="Entries"/> has ended.</summary>
    public Handoff? Rest { get; private set; }

    /// <summary>The rest of the input, from a place where the list is open (just after an item, or after its opening).</summary>
    public sealed record Handoff(Stream Text, bool AfterItem, TextPosition At, int NextIndex);

    /// <summary>
    /// The list's items, in order: a resource read by the fast reader, or (for the canonical reader) the item's own
    /// text. Ends where <see cref="Rest"/> begins.
    /// </summary>
    public IEnumerable<Decoded> Entries()
    {
        var windows = new WindowReader(buffered, input, at, separator, windowBytes, pieceBytes);
        using var pool = new Workers(threads, readers, JsonText.MaxDepth - listDepth);
        var ahead = new Queue<Window>();
        var index = 0;
        try
        {
            while (true)
            {
                while (ahead.Count < WindowsAhead && windows.Next() is { } next)
                {
                    ahead.Enqueue(next);
                    foreach (var piece in next.Pieces) pool.Add(piece);
                }
                var window = ahead.Peek();
                // A window with no piece (one value larger than the largest window) goes to the single-thread reader whole.
                var resume = (Offset: 0, AfterItem: window.StartsAfterItem);
                foreach (var piece in window.Pieces)
                {
                    var result = piece.Wait();
                    foreach (var entry in result.Entries)
                    {
                        yield return entry;
                        index++;
                    }
                    resume = (result.ResumeAt, result.ResumeAfterItem);
                    if (!result.EndedAtCut) break;
                }
                if (resume.Offset == window.Split && window.Pieces.Count > 0 && !window.IsLast)
                {
                    ahead.Dequeue();
                    windows.Recycle(window);
                    continue;
                }
                Rest = new Handoff(windows.Remainder(ahead, resume.Offset), resume.AfterItem, window.Start.After(window.Data.AsSpan(0, resume.Offset)), index);
                yield break;
            }
        }
        finally
        {
            pool.Stop();
        }
    }

    /// <summary>An item decoded by a worker: the resource, or the item's text for the canonical reader.</summary>
    public readonly record struct Decoded(ResourceItem? Item, byte[]? Text);

    /// <summary>
    /// A stretch of the input, read whole, cut into pieces at the guessed item ends. Its text starts at the list's
    /// opening (the first window) or just after an item (every other), and the text past <see cref="Split"/> (the last
    /// cut) starts the next window.
    /// </summary>
    private sealed class Window(byte[] data, int length, int split, bool isLast, bool startsAfterItem, TextPosition start)
    {
        public byte[] Data { get; } = data;
        public int Length { get; } = length;
        public int Split { get; } = split;
        public bool IsLast { get; } = isLast;
        public bool StartsAfterItem { get; } = startsAfterItem;
        public TextPosition Start { get; } = start;
        public List<Piece> Pieces { get; } = [];
    }

    /// <summary>One piece of a window, decoded by a worker.</summary>
    private sealed class Piece(Window window, int start, int end, bool afterItem, bool isLast)
    {
        private readonly TaskCompletionSource<PieceResult> result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PieceResult Wait() => result.Task.GetAwaiter().GetResult();

        public void Decode(ItemReaders readers, int maxDepth, bool skip)
        {
            try
            {
                result.SetResult(skip ? new PieceResult([], start, afterItem, EndedAtCut: false) : Read(readers, maxDepth));
            }
            catch (Exception e)
            {
                result.SetException(e); // a defect: rethrown on the thread that gives the entries out
            }
        }

        /// <summary>
        /// The items of the piece, in order, until its end — which must be an item's end, unless this is the last piece
        /// of the input — or until anything the fast path does not take; then where the single-thread reader resumes.
        /// </summary>
        private PieceResult Read(ItemReaders readers, int maxDepth)
        {
            var text = window.Data.AsSpan(0, end);
            var entries = new List<Decoded>();
            var position = start;
            var after = afterItem;
            var options = new JsonReaderOptions { MaxDepth = maxDepth };
            while (true)
            {
                if (after && position == end && !isLast) return new PieceResult(entries, position, after, EndedAtCut: true);
                var next = FastJson.SkipWhitespace(text, position);
                if (after)
                {
                    // Between items only a comma; anything else (the list's end, an error) is the single-thread reader's.
                    if (next >= text.Length || text[next] != (byte)',') break;
                    next = FastJson.SkipWhitespace(text, next + 1);
                }
                if (next >= text.Length || text[next] == (byte)']') break;
                if (readers.Scan?.Invoke(text[next..], out var used) is { } scanned)
                {
                    entries.Add(new Decoded(scanned, null));
                    position = next + used;
                    after = true;
                    continue;
                }
                var reader = new Utf8JsonReader(text[next..], isFinalBlock: true, new JsonReaderState(options));
                try
                {
                    if (!reader.Read()) break;
                    var atStart = reader;
                    if (reader.TokenType == JsonTokenType.StartObject && readers.Fast(ref reader) is { } item)
                    {
                        entries.Add(new Decoded(item, null));
                    }
                    else
                    {
                        reader = atStart;
                        reader.Skip();
                        entries.Add(new Decoded(null, text.Slice(next, (int)reader.BytesConsumed).ToArray()));
                    }
                }
                catch (JsonException)
                {
                    break; // broken, too deep, or past the piece's end: the single-thread reader reads it from here
                }
                position = next + (int)reader.BytesConsumed;
                after = true;
            }
            return new PieceResult(entries, position, after, EndedAtCut: false);
        }
    }

    /// <summary>What a piece gave: its items, and where reading resumes after them (just after the last, or where the piece began).</summary>
    private sealed record PieceResult(List<Decoded> Entries, int ResumeAt, bool ResumeAfterItem, bool EndedAtCut);

    /// <summary>Reads the input a window at a time and cuts each window into pieces.</summary>
    private sealed class WindowReader(byte[] buffered, Stream? input, TextPosition at, ReadOnlyMemory<byte> separator, int windowBytes, int pieceBytes)
    {
        private readonly Stack<byte[]> spare = new();
        private ReadOnlyMemory<byte> carry = buffered;
        private TextPosition carryAt = at;
        private bool carryAfterItem;
        private bool ended = input is null;
        private IOException? failure;
        private bool done;

        public Window? Next()
        {
            if (done) return null;
            var data = Rent(Math.Max(windowBytes, carry.Length + windowBytes / 2));
            carry.Span.CopyTo(data);
            var length = carry.Length;
            var cuts = new List<int>();
            var searchFrom = 0;
            while (true)
            {
                length = Fill(data, length);
                var last = ended || failure is not null;
                FindCuts(data.AsSpan(0, length), ref searchFrom, cuts);
                if (last || cuts.Count > 0 || data.Length >= MaxWindowBytes) break;
                // No item ends in the window: one item is larger than the window; make room for it.
                Array.Resize(ref data, (int)Math.Min(MaxWindowBytes, (long)data.Length * 2));
            }
            var isLast = ended || failure is not null || cuts.Count == 0;
            var split = isLast ? length : cuts[^1];
            var window = new Window(data, length, split, isLast, carryAfterItem, carryAt);
            if (cuts.Count > 0 || ended || failure is not null)
            {
                var from = 0;
                foreach (var cut in cuts)
                {
                    window.Pieces.Add(new Piece(window, from, cut, afterItem: from > 0 || carryAfterItem, isLast: false));
                    from = cut;
                }
                if (isLast) window.Pieces.Add(new Piece(window, from, length, afterItem: from > 0 || carryAfterItem, isLast: true));
            }
            done = isLast;
            carry = data.AsMemory(split, length - split);
            carryAt = carryAt.After(data.AsSpan(0, split));
            carryAfterItem = true;
            return window;
        }

        /// <summary>The cuts of a window, one about every <c>pieceBytes</c>: just after the <c>}</c> of each separator found.</summary>
        private void FindCuts(ReadOnlySpan<byte> text, ref int searchFrom, List<int> cuts)
        {
            var pattern = separator.Span;
            while (true)
            {
                var from = Math.Max(searchFrom, (cuts.Count > 0 ? cuts[^1] : 0) + pieceBytes - 1);
                if (from >= text.Length) return;
                var found = text[from..].IndexOf(pattern);
                if (found < 0)
                {
                    // Next time, search only what was not searched (a separator may straddle the end).
                    searchFrom = Math.Max(from, text.Length - pattern.Length + 1);
                    return;
                }
                cuts.Add(from + found + 1);
                searchFrom = from + found + 1;
            }
        }

        private int Fill(byte[] data, int length)
        {
            while (length < data.Length && !ended && failure is null)
            {
                try
                {
                    var read = input!.Read(data, length, data.Length - length);
                    if (read == 0) ended = true;
                    length += read;
                }
                catch (IOException e)
                {
                    failure = e; // handed on, to be thrown where the single-thread reader would have met it
                }
            }
            return length;
        }

        /// <summary>The text from <paramref name="offset"/> of the first window on: the windows read, then the input's unread rest.</summary>
        public ConcatenatedStream Remainder(IEnumerable<Window> windows, int offset)
        {
            var blocks = new List<ReadOnlyMemory<byte>>();
            foreach (var window in windows)
            {
                blocks.Add(window.Data.AsMemory(offset, window.Split - offset));
                offset = 0;
            }
            if (!done) blocks.Add(carry);
            return new ConcatenatedStream(blocks, ended ? null : input, failure);
        }

        private byte[] Rent(int size) => spare.Count > 0 && spare.Peek().Length >= size ? spare.Pop() : new byte[size];

        public void Recycle(Window window)
        {
            if (window.Data.Length == windowBytes) spare.Push(window.Data);
        }
    }

    /// <summary>The threads that decode pieces, in the order they were given.</summary>
    private sealed class Workers : IDisposable
    {
        private readonly BlockingCollection<Piece> queue = [];
        private readonly List<Thread> threads;
        private volatile bool stopping;

        public Workers(int count, ItemReaders readers, int maxDepth)
        {
            threads = [.. Enumerable.Range(0, count).Select(_ => new Thread(() =>
            {
                foreach (var piece in queue.GetConsumingEnumerable()) piece.Decode(readers, maxDepth, skip: stopping);
            }) { IsBackground = true, Name = "sgcr-decode" })];
            threads.ForEach(t => t.Start());
        }

        public void Add(Piece piece) => queue.Add(piece);

        /// <summary>Lets the pieces not yet decoded go (the entries are no longer wanted) and waits for the threads.</summary>
        public void Stop()
        {
            stopping = true;
            queue.CompleteAdding();
            threads.ForEach(t => t.Join());
        }

        public void Dispose()
        {
            if (!queue.IsAddingCompleted) Stop();
            queue.Dispose();
        }
    }
}
