using System.Collections.Immutable;

namespace SgConfigRule.Input.CloudFormation;

/// <summary>
/// A value of a CloudFormation template or of a hook's resource properties, whatever it was written in (YAML with
/// short-form tags, JSON): a scalar (strings, numbers and booleans all as their text, as CloudFormation treats them),
/// a mapping, a list or null, with the 1-based line it starts on (0 when the input has no lines). Short-form tags
/// (<c>!Ref X</c>) are read as their long form (<c>{"Ref": "X"}</c>), so one resolver serves both.
/// </summary>
public abstract record TemplateNode(int Line);

public sealed record TemplateScalar(string Value, int Line) : TemplateNode(Line);

public sealed record TemplateNull(int Line) : TemplateNode(Line);

public sealed record TemplateList(ImmutableArray<TemplateNode> Items, int Line) : TemplateNode(Line);

public sealed record TemplateMap(ImmutableArray<KeyValuePair<string, TemplateNode>> Entries, int Line) : TemplateNode(Line)
{
    /// <summary>The line of each key (where a resource is named), parallel to <see cref="Entries"/>; empty when unknown.</summary>
    public ImmutableArray<int> KeyLines { get; init; } = [];

    /// <summary>The line of the key at <paramref name="index"/>, else of its value.</summary>
    public int KeyLine(int index) => index < KeyLines.Length ? KeyLines[index] : Entries[index].Value.Line;

    public TemplateNode? this[string key]
    {
        get
        {
            foreach (var (name, value) in Entries)
            {
                if (string.Equals(name, key, StringComparison.Ordinal)) return value;
            }
            return null;
        }
    }

    /// <summary>An intrinsic function is a mapping of exactly one key, <c>Ref</c> or <c>Fn::…</c>/<c>Condition</c>.</summary>
    public (string Name, TemplateNode Argument)? AsIntrinsic() =>
        Entries.Length == 1 && (Entries[0].Key == "Ref" || Entries[0].Key.StartsWith("Fn::", StringComparison.Ordinal))
            ? (Entries[0].Key, Entries[0].Value)
            : null;
}

/// <summary>A template that cannot be read as one (bad syntax, a duplicate key, a resource without a Type), and where.</summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string problem, int line) : base(line > 0 ? $"line {line}: {problem}" : problem)
    {
        Problem = problem;
        Line = line;
    }

    public TemplateException() : this("the template cannot be read", 0) { }

    public TemplateException(string message) : this(message, 0) { }

    public TemplateException(string message, Exception innerException) : base(message, innerException) => Problem = message;

    public string Problem { get; }

    /// <summary>The 1-based line of the problem; 0 when unknown.</summary>
    public int Line { get; }
}
