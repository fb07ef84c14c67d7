using System.Globalization;
using System.Text;

namespace SgConfigRule.Input;

/// <summary>
/// The location of a value in an input document, in JSONPath notation: <c>$.SecurityGroups[3].IpPermissions[0].FromPort</c>.
/// A JSON document embedded in a string (Config's API <c>configuration</c>, SelectResourceConfig's <c>Results</c>,
/// the event's <c>invokingEvent</c>) continues the path after a <c>(json)</c> marker. Built as a parent chain so that
/// descending costs one small object and the text is made only when an error is reported.
/// </summary>
public sealed class JsonPath
{
    private readonly JsonPath? parent;
    private readonly string? propertyName;
    private readonly int index;

    private JsonPath(JsonPath? parent, string? propertyName, int index)
    {
        this.parent = parent;
        this.propertyName = propertyName;
        this.index = index;
    }

    public static JsonPath Root { get; } = new(null, null, -1);

    private static readonly string EmbeddedMarker = "(json)";

    public JsonPath Property(string name) => new(this, name, -1);

    public JsonPath Index(int i) => new(this, null, i);

    /// <summary>The root of a JSON document that was a string value at this path.</summary>
    public JsonPath Embedded() => new(this, EmbeddedMarker, -2);

    public override string ToString()
    {
        var segments = new Stack<JsonPath>();
        for (var p = this; p.parent is not null; p = p.parent) segments.Push(p);
        var text = new StringBuilder("$");
        foreach (var segment in segments)
        {
            if (segment.index == -2) text.Append(EmbeddedMarker);
            else if (segment.propertyName is null) text.Append('[').Append(segment.index.ToString(CultureInfo.InvariantCulture)).Append(']');
            else if (IsPlainName(segment.propertyName)) text.Append('.').Append(segment.propertyName);
            else text.Append("['").Append(segment.propertyName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
        }
        return text.ToString();
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
