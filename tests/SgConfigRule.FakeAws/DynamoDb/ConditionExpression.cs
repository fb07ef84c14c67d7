using System.Text.Json.Nodes;

namespace SgConfigRule.FakeAws.DynamoDb;

internal enum TokenKind
{
    Identifier,
    NamePlaceholder,
    ValuePlaceholder,
    Integer,
    Keyword,
    Comparator,
    Punctuation,
    Bad,
    End,
}

internal sealed record Token(TokenKind Kind, string Text, int Start, int End)
{
    public bool Is(string keywordOrSymbol) =>
        Kind is TokenKind.Keyword ? string.Equals(Text, keywordOrSymbol, StringComparison.OrdinalIgnoreCase)
        : Kind is TokenKind.Punctuation or TokenKind.Comparator && Text == keywordOrSymbol;
}

/// <summary>A condition expression as parsed: DynamoDB's whole condition grammar, so that syntax errors read as its do.</summary>
internal abstract record ConditionNode;

internal sealed record OrNode(ConditionNode Left, ConditionNode Right) : ConditionNode;

internal sealed record AndNode(ConditionNode Left, ConditionNode Right) : ConditionNode;

internal sealed record NotNode(ConditionNode Operand) : ConditionNode;

internal sealed record ParenNode(ConditionNode Inner) : ConditionNode;

internal sealed record CompareNode(string Comparator, ConditionNode Left, ConditionNode Right) : ConditionNode;

internal sealed record BetweenNode(ConditionNode Operand, ConditionNode Low, ConditionNode High) : ConditionNode;

internal sealed record InNode(ConditionNode Operand, IReadOnlyList<ConditionNode> Candidates) : ConditionNode;

internal sealed record CallNode(string Function, IReadOnlyList<ConditionNode> Arguments) : ConditionNode;

internal sealed record PathNode(IReadOnlyList<PathPart> Parts) : ConditionNode;

/// <summary>One step of a document path: a name (bare or <c>#placeholder</c>) or a list index.</summary>
internal sealed record PathPart(string Name, bool IsPlaceholder, int? Index);

internal sealed record ValueNode(string Placeholder) : ConditionNode;

/// <summary>Where reading stopped, worded as DynamoDB words it: the token and the text from the one before to the one after.</summary>
internal sealed class SyntaxProblem(IReadOnlyList<Token> tokens, int at, string text) : Exception(Describe(tokens, at, text))
{
    public int At { get; } = at;

    private static string Describe(IReadOnlyList<Token> tokens, int at, string text)
    {
        var from = at > 0 ? tokens[at - 1].Start : 0;
        var to = at + 1 < tokens.Count ? tokens[at + 1].End : tokens[at].End;
        return $"Syntax error; token: \"{tokens[at].Text}\", near: \"{text[from..to]}\"";
    }
}

/// <summary>Recursive-descent parser for condition expressions; alternatives are tried in order and the furthest failure is reported.</summary>
internal sealed class ConditionParser
{
    private static readonly string[] Keywords = ["AND", "OR", "NOT", "BETWEEN", "IN"];
    private readonly string text;
    private readonly List<Token> tokens;
    private int position;

    private ConditionParser(string text)
    {
        this.text = text;
        tokens = Tokenize(text);
    }

    public static ConditionNode Parse(string text)
    {
        var parser = new ConditionParser(text);
        var node = parser.Condition();
        if (parser.Peek.Kind != TokenKind.End) parser.Fail();
        return node;
    }

    private Token Peek => tokens[Math.Min(position, tokens.Count - 1)];

    private Token Next() => tokens[position++];

    private SyntaxProblem Fail() => throw new SyntaxProblem(tokens, Math.Min(position, tokens.Count - 1), text);

    private void Expect(string symbol)
    {
        if (!Peek.Is(symbol)) Fail();
        position++;
    }

    private T Choose<T>(params Func<T>[] alternatives)
    {
        var start = position;
        SyntaxProblem? furthest = null;
        foreach (var alternative in alternatives)
        {
            position = start;
            try
            {
                return alternative();
            }
            catch (SyntaxProblem problem)
            {
                if (furthest is null || problem.At > furthest.At) furthest = problem;
            }
        }
        position = start;
        throw furthest!;
    }

    private ConditionNode Condition()
    {
        var left = AndCondition();
        while (Peek.Is("OR"))
        {
            position++;
            left = new OrNode(left, AndCondition());
        }
        return left;
    }

    private ConditionNode AndCondition()
    {
        var left = NotCondition();
        while (Peek.Is("AND"))
        {
            position++;
            left = new AndNode(left, NotCondition());
        }
        return left;
    }

    private ConditionNode NotCondition()
    {
        if (!Peek.Is("NOT")) return Primary();
        position++;
        return new NotNode(NotCondition());
    }

    private ConditionNode Primary() => Peek.Is("(")
        ? Choose(() =>
        {
            position++;
            var inner = Condition();
            Expect(")");
            return new ParenNode(inner);
        }, Comparison)
        : Comparison();

    private ConditionNode Comparison()
    {
        var left = Operand();
        var next = Peek;
        if (next.Kind == TokenKind.Comparator)
        {
            position++;
            return new CompareNode(next.Text, left, Operand());
        }
        if (next.Is("BETWEEN"))
        {
            position++;
            var low = Operand();
            if (!Peek.Is("AND")) Fail();
            position++;
            return new BetweenNode(left, low, Operand());
        }
        if (next.Is("IN"))
        {
            position++;
            Expect("(");
            var candidates = OperandList();
            Expect(")");
            return new InNode(left, candidates);
        }
        if (left is CallNode) return left;
        throw Fail();
    }

    private List<ConditionNode> OperandList()
    {
        var list = new List<ConditionNode> { Operand() };
        while (Peek.Is(","))
        {
            position++;
            list.Add(Operand());
        }
        return list;
    }

    private ConditionNode Operand()
    {
        var token = Peek;
        if (token.Is("("))
        {
            position++;
            var inner = Operand();
            Expect(")");
            return new ParenNode(inner);
        }
        if (token.Kind == TokenKind.ValuePlaceholder)
        {
            position++;
            return new ValueNode(token.Text);
        }
        if (token.Kind == TokenKind.Identifier && tokens[position + 1].Is("("))
        {
            position += 2;
            var arguments = OperandList();
            Expect(")");
            return new CallNode(token.Text, arguments);
        }
        return Path();
    }

    private PathNode Path()
    {
        var parts = new List<PathPart> { Name() };
        while (true)
        {
            if (Peek.Is("."))
            {
                position++;
                parts.Add(Name());
            }
            else if (Peek.Is("["))
            {
                position++;
                if (Peek.Kind != TokenKind.Integer || !int.TryParse(Peek.Text, System.Globalization.CultureInfo.InvariantCulture, out var index)) throw Fail();
                position++;
                Expect("]");
                parts.Add(new PathPart("", false, index));
            }
            else
            {
                return new PathNode(parts);
            }
        }
    }

    private PathPart Name()
    {
        var token = Peek;
        if (token.Kind is not (TokenKind.Identifier or TokenKind.NamePlaceholder)) throw Fail();
        position++;
        return new PathPart(token.Text, token.Kind == TokenKind.NamePlaceholder, null);
    }

    private static List<Token> Tokenize(string text)
    {
        static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                i++;
                continue;
            }
            var start = i;
            TokenKind kind;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && IsWord(text[i])) i++;
                kind = Keywords.Contains(text[start..i], StringComparer.OrdinalIgnoreCase) ? TokenKind.Keyword : TokenKind.Identifier;
            }
            else if (c is '#' or ':')
            {
                i++;
                while (i < text.Length && IsWord(text[i])) i++;
                kind = i == start + 1 ? TokenKind.Bad : c == '#' ? TokenKind.NamePlaceholder : TokenKind.ValuePlaceholder;
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                kind = TokenKind.Integer;
            }
            else if (c is '<' or '>' && i + 1 < text.Length && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>')))
            {
                i += 2;
                kind = TokenKind.Comparator;
            }
            else if (c is '=' or '<' or '>')
            {
                i++;
                kind = TokenKind.Comparator;
            }
            else if (c is '(' or ')' or '[' or ']' or ',' or '.' or '+' or '-')
            {
                i++;
                kind = TokenKind.Punctuation;
            }
            else
            {
                i += char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                kind = TokenKind.Bad;
            }
            tokens.Add(new Token(kind, text[start..i], start, i));
        }
        tokens.Add(new Token(TokenKind.End, "<EOF>", text.Length, text.Length));
        return tokens;
    }
}

/// <summary>
/// DynamoDB's static checks on a parsed condition, in its order, and the fake's own limits; then evaluation against
/// an item. Messages are DynamoDB's, without the "Invalid ConditionExpression: " the caller puts in front.
/// </summary>
internal static class ConditionRules
{
    private static readonly Dictionary<string, int> Arity = new(StringComparer.Ordinal)
    {
        ["attribute_exists"] = 1,
        ["attribute_not_exists"] = 1,
        ["attribute_type"] = 2,
        ["begins_with"] = 2,
        ["contains"] = 2,
        ["size"] = 1,
    };

    private static readonly string[] UpdateOnlyFunctions = ["if_not_exists", "list_append"];

    /// <summary>What this fake evaluates; anything else DynamoDB accepts is refused, never silently passed.</summary>
    public const string Supported = "attribute_exists, attribute_not_exists, = <> < <= > >=, AND, OR, NOT and parentheses on top-level attributes";

    public static void Check(ConditionNode root, IReadOnlyDictionary<string, string> names, IReadOnlyDictionary<string, JsonObject> values,
                             ISet<string> usedNames, ISet<string> usedValues)
    {
        RedundantParentheses(root);
        Shape(root, conditionPlace: true);
        Operands(root, names, values, usedNames, usedValues);
        FakeLimits(root, names);
    }

    private static void RedundantParentheses(ConditionNode node)
    {
        if (node is ParenNode { Inner: ParenNode }) throw new ValueProblem("The expression has redundant parentheses;");
        foreach (var child in Children(node)) RedundantParentheses(child);
    }

    /// <summary>First pass, in written order: reserved words, function names, where each function may stand, operand counts.</summary>
    private static void Shape(ConditionNode node, bool conditionPlace)
    {
        switch (node)
        {
            case PathNode path:
                foreach (var part in path.Parts.Where(p => p.Index is null && !p.IsPlaceholder))
                {
                    if (ReservedWords.Contains(part.Name)) throw new ValueProblem($"Attribute name is a reserved keyword; reserved keyword: {part.Name}");
                }
                return;
            case CallNode call:
                if (UpdateOnlyFunctions.Contains(call.Function, StringComparer.Ordinal)) throw new ValueProblem($"The function is not allowed in a condition expression; function: {call.Function}");
                if (!Arity.TryGetValue(call.Function, out var arity)) throw new ValueProblem($"Invalid function name; function: {call.Function}");
                if (conditionPlace == (call.Function == "size")) throw new ValueProblem($"The function is not allowed to be used this way in an expression; function: {call.Function}");
                if (call.Arguments.Count != arity)
                {
                    throw new ValueProblem($"Incorrect number of operands for operator or function; operator or function: {call.Function}, number of operands: {call.Arguments.Count}");
                }
                foreach (var argument in call.Arguments) Shape(argument, conditionPlace: false);
                return;
            case ParenNode paren:
                Shape(paren.Inner, conditionPlace);
                return;
            case OrNode or AndNode or NotNode:
                foreach (var child in Children(node)) Shape(child, conditionPlace: true);
                return;
            default:
                foreach (var child in Children(node)) Shape(child, conditionPlace: false);
                return;
        }
    }

    /// <summary>Second pass: every placeholder defined, operands distinct, operand types that can be ordered.</summary>
    private static void Operands(ConditionNode node, IReadOnlyDictionary<string, string> names, IReadOnlyDictionary<string, JsonObject> values,
                                 ISet<string> usedNames, ISet<string> usedValues)
    {
        foreach (var child in Children(node)) Operands(child, names, values, usedNames, usedValues);
        switch (node)
        {
            case PathNode path:
                foreach (var part in path.Parts.Where(p => p.IsPlaceholder))
                {
                    if (!names.ContainsKey(part.Name)) throw new ValueProblem($"An expression attribute name used in the document path is not defined; attribute name: {part.Name}");
                    usedNames.Add(part.Name);
                }
                return;
            case ValueNode value:
                if (!values.ContainsKey(value.Placeholder)) throw new ValueProblem($"An expression attribute value used in expression is not defined; attribute value: {value.Placeholder}");
                usedValues.Add(value.Placeholder);
                return;
            case CompareNode compare:
                Distinct(compare.Comparator, compare.Left, [compare.Right], names);
                if (compare.Comparator is not ("=" or "<>"))
                {
                    foreach (var operand in new[] { compare.Left, compare.Right })
                    {
                        if (StaticType(operand, values) is { } type && type is not ("S" or "N" or "B"))
                        {
                            throw new ValueProblem($"Incorrect operand type for operator or function; operator or function: {compare.Comparator}, operand type: {type}");
                        }
                    }
                }
                return;
            case BetweenNode between:
                Distinct("BETWEEN", between.Operand, [between.Low, between.High], names);
                return;
            case InNode inNode:
                Distinct("IN", inNode.Operand, inNode.Candidates, names);
                return;
            case CallNode call:
                if (call.Function is "attribute_exists" or "attribute_not_exists" or "attribute_type" && Unwrap(call.Arguments[0]) is not PathNode)
                {
                    throw new ValueProblem($"Operator or function requires a document path; operator or function: {call.Function}");
                }
                if (call.Function != "size") Distinct(call.Function, call.Arguments[0], call.Arguments.Skip(1).ToList(), names);
                return;
        }
    }

    private static void Distinct(string op, ConditionNode first, IReadOnlyList<ConditionNode> rest, IReadOnlyDictionary<string, string> names)
    {
        if (Unwrap(first) is not PathNode path) return;
        var text = PathText(path, names);
        if (rest.Any(r => Unwrap(r) is PathNode other && PathText(other, names) == text))
        {
            throw new ValueProblem($"The first operand must be distinct from the remaining operands for this operator or function; operator: {op}, first operand: {text}");
        }
    }

    private static string? StaticType(ConditionNode node, IReadOnlyDictionary<string, JsonObject> values) => Unwrap(node) switch
    {
        ValueNode v => DynamoValues.TypeOf(values[v.Placeholder]),
        CallNode { Function: "size" } => "N",
        _ => null,
    };

    /// <summary>Valid DynamoDB this fake does not evaluate: refused so a ledger that relies on it fails here, not in AWS.</summary>
    private static void FakeLimits(ConditionNode node, IReadOnlyDictionary<string, string> names)
    {
        var unsupported = node switch
        {
            PathNode { Parts.Count: > 1 } path => $"the nested document path {PathText(path, names)}",
            BetweenNode => "BETWEEN",
            InNode => "IN",
            CallNode call when call.Function is not ("attribute_exists" or "attribute_not_exists") => $"the function {call.Function}",
            _ => null,
        };
        if (unsupported is not null) throw new ValueProblem($"FakeDynamoDb does not support {unsupported}; it evaluates {Supported}");
        foreach (var child in Children(node)) FakeLimits(child, names);
    }

    public static bool Evaluate(ConditionNode node, JsonObject item, IReadOnlyDictionary<string, string> names, IReadOnlyDictionary<string, JsonObject> values)
    {
        JsonObject? Operand(ConditionNode operand) => Unwrap(operand) switch
        {
            ValueNode v => values[v.Placeholder],
            PathNode p => item[Resolve(p.Parts[0], names)] as JsonObject,
            _ => throw new InvalidOperationException($"unsupported operand {operand}"),
        };

        switch (node)
        {
            case OrNode or:
                return Evaluate(or.Left, item, names, values) | Evaluate(or.Right, item, names, values);
            case AndNode and:
                return Evaluate(and.Left, item, names, values) & Evaluate(and.Right, item, names, values);
            case NotNode not:
                return !Evaluate(not.Operand, item, names, values);
            case ParenNode paren:
                return Evaluate(paren.Inner, item, names, values);
            case CallNode call:
                var exists = Operand(call.Arguments[0]) is not null;
                return call.Function == "attribute_exists" ? exists : !exists;
            case CompareNode compare:
                var (left, right) = (Operand(compare.Left), Operand(compare.Right));
                // A missing attribute equals nothing, so '=' is false and '<>' true; it cannot be ordered.
                if (compare.Comparator == "=") return left is not null && right is not null && DynamoValues.SameValue(left, right);
                if (compare.Comparator == "<>") return !(left is not null && right is not null && DynamoValues.SameValue(left, right));
                var order = left is null || right is null ? null : DynamoValues.Order(left, right);
                return order is { } o && compare.Comparator switch
                {
                    "<" => o < 0,
                    "<=" => o <= 0,
                    ">" => o > 0,
                    _ => o >= 0,
                };
            default:
                throw new InvalidOperationException($"unsupported condition {node}");
        }
    }

    private static string Resolve(PathPart part, IReadOnlyDictionary<string, string> names) => part.IsPlaceholder ? names[part.Name] : part.Name;

    /// <summary>A path as DynamoDB prints it in messages: [a, b, [1]].</summary>
    private static string PathText(PathNode path, IReadOnlyDictionary<string, string> names) =>
        "[" + string.Join(", ", path.Parts.Select(p => p.Index is { } i ? $"[{i}]" : names.GetValueOrDefault(p.Name, p.Name))) + "]";

    private static ConditionNode Unwrap(ConditionNode node) => node is ParenNode paren ? Unwrap(paren.Inner) : node;

    private static IEnumerable<ConditionNode> Children(ConditionNode node) => node switch
    {
        OrNode n => [n.Left, n.Right],
        AndNode n => [n.Left, n.Right],
        NotNode n => [n.Operand],
        ParenNode n => [n.Inner],
        CompareNode n => [n.Left, n.Right],
        BetweenNode n => [n.Operand, n.Low, n.High],
        InNode n => [n.Operand, .. n.Candidates],
        CallNode n => n.Arguments,
        _ => [],
    };
}
