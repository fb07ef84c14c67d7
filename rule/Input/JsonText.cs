using System.Text;
using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// Parses JSON text the way every input is read: strict JSON (no comments, no trailing commas), duplicate keys
/// refused (AWS never sends them, and a duplicate could hide a rule), bounded depth. Syntax errors become an
/// <see cref="InputException"/> with the JSON path where the text broke.
/// </summary>
public static class JsonText
{
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
    };

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, JsonPath at)
    {
        if (utf8.Span.StartsWith(Utf8Bom)) utf8 = utf8[Utf8Bom.Length..];
        try
        {
            return JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            throw Locate(utf8.Span, at, e);
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>As <see cref="Parse(ReadOnlyMemory{byte}, JsonPath)"/>, the error returned instead of thrown (readers that report it as a result).</summary>
    public static (JsonDocument? Document, InputException? Error) TryParse(ReadOnlyMemory<byte> utf8, JsonPath at)
    {
        try
        {
            return (Parse(utf8, at), null);
        }
        catch (InputException e)
        {
            return (null, e);
        }
    }

    public static JsonDocument Parse(string text, JsonPath at) => Parse(Encoding.UTF8.GetBytes(text), at);

    /// <summary>Parses a string value that holds a JSON document (Config's API <c>configuration</c>, <c>invokingEvent</c>…).</summary>
    public static JsonDocument ParseEmbedded(JsonCursor stringValue) =>
        Parse(stringValue.AsString(), stringValue.Path.Embedded());

    /// <summary>
    /// Where, in the value a streamed text goes on with, its reader met a syntax error: the path inside the value when
    /// the error is in it, else the value's own path <paramref name="at"/> (the error is between values, or the text
    /// stops before the value ends) — so that the answer depends on the text, never on how much of it was buffered.
    /// </summary>
    /// <param name="utf8">The text from the value's start; <paramref name="textEnds"/>: whether it is all there is.</param>
    /// <param name="enclosingDepth">
    /// How deep the value sits in the document it came from (an item of a list inside an object: 2), so that a value too
    /// deep there is found too deep here, at the same place.
    /// </param>
    internal static string LocateProblem(ReadOnlySpan<byte> utf8, JsonPath at, int enclosingDepth, bool textEnds) =>
        Locate(utf8, at, new JsonException("invalid JSON"), MaxDepth - enclosingDepth, textEnds, insideOnly: true).JsonPath;

    /// <summary>Re-reads the text to find the path of the first syntax error or duplicate key.</summary>
    private static InputException Locate(ReadOnlySpan<byte> utf8, JsonPath at, JsonException original, int maxDepth = MaxDepth,
                                         bool textEnds = true, bool insideOnly = false)
    {
        var reader = new Utf8JsonReader(utf8, textEnds, new JsonReaderState(new JsonReaderOptions { MaxDepth = maxDepth }));
        var frames = new Stack<Frame>();
        var path = at;
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString()!;
                        if (!frames.Peek().Names!.Add(pendingName))
                        {
                            return new InputException(frames.Peek().Path.Property(pendingName),
                                $"duplicate key '{pendingName}' in the same object");
                        }
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var childPath = ChildPath(frames, at, ref pendingName);
                        frames.Push(new Frame(childPath, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        path = childPath;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        if (frames.Count > 0) frames.Peek().Advance();
                        path = frames.Count > 0 ? frames.Peek().Path : at;
                        break;
                    default:
                        ChildPath(frames, at, ref pendingName);
                        if (frames.Count > 0) frames.Peek().Advance();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            var where = frames.Count > 0 ? CurrentPath(frames, pendingName) : at;
            return new InputException(where, InvalidJson(e));
        }
        return new InputException(insideOnly ? at : path, $"invalid JSON: {Clean(original.Message)}");
    }

    private static JsonPath ChildPath(Stack<Frame> frames, JsonPath root, ref string? pendingName)
    {
        if (frames.Count == 0) return root;
        var frame = frames.Peek();
        JsonPath child;
        if (frame.Names is not null)
        {
            child = frame.Path.Property(pendingName ?? "?");
            pendingName = null;
        }
        else
        {
            child = frame.Path.Index(frame.NextIndex);
        }
        return child;
    }

    private static JsonPath CurrentPath(Stack<Frame> frames, string? pendingName)
    {
        var frame = frames.Peek();
        if (frame.Names is not null) return pendingName is null ? frame.Path : frame.Path.Property(pendingName);
        return frame.Path.Index(frame.NextIndex);
    }

    /// <summary>Where a syntax error is and what it is, as every reader reports it.</summary>
    internal static string InvalidJson(JsonException e) =>
        $"invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {Clean(e.Message)}";

    internal static string Clean(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return QuoteLiteralToItsMistake((cut >= 0 ? message[..cut] : message).Trim());
    }

    /// <summary>
    /// The JSON reader quotes a broken literal with whatever text it had buffered after it (<c>'tcp",\n "FromPort":' is an
    /// invalid JSON literal</c>): the message would depend on how the input was buffered. Quote it up to the byte that
    /// broke it (<c>'tc'</c>), which every reading of the same text sees.
    /// </summary>
    private static string QuoteLiteralToItsMistake(string message)
    {
        const string Middle = "' is an invalid JSON literal. Expected the literal '";
        var middle = message.IndexOf(Middle, StringComparison.Ordinal);
        if (!message.StartsWith('\'') || middle < 0) return message;
        var found = message[1..middle];
        var expected = message[(middle + Middle.Length)..].Split('\'')[0];
        var same = 0;
        while (same < found.Length && same < expected.Length && found[same] == expected[same]) same++;
        return $"'{found[..Math.Min(found.Length, same + 1)]}{message[middle..]}";
    }

    private sealed class Frame(JsonPath path, HashSet<string>? names)
    {
        public JsonPath Path { get; } = path;
        public HashSet<string>? Names { get; } = names;
        public int NextIndex { get; private set; }
        public void Advance() => NextIndex++;
    }
}
