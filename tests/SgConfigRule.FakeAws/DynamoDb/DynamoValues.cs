using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SgConfigRule.FakeAws.DynamoDb;

/// <summary>A request value DynamoDB refuses; the message is DynamoDB's wording, which callers may prefix.</summary>
internal sealed class ValueProblem(string message) : Exception(message);

/// <summary>A value whose JSON shape the service cannot read at all (Coral answers SerializationException).</summary>
internal sealed class ShapeProblem(string message) : Exception(message);

/// <summary>
/// A DynamoDB number as the service keeps it: sign, significant digits without leading or trailing zeros, and a
/// power of ten (value = ±Digits × 10^Exponent). Exact, so "1.0" equals "1" and 38-digit values compare correctly.
/// </summary>
internal sealed partial record DynamoNumber(bool Negative, string Digits, long Exponent) : IComparable<DynamoNumber>
{
    public bool IsZero => Digits.Length == 0;

    /// <summary>Parses with DynamoDB's limits: 38 significant digits, magnitude 1E-130 to 9.99…E+125.</summary>
    public static DynamoNumber Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success || match.Groups[2].Length + match.Groups[3].Length == 0)
        {
            throw new ValueProblem(text.Length == 0 ? "The parameter cannot be converted to a numeric value" : $"The parameter cannot be converted to a numeric value: {text}");
        }
        var negative = match.Groups[1].Value == "-";
        var whole = match.Groups[2].Value + match.Groups[3].Value;
        var leading = whole.Length - whole.TrimStart('0').Length;
        var digits = whole[leading..];
        var trailing = digits.Length - digits.TrimEnd('0').Length;
        digits = digits[..^trailing];
        if (digits.Length == 0) return new DynamoNumber(false, "", 0);
        if (digits.Length > 38) throw new ValueProblem("Attempting to store more than 38 significant digits in a Number");
        var exponentText = match.Groups[4].Value;
        if (!long.TryParse(exponentText.Length == 0 ? "0" : exponentText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var written))
        {
            written = exponentText.StartsWith('-') ? long.MinValue / 2 : long.MaxValue / 2;
        }
        var exponent = written - match.Groups[3].Length + trailing;
        var adjusted = digits.Length - 1 + exponent;
        if (adjusted > 125) throw new ValueProblem("Number overflow. Attempting to store a number with magnitude larger than supported range");
        if (adjusted < -130) throw new ValueProblem("Number underflow. Attempting to store a number with magnitude smaller than supported range");
        return new DynamoNumber(negative, digits, exponent);
    }

    /// <summary>Plain decimal notation, as DynamoDB returns numbers (no exponent, no redundant zeros).</summary>
    public string Text
    {
        get
        {
            if (IsZero) return "0";
            string magnitude;
            if (Exponent >= 0) magnitude = Digits + new string('0', (int)Exponent);
            else if (-Exponent < Digits.Length) magnitude = Digits[..(Digits.Length + (int)Exponent)] + "." + Digits[(Digits.Length + (int)Exponent)..];
            else magnitude = "0." + new string('0', (int)(-Exponent - Digits.Length)) + Digits;
            return Negative ? "-" + magnitude : magnitude;
        }
    }

    /// <summary>Bytes the number takes in an item: one per two significant digits, plus one.</summary>
    public int Size => (Digits.Length + 1) / 2 + 1;

    public int CompareTo(DynamoNumber? other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var sign = IsZero ? 0 : Negative ? -1 : 1;
        var otherSign = other.IsZero ? 0 : other.Negative ? -1 : 1;
        if (sign != otherSign) return sign.CompareTo(otherSign);
        if (sign == 0) return 0;
        // Same sign: compare magnitudes by the position of the leading digit, then digit by digit.
        var magnitude = (Digits.Length + Exponent).CompareTo(other.Digits.Length + other.Exponent);
        if (magnitude == 0)
        {
            var width = Math.Max(Digits.Length, other.Digits.Length);
            magnitude = string.CompareOrdinal(Digits.PadRight(width, '0'), other.Digits.PadRight(width, '0'));
        }
        return sign * Math.Sign(magnitude);
    }

    [GeneratedRegex(@"^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>
/// DynamoDB-JSON attribute values ({"S": "…"}, {"N": "…"}, {"M": {…}}…): DynamoDB's validation and wording, the
/// normal form the service stores and returns, equality, ordering and item size.
/// </summary>
internal static class DynamoValues
{
    public static readonly string[] Types = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

    /// <summary>The largest item DynamoDB stores: 400 KB, attribute names included.</summary>
    public const int MaxItemBytes = 400 * 1024;

    /// <summary>A validated copy of <paramref name="node"/> in the form DynamoDB stores: numbers normalised.</summary>
    public static JsonObject Normalize(JsonNode? node, int depth = 0)
    {
        if (node is null) throw new ValueProblem("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        if (node is not JsonObject value) throw new ShapeProblem($"Expected an AttributeValue object, found {node.GetValueKind()}");
        // Coral ignores members it does not know and null ones, so {} and {"X": 1} are both "empty".
        var present = value.Where(p => p.Value is not null && Types.Contains(p.Key, StringComparer.Ordinal)).ToList();
        if (present.Count == 0) throw new ValueProblem("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        if (present.Count > 1) throw new ValueProblem("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        if (depth >= 32) throw new ValueProblem("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
        var (type, member) = (present[0].Key, present[0].Value!);
        return type switch
        {
            "S" => new JsonObject { ["S"] = Text(member, type) },
            "N" => new JsonObject { ["N"] = DynamoNumber.Parse(Text(member, type)).Text },
            "B" => new JsonObject { ["B"] = Convert.ToBase64String(Bytes(member)) },
            "BOOL" => new JsonObject { ["BOOL"] = Bool(member, type) },
            "NULL" => Bool(member, type)
                ? new JsonObject { ["NULL"] = true }
                : throw new ValueProblem("One or more parameter values were invalid: Null attribute value types must have the value of true"),
            "M" => new JsonObject { ["M"] = NormalizeMap(member as JsonObject ?? throw new ShapeProblem("M must be an object"), depth + 1) },
            "L" => new JsonObject { ["L"] = new JsonArray([.. (member as JsonArray ?? throw new ShapeProblem("L must be a list")).Select(n => (JsonNode)Normalize(n, depth + 1))]) },
            "SS" => new JsonObject { ["SS"] = StringSet(member) },
            "NS" => new JsonObject { ["NS"] = NumberSet(member) },
            _ => new JsonObject { ["BS"] = BinarySet(member) },
        };
    }

    public static JsonObject NormalizeMap(JsonObject map, int depth = 0)
    {
        var result = new JsonObject();
        foreach (var (name, value) in map) result[name] = Normalize(value, depth);
        return result;
    }

    public static string TypeOf(JsonObject value) => value.First().Key;

    private static string Text(JsonNode node, string type) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new ShapeProblem($"{type} must be a string");

    private static bool Bool(JsonNode node, string type) =>
        node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? node.GetValue<bool>() : throw new ShapeProblem($"{type} must be true or false");

    private static byte[] Bytes(JsonNode node)
    {
        try
        {
            return Convert.FromBase64String(Text(node, "B"));
        }
        catch (FormatException)
        {
            throw new ShapeProblem("Base64 encoded binary value is not valid");
        }
    }

    private static List<JsonNode> Members(JsonNode node, string type) =>
        [.. (node as JsonArray ?? throw new ShapeProblem($"{type} must be a list")).Select(n => n ?? throw new ShapeProblem($"{type} has a null member"))];

    private static JsonArray StringSet(JsonNode node)
    {
        var members = Members(node, "SS").Select(n => Text(n, "SS")).ToList();
        if (members.Count == 0) throw new ValueProblem("One or more parameter values were invalid: An string set  may not be empty");
        if (members.Distinct(StringComparer.Ordinal).Count() != members.Count)
        {
            throw new ValueProblem($"One or more parameter values were invalid: Input collection [{string.Join(", ", members)}] contains duplicates.");
        }
        return new JsonArray([.. members.Select(m => (JsonNode)m)]);
    }

    private static JsonArray NumberSet(JsonNode node)
    {
        var members = Members(node, "NS").Select(n => DynamoNumber.Parse(Text(n, "NS"))).ToList();
        if (members.Count == 0) throw new ValueProblem("One or more parameter values were invalid: An number set  may not be empty");
        if (members.Select(m => m.Text).Distinct(StringComparer.Ordinal).Count() != members.Count) throw new ValueProblem("Input collection contains duplicates");
        return new JsonArray([.. members.Select(m => (JsonNode)m.Text)]);
    }

    private static JsonArray BinarySet(JsonNode node)
    {
        var written = Members(node, "BS").Select(n => Text(n, "BS")).ToList();
        var members = Members(node, "BS").Select(n => Convert.ToBase64String(Bytes(n))).ToList();
        if (members.Count == 0) throw new ValueProblem("One or more parameter values were invalid: Binary sets should not be empty");
        if (members.Distinct(StringComparer.Ordinal).Count() != members.Count)
        {
            throw new ValueProblem($"One or more parameter values were invalid: Input collection [{string.Join(", ", written)}]of type BS contains duplicates.");
        }
        return new JsonArray([.. members.Select(m => (JsonNode)m)]);
    }

    private static string Scalar(JsonObject value) => value.First().Value!.GetValue<string>();

    private static IEnumerable<string> SetMembers(JsonObject value) => value.First().Value!.AsArray().Select(n => n!.GetValue<string>());

    /// <summary>Equality as DynamoDB's '=' sees it: same type and value; sets ignore order; numbers compare exactly.</summary>
    public static bool SameValue(JsonObject a, JsonObject b)
    {
        var type = TypeOf(a);
        if (type != TypeOf(b)) return false;
        return type switch
        {
            "S" or "N" or "B" => Scalar(a) == Scalar(b), // stored normalised, so text equality is value equality
            "BOOL" => a["BOOL"]!.GetValue<bool>() == b["BOOL"]!.GetValue<bool>(),
            "NULL" => true,
            "L" => a["L"]!.AsArray().Count == b["L"]!.AsArray().Count
                   && a["L"]!.AsArray().Zip(b["L"]!.AsArray()).All(p => SameValue(p.First!.AsObject(), p.Second!.AsObject())),
            "M" => a["M"]!.AsObject().Count == b["M"]!.AsObject().Count
                   && a["M"]!.AsObject().All(p => b["M"]!.AsObject()[p.Key] is JsonObject other && SameValue(p.Value!.AsObject(), other)),
            _ => SetMembers(a).ToHashSet(StringComparer.Ordinal).SetEquals(SetMembers(b)),
        };
    }

    /// <summary>Ordering for &lt; &lt;= &gt; &gt;=: only two S, two N or two B values are ordered (strings by UTF-8 bytes); else null.</summary>
    public static int? Order(JsonObject a, JsonObject b)
    {
        var type = TypeOf(a);
        if (type != TypeOf(b)) return null;
        return type switch
        {
            "S" => Math.Sign(Encoding.UTF8.GetBytes(Scalar(a)).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(Scalar(b)))),
            "N" => DynamoNumber.Parse(Scalar(a)).CompareTo(DynamoNumber.Parse(Scalar(b))),
            "B" => Math.Sign(Convert.FromBase64String(Scalar(a)).AsSpan().SequenceCompareTo(Convert.FromBase64String(Scalar(b)))),
            _ => null,
        };
    }

    /// <summary>Item size as DynamoDB counts it against the 400 KB limit: names plus values.</summary>
    public static long ItemSize(JsonObject item) => item.Sum(p => (long)Encoding.UTF8.GetByteCount(p.Key) + ValueSize(p.Value!.AsObject()));

    public static long ValueSize(JsonObject value) => TypeOf(value) switch
    {
        "S" => Encoding.UTF8.GetByteCount(Scalar(value)),
        "N" => DynamoNumber.Parse(Scalar(value)).Size,
        "B" => Convert.FromBase64String(Scalar(value)).Length,
        "BOOL" or "NULL" => 1,
        // A document costs 3 bytes, and each element 1 byte more than its own size.
        "L" => 3 + value["L"]!.AsArray().Sum(n => 1 + ValueSize(n!.AsObject())),
        "M" => 3 + value["M"]!.AsObject().Sum(p => 1 + Encoding.UTF8.GetByteCount(p.Key) + ValueSize(p.Value!.AsObject())),
        "SS" => SetMembers(value).Sum(m => (long)Encoding.UTF8.GetByteCount(m)),
        "NS" => SetMembers(value).Sum(m => (long)DynamoNumber.Parse(m).Size),
        _ => SetMembers(value).Sum(m => (long)Convert.FromBase64String(m).Length),
    };
}
