using System.Collections.Immutable;
using System.Text.Json;

namespace SgConfigRule.Input.CloudFormation;

/// <summary>
/// Reads JSON into <see cref="TemplateNode"/>s: a JSON template with the line of every value (counted from the byte
/// offset, which is all <see cref="Utf8JsonReader"/> gives), or a hook's already-parsed resource properties.
/// Duplicate keys are refused, as everywhere input is read: a second key could hide a rule.
/// </summary>
public static class TemplateJson
{
    public static TemplateNode Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];
        var lines = new LineIndex(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = JsonText.MaxDepth });
        try
        {
            if (!reader.Read()) throw new TemplateException("the input is empty", 0);
            var root = ReadValue(ref reader, lines);
            if (reader.Read()) throw new TemplateException("more than one JSON value", lines.LineOf(reader.TokenStartIndex));
            return root;
        }
        catch (JsonException e)
        {
            throw new TemplateException($"not valid JSON: {e.Message}", (int)(e.LineNumber ?? -1) + 1);
        }
        catch (InvalidOperationException e)
        {
            // A string that is not valid UTF-8.
            throw new TemplateException($"not valid JSON: {e.Message}", 0);
        }
    }

    /// <summary>A parsed JSON value, without lines (hooks receive properties, not a file).</summary>
    public static TemplateNode FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new TemplateMap([.. element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromElement(p.Value)))], 0),
        JsonValueKind.Array => new TemplateList([.. element.EnumerateArray().Select(FromElement)], 0),
        JsonValueKind.String => new TemplateScalar(element.GetString()!, 0),
        JsonValueKind.Null or JsonValueKind.Undefined => new TemplateNull(0),
        _ => new TemplateScalar(element.GetRawText(), 0),
    };

    private static TemplateNode ReadValue(ref Utf8JsonReader reader, LineIndex lines)
    {
        var line = lines.LineOf(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var entries = ImmutableArray.CreateBuilder<KeyValuePair<string, TemplateNode>>();
                var keyLines = ImmutableArray.CreateBuilder<int>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    if (!seen.Add(key)) throw new TemplateException($"duplicate key '{key}'", lines.LineOf(reader.TokenStartIndex));
                    keyLines.Add(lines.LineOf(reader.TokenStartIndex));
                    reader.Read();
                    entries.Add(KeyValuePair.Create(key, ReadValue(ref reader, lines)));
                }
                return new TemplateMap(entries.ToImmutable(), line) { KeyLines = keyLines.ToImmutable() };
            }
            case JsonTokenType.StartArray:
            {
                var items = ImmutableArray.CreateBuilder<TemplateNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(ReadValue(ref reader, lines));
                return new TemplateList(items.ToImmutable(), line);
            }
            case JsonTokenType.String:
                return new TemplateScalar(reader.GetString()!, line);
            case JsonTokenType.Null:
                return new TemplateNull(line);
            default:
                // Numbers and booleans: their text, as CloudFormation passes every scalar to a resource.
                return new TemplateScalar(System.Text.Encoding.UTF8.GetString(reader.ValueSpan), line);
        }
    }

    /// <summary>The start offset of every line, to turn a byte offset into a 1-based line number.</summary>
    private sealed class LineIndex
    {
        private readonly List<long> starts = [0];

        public LineIndex(ReadOnlySpan<byte> text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == (byte)'\n') starts.Add(i + 1);
            }
        }

        public int LineOf(long offset)
        {
            var index = starts.BinarySearch(offset);
            return (index >= 0 ? index : ~index - 1) + 1;
        }
    }
}
