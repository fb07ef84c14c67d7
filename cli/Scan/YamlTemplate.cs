using System.Collections.Immutable;
using SgConfigRule.Input.CloudFormation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SgConfigRule.Cli.Scan;

/// <summary>
/// Reads a YAML CloudFormation template into <see cref="TemplateNode"/>s with the line of every value, from the
/// parser's events (no object mapping). Short-form tags become their long form: <c>!Ref X</c> is <c>{Ref: X}</c>,
/// <c>!Condition C</c> is <c>{Condition: C}</c>, any other <c>!Name</c> is <c>{Fn::Name: …}</c>. Duplicate keys are
/// refused, as CloudFormation does.
/// </summary>
public static class YamlTemplate
{
    public static TemplateNode Parse(TextReader text)
    {
        var parser = new Parser(text);
        var anchors = new Dictionary<string, TemplateNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) throw new TemplateException("the input is empty", 0);
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, anchors, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _)) throw new TemplateException("more than one YAML document", parser.Current?.Start.Line is { } l ? (int)l : 0);
            return root;
        }
        catch (YamlException e)
        {
            throw new TemplateException($"not valid YAML: {e.Message}", (int)e.Start.Line);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails so on some malformed text (a stray carriage return in a plain scalar).
            throw new TemplateException($"not valid YAML: {e.Message}", 0);
        }
    }

    private static TemplateNode ReadNode(IParser parser, Dictionary<string, TemplateNode> anchors, int depth)
    {
        if (depth > 64) throw new TemplateException("the template is nested too deeply", (int)(parser.Current?.Start.Line ?? 0));
        var current = parser.Current ?? throw new TemplateException("the template ends early", 0);
        var line = (int)current.Start.Line;
        TemplateNode node;
        string? anchor = null;
        string? tag = null;
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var aliased) ? aliased : throw new TemplateException($"unknown alias *{alias.Value.Value}", line);
            case Scalar scalar:
                parser.MoveNext();
                (anchor, tag) = (scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value, Tag(scalar.Tag));
                node = scalar.Style == ScalarStyle.Plain && tag is null && scalar.Value is "" or "~" or "null" or "Null" or "NULL"
                    ? new TemplateNull(line)
                    : new TemplateScalar(scalar.Value, line);
                break;
            case SequenceStart sequence:
                parser.MoveNext();
                (anchor, tag) = (sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value, Tag(sequence.Tag));
                var items = ImmutableArray.CreateBuilder<TemplateNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, anchors, depth + 1));
                node = new TemplateList(items.ToImmutable(), line);
                break;
            case MappingStart mapping:
                parser.MoveNext();
                (anchor, tag) = (mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value, Tag(mapping.Tag));
                var entries = ImmutableArray.CreateBuilder<KeyValuePair<string, TemplateNode>>();
                var keyLines = ImmutableArray.CreateBuilder<int>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, anchors, depth + 1);
                    if (key is not TemplateScalar { Value: var name }) throw new TemplateException("a key must be plain text", key.Line);
                    if (!seen.Add(name)) throw new TemplateException($"duplicate key '{name}'", key.Line);
                    keyLines.Add(key.Line);
                    entries.Add(KeyValuePair.Create(name, ReadNode(parser, anchors, depth + 1)));
                }
                node = new TemplateMap(entries.ToImmutable(), line) { KeyLines = keyLines.ToImmutable() };
                break;
            default:
                throw new TemplateException($"unexpected YAML ({current.GetType().Name})", line);
        }
        if (tag is not null) node = new TemplateMap([KeyValuePair.Create(tag, node)], line);
        if (anchor is not null) anchors[anchor] = node;
        return node;
    }

    /// <summary>The long-form name of a short-form tag, or null for no tag (or a standard one such as <c>!!str</c>).</summary>
    private static string? Tag(TagName tag)
    {
        if (tag.IsEmpty || tag.IsNonSpecific || !tag.Value.StartsWith('!') || tag.Value.StartsWith("!!", StringComparison.Ordinal)) return null;
        var name = tag.Value[1..];
        return name is "Ref" or "Condition" ? name : "Fn::" + name;
    }
}
