using System.Collections.Immutable;
using System.Text;

namespace SgConfigRule.Input.CloudFormation;

/// <summary>
/// Resolves intrinsic functions as far as a template can be known before deployment: <c>Ref</c> to a parameter (the
/// value given, else its <c>Default</c>) or to a pseudo parameter given as one; <c>Ref</c> and
/// <c>Fn::GetAtt X.GroupId</c> of a resource of the template; <c>Fn::Sub</c>, <c>Fn::Join</c>, <c>Fn::Select</c>,
/// <c>Fn::Split</c> and <c>Fn::FindInMap</c> over known parts; <c>Fn::If</c> when its condition is decided by known
/// values. Anything else (<c>Fn::ImportValue</c>, other attributes, an undecidable condition) is
/// <see cref="TemplateValueKind.Unknown"/>, named, so the policy can fail closed on it.
/// A hook's properties are already resolved by CloudFormation: <see cref="Deployed"/> treats any intrinsic left as unknown.
/// </summary>
public sealed class TemplateResolver
{
    private readonly IReadOnlyDictionary<string, string> parameters;
    private readonly IReadOnlySet<string> resources;
    private readonly TemplateMap? mappings;
    private readonly TemplateMap? conditions;

    public TemplateResolver(IReadOnlyDictionary<string, string> parameters, IReadOnlySet<string> resources,
                            TemplateMap? mappings = null, TemplateMap? conditions = null)
    {
        this.parameters = parameters;
        this.resources = resources;
        this.mappings = mappings;
        this.conditions = conditions;
    }

    /// <summary>For properties CloudFormation has resolved (a hook's request).</summary>
    public static TemplateResolver Deployed { get; } =
        new(ImmutableDictionary<string, string>.Empty, ImmutableHashSet<string>.Empty);

    public TemplateValue Resolve(TemplateNode? node) => Resolve(node, 0);

    private TemplateValue Resolve(TemplateNode? node, int depth)
    {
        if (depth > 32) return TemplateValue.NotKnown("a value nested too deeply");
        switch (node)
        {
            case null or TemplateNull:
                return TemplateValue.Absent;
            case TemplateScalar scalar:
                return TemplateValue.Known(scalar.Value);
            case TemplateMap map when map.AsIntrinsic() is var (name, argument):
                return ResolveFunction(name, argument, depth + 1);
            default:
                return TemplateValue.NotKnown("a list or mapping where a value belongs");
        }
    }

    private TemplateValue ResolveFunction(string name, TemplateNode argument, int depth) => name switch
    {
        "Ref" => ResolveRef(argument),
        "Fn::GetAtt" => ResolveGetAtt(argument),
        "Fn::Sub" => ResolveSub(argument, depth),
        "Fn::Join" => ResolveJoin(argument, depth),
        "Fn::Select" => ResolveSelect(argument, depth),
        "Fn::FindInMap" => ResolveFindInMap(argument, depth),
        "Fn::If" => ResolveIf(argument, depth),
        _ => TemplateValue.NotKnown(Describe(name, argument)),
    };

    private TemplateValue ResolveRef(TemplateNode argument)
    {
        if (argument is not TemplateScalar { Value: var target }) return TemplateValue.NotKnown("Ref of a non-name");
        if (target == "AWS::NoValue") return TemplateValue.Absent;
        if (parameters.TryGetValue(target, out var value)) return TemplateValue.Known(value);
        if (resources.Contains(target)) return TemplateValue.ResourceOf(target);
        return TemplateValue.NotKnown(target.StartsWith("AWS::", StringComparison.Ordinal)
            ? $"Ref {target}"
            : $"Ref {target} (no value given and no Default)");
    }

    private TemplateValue ResolveGetAtt(TemplateNode argument)
    {
        var (resource, attribute) = argument switch
        {
            TemplateScalar { Value: var text } when text.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot => (text[..dot], text[(dot + 1)..]),
            TemplateList { Items: [TemplateScalar r, TemplateScalar a] } => (r.Value, a.Value),
            _ => ("?", "?"),
        };
        // A group's id is what a rule's source or an ingress resource's GroupId needs: the group of this template.
        if (attribute == "GroupId" && resources.Contains(resource)) return TemplateValue.ResourceOf(resource);
        return TemplateValue.NotKnown($"Fn::GetAtt {resource}.{attribute}");
    }

    private TemplateValue ResolveSub(TemplateNode argument, int depth)
    {
        var (format, variables) = argument switch
        {
            TemplateScalar s => (s.Value, (TemplateMap?)null),
            TemplateList { Items: [TemplateScalar s, TemplateMap v] } => (s.Value, v),
            _ => (null, null),
        };
        if (format is null) return TemplateValue.NotKnown("Fn::Sub of an unexpected shape");
        var text = new StringBuilder();
        var at = 0;
        while (at < format.Length)
        {
            var open = format.IndexOf("${", at, StringComparison.Ordinal);
            if (open < 0) break;
            var close = format.IndexOf('}', open + 2);
            if (close < 0) break;
            text.Append(format, at, open - at);
            var name = format[(open + 2)..close];
            if (name.StartsWith('!'))
            {
                text.Append("${").Append(name.AsSpan(1)).Append('}');
            }
            else
            {
                var value = variables?[name] is { } given ? Resolve(given, depth)
                    : name.Contains('.', StringComparison.Ordinal) ? ResolveGetAtt(new TemplateScalar(name, 0))
                    : ResolveRef(new TemplateScalar(name, 0));
                if (!value.IsKnown) return TemplateValue.NotKnown($"Fn::Sub {format} (${{{name}}}: {value.Text})");
                text.Append(value.Text);
            }
            at = close + 1;
        }
        text.Append(format, at, format.Length - at);
        return TemplateValue.Known(text.ToString());
    }

    private TemplateValue ResolveJoin(TemplateNode argument, int depth)
    {
        if (argument is not TemplateList { Items: [TemplateScalar delimiter, var list] }) return TemplateValue.NotKnown("Fn::Join of an unexpected shape");
        if (ResolveList(list, depth) is not { } items) return TemplateValue.NotKnown("Fn::Join of an unknown list");
        var parts = new List<string>();
        foreach (var item in items)
        {
            if (!item.IsKnown) return TemplateValue.NotKnown($"Fn::Join ({item.Text})");
            parts.Add(item.Text);
        }
        return TemplateValue.Known(string.Join(delimiter.Value, parts));
    }

    private TemplateValue ResolveSelect(TemplateNode argument, int depth)
    {
        if (argument is not TemplateList { Items: [var indexNode, var list] }) return TemplateValue.NotKnown("Fn::Select of an unexpected shape");
        var index = Resolve(indexNode, depth);
        if (!index.IsKnown || !int.TryParse(index.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i))
        {
            return TemplateValue.NotKnown($"Fn::Select ({index.Text})");
        }
        if (ResolveList(list, depth) is not { } items || i >= items.Count) return TemplateValue.NotKnown($"Fn::Select {i} of an unknown list");
        return items[i];
    }

    /// <summary>A list argument: a literal list, a list parameter (comma-delimited), or <c>Fn::Split</c> of known text.</summary>
    private List<TemplateValue>? ResolveList(TemplateNode node, int depth)
    {
        switch (node)
        {
            case TemplateList list:
                return [.. list.Items.Select(item => Resolve(item, depth))];
            case TemplateMap map when map.AsIntrinsic() is ("Ref", TemplateScalar { Value: var name }) && parameters.TryGetValue(name, out var value):
                return [.. value.Split(',').Select(v => TemplateValue.Known(v.Trim()))];
            case TemplateMap map when map.AsIntrinsic() is ("Fn::Split", TemplateList { Items: [TemplateScalar delimiter, var source] }):
                var text = Resolve(source, depth);
                return text.IsKnown ? [.. text.Text.Split(delimiter.Value).Select(TemplateValue.Known)] : null;
            default:
                return null;
        }
    }

    private TemplateValue ResolveFindInMap(TemplateNode argument, int depth)
    {
        if (argument is not TemplateList { Items: [var mapNode, var topNode, var secondNode, ..] }) return TemplateValue.NotKnown("Fn::FindInMap of an unexpected shape");
        var (map, top, second) = (Resolve(mapNode, depth), Resolve(topNode, depth), Resolve(secondNode, depth));
        if (map.IsKnown && top.IsKnown && second.IsKnown
            && mappings?[map.Text] is TemplateMap m && m[top.Text] is TemplateMap t && t[second.Text] is { } found)
        {
            return Resolve(found, depth);
        }
        return TemplateValue.NotKnown($"Fn::FindInMap [{map.Text}, {top.Text}, {second.Text}]");
    }

    private TemplateValue ResolveIf(TemplateNode argument, int depth)
    {
        if (argument is not TemplateList { Items: [TemplateScalar condition, var whenTrue, var whenFalse] }) return TemplateValue.NotKnown("Fn::If of an unexpected shape");
        return Decide(condition.Value, depth) switch
        {
            true => Resolve(whenTrue, depth),
            false => Resolve(whenFalse, depth),
            null => TemplateValue.NotKnown($"Fn::If {condition.Value}"),
        };
    }

    /// <summary>
    /// For a list item written as <c>Fn::If</c> (a rule present under a condition): the branch the condition picks,
    /// or, when it cannot be decided, both branches — a rule that may exist is evaluated (fail closed).
    /// </summary>
    public IEnumerable<(TemplateNode Node, string? Condition)> Branches(TemplateNode node)
    {
        if (node is TemplateMap map && map.AsIntrinsic() is ("Fn::If", TemplateList { Items: [TemplateScalar condition, var whenTrue, var whenFalse] }))
        {
            switch (Decide(condition.Value, 0))
            {
                case true: return Branches(whenTrue);
                case false: return Branches(whenFalse);
                default:
                    var note = $"Fn::If {condition.Value}";
                    return Branches(whenTrue).Concat(Branches(whenFalse)).Select(b => (b.Node, (string?)(b.Condition ?? note)));
            }
        }
        if (node is TemplateNull || (node is TemplateMap m && m.AsIntrinsic() is not null && Resolve(node).Kind == TemplateValueKind.Absent)) return [];
        return [(node, null)];
    }

    /// <summary>A condition's value, when known values decide it; null otherwise.</summary>
    public bool? Decide(string conditionName, int depth = 0) =>
        conditions?[conditionName] is { } definition ? Evaluate(definition, depth + 1) : null;

    private bool? Evaluate(TemplateNode node, int depth)
    {
        if (depth > 32 || node is not TemplateMap map) return null;
        if (map is { Entries: [{ Key: "Condition", Value: TemplateScalar { Value: var other } }] }) return Decide(other, depth);
        if (map.AsIntrinsic() is not var (name, argument) || argument is not TemplateList { Items: var items }) return null;
        switch (name)
        {
            case "Fn::Equals" when items.Length == 2:
                var (a, b) = (Resolve(items[0], depth), Resolve(items[1], depth));
                return a.IsKnown && b.IsKnown ? string.Equals(a.Text, b.Text, StringComparison.Ordinal) : null;
            case "Fn::Not" when items.Length == 1:
                return !Evaluate(items[0], depth);
            case "Fn::And":
                var all = items.Select(i => Evaluate(i, depth)).ToList();
                return all.Contains(false) ? false : all.Contains(null) ? null : true;
            case "Fn::Or":
                var any = items.Select(i => Evaluate(i, depth)).ToList();
                return any.Contains(true) ? true : any.Contains(null) ? null : false;
            default:
                return null;
        }
    }

    private static string Describe(string name, TemplateNode argument) => argument switch
    {
        TemplateScalar s => $"{name} {s.Value}",
        TemplateMap m when m.AsIntrinsic() is var (inner, innerArgument) => $"{name} ({Describe(inner, innerArgument)})",
        _ => name,
    };
}
