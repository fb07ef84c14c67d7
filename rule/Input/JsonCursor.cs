using System.Globalization;
using System.Text.Json;

namespace SgConfigRule.Input;

/// <summary>
/// A JSON value with its path. Typed accessors throw <see cref="InputException"/> naming the path and the problem,
/// so readers of each input shape state what they expect and get precise errors for free.
/// "Absent" and JSON <c>null</c> are the same for optional values, as AWS uses both.
/// </summary>
public readonly struct JsonCursor
{
    public JsonCursor(JsonElement value, JsonPath path)
    {
        Value = value;
        Path = path;
    }

    public JsonElement Value { get; }
    public JsonPath Path { get; }

    public JsonValueKind Kind => Value.ValueKind;
    public bool IsNull => Value.ValueKind == JsonValueKind.Null;
    public bool IsObject => Value.ValueKind == JsonValueKind.Object;
    public bool IsArray => Value.ValueKind == JsonValueKind.Array;

    public InputException Error(string problem) => new(Path, problem);

    public JsonCursor ExpectObject(string what)
    {
        if (!IsObject) throw Error($"{what} must be an object, not {Describe(Kind)}");
        return this;
    }

    /// <summary>True when the property is present (even as null).</summary>
    public bool Has(string name) => IsObject && Value.TryGetProperty(name, out _);

    /// <summary>The property when present and not null.</summary>
    public JsonCursor? Get(string name)
    {
        if (IsObject && Value.TryGetProperty(name, out var child) && child.ValueKind != JsonValueKind.Null)
        {
            return new JsonCursor(child, Path.Property(name));
        }
        return null;
    }

    public JsonCursor Require(string name) =>
        Get(name) ?? throw Error(Has(name) ? $"'{name}' is null" : $"'{name}' is missing");

    public string? OptionalString(string name)
    {
        if (Get(name) is not { } child) return null;
        return child.Kind == JsonValueKind.String
            ? child.Value.GetString()
            : throw child.Error($"must be a string, not {Describe(child.Kind)}");
    }

    public string RequireString(string name)
    {
        var child = Require(name);
        if (child.Kind != JsonValueKind.String) throw child.Error($"must be a string, not {Describe(child.Kind)}");
        var text = child.Value.GetString()!;
        return text.Length > 0 ? text : throw child.Error("must not be empty");
    }

    public string AsString()
    {
        if (Kind != JsonValueKind.String) throw Error($"must be a string, not {Describe(Kind)}");
        return Value.GetString()!;
    }

    /// <summary>
    /// A whole number. JSON numbers with an integral value (<c>22.0</c>, as some recorders write) are accepted;
    /// fractions and values outside the 32-bit range are errors.
    /// </summary>
    public int? OptionalInt(string name)
    {
        if (Get(name) is not { } child) return null;
        if (child.Kind != JsonValueKind.Number) throw child.Error($"must be a number, not {Describe(child.Kind)}");
        if (child.Value.TryGetInt32(out var whole)) return whole;
        if (child.Value.TryGetDouble(out var real) && Math.Floor(real) == real && real is >= int.MinValue and <= int.MaxValue)
        {
            return (int)real;
        }
        throw child.Error($"{child.Value.GetRawText()} is not a whole number in range");
    }

    public bool? OptionalBool(string name)
    {
        if (Get(name) is not { } child) return null;
        return child.Kind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw child.Error($"must be true or false, not {Describe(child.Kind)}"),
        };
    }

    /// <summary>The items of an array property; absent or null is an empty array.</summary>
    public IEnumerable<JsonCursor> Items(string name) =>
        Get(name) is { } child ? child.Items() : [];

    public IEnumerable<JsonCursor> Items()
    {
        if (!IsArray) throw Error($"must be an array, not {Describe(Kind)}");
        return Enumerate(Value, Path);

        static IEnumerable<JsonCursor> Enumerate(JsonElement array, JsonPath path)
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                yield return new JsonCursor(item, path.Index(i++));
            }
        }
    }

    public IEnumerable<KeyValuePair<string, JsonCursor>> Properties()
    {
        if (!IsObject) throw Error($"must be an object, not {Describe(Kind)}");
        return Enumerate(Value, Path);

        static IEnumerable<KeyValuePair<string, JsonCursor>> Enumerate(JsonElement obj, JsonPath path)
        {
            foreach (var property in obj.EnumerateObject())
            {
                yield return new(property.Name, new JsonCursor(property.Value, path.Property(property.Name)));
            }
        }
    }

    /// <summary>A timestamp: an ISO-8601 string (Config events) or epoch seconds, fractions allowed (Config API).</summary>
    public DateTimeOffset? Timestamp(string name)
    {
        if (Get(name) is not { } child) return null;
        switch (child.Kind)
        {
            case JsonValueKind.String:
                var text = child.Value.GetString()!;
                return TryParseTimestamp(text, out var parsed) ? parsed : throw child.Error($"'{text}' is not an ISO-8601 timestamp");
            case JsonValueKind.Number:
                return TryEpochSeconds(child.Value.GetDouble(), out var instant)
                    ? instant
                    : throw child.Error($"{child.Value.GetRawText()} is not a timestamp in epoch seconds");
            default:
                throw child.Error($"must be a timestamp (ISO-8601 string or epoch seconds), not {Describe(child.Kind)}");
        }
    }

    /// <summary>A timestamp as text: ISO-8601, UTC unless it says otherwise (shared with the fast readers).</summary>
    internal static bool TryParseTimestamp(string text, out DateTimeOffset timestamp) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);

    /// <summary>A timestamp as a number: epoch seconds, fractions kept to the tick (shared with the fast readers).</summary>
    internal static bool TryEpochSeconds(double seconds, out DateTimeOffset timestamp)
    {
        timestamp = seconds is >= 0 and < 253402300800 ? DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)) : default;
        return seconds is >= 0 and < 253402300800;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
