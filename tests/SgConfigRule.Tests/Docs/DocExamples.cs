using System.Text;
using System.Text.RegularExpressions;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Docs;

/// <summary>One <c>sg-config-rule</c> command shown on a documentation page, read as a shell would read it.</summary>
/// <param name="Where">The page and line, for messages.</param>
/// <param name="Arguments">The tool's arguments (after <c>sg-config-rule</c>, or after <c>dotnet run --project cli … --</c>).</param>
/// <param name="Environment">Variables the command line sets before the command (<c>NAME=value sg-config-rule …</c>).</param>
/// <param name="StandardInput">The file redirected into it (<c>&lt; FILE</c>), or null.</param>
/// <param name="PipedFrom">The program whose output is piped into it (<c>aws … | sg-config-rule</c>), or null.</param>
/// <param name="ExpectedExit">The exit code the page promises: its <c>&lt;!-- exit: N --&gt;</c> marker, else 0.</param>
/// <param name="ExpectedOutput">What a transcript block (<c>$ command</c> then output) shows it printing, or null.</param>
internal sealed record DocExample(string Where, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment,
                                  string? StandardInput, string? PipedFrom, int ExpectedExit, IReadOnlyList<string>? ExpectedOutput)
{
    /// <summary>Why it is only parsed, not run: it needs AWS the loopback endpoints do not stand in for, or input only an AWS command gives. Null: it runs.</summary>
    public string? NeedsAws =>
        Arguments.FirstOrDefault(OrganizationOptions.Contains) is { } option ? $"reads an organization ({option})"
        : Environment.Keys.Any(k => k.StartsWith("AWS_", StringComparison.Ordinal)) ? "is pointed at an AWS endpoint"
        : PipedFrom is not null ? $"reads what {PipedFrom} prints"
        // invoke calls AWS once its input is valid; an example that fails (exit 2) fails before any call.
        : Arguments.FirstOrDefault() == "invoke" && ExpectedExit != 2 ? "calls AWS"
        : null;

    /// <summary>Reads one account through AWS: runs against the loopback endpoints.</summary>
    public bool ReadsAnAccount => Arguments.Contains("--live") || Arguments.Contains("--profile");

    /// <summary>The Regions it names (<c>--region a,b</c>); <c>all</c> names none.</summary>
    public IEnumerable<string> Regions
    {
        get
        {
            var at = Arguments.ToList().IndexOf("--region");
            return at < 0 || at + 1 >= Arguments.Count ? [] : Arguments[at + 1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(r => r != "all");
        }
    }

    /// <summary>Options that read several accounts of an organization: beyond what the loopback setup of these tests provides.</summary>
    private static readonly string[] OrganizationOptions = ["--aggregator", "--accounts", "--role-name"];

    public override string ToString() => $"{Where}: sg-config-rule {string.Join(' ', Arguments)}";
}

/// <summary>
/// Finds the examples of a Markdown page: every <c>sg-config-rule</c> command in a <c>```sh</c> block, and every
/// <c>$ sg-config-rule …</c> line of a plain <c>```</c> block with the output lines under it. The conventions are
/// documented in docs/development.md ("Documentation examples are tests").
/// </summary>
internal static partial class DocExamples
{
    public static IReadOnlyList<DocExample> Read(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot, page));
        var examples = new List<DocExample>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success) continue;
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++) body.Add(lines[i]);
            var language = fence.Groups["language"].Value;
            var block = language is "sh" or "bash" or "shell" ? ShellBlock(page, start, body)
                : language.Length == 0 && body.Any(l => l.StartsWith("$ ", StringComparison.Ordinal)) ? Transcript(page, start, body)
                : [];
            examples.AddRange(WithExitCodes(block, ExitMarker(lines, start), $"{page}:{start + 1}"));
        }
        return examples;
    }

    /// <summary>The <c>&lt;!-- exit: … --&gt;</c> marker on the last non-blank line before the block, or null.</summary>
    private static int[]? ExitMarker(string[] lines, int fenceLine)
    {
        var before = fenceLine - 1;
        while (before >= 0 && lines[before].Trim().Length == 0) before--;
        if (before < 0) return null;
        var marker = Marker().Match(lines[before].Trim());
        return marker.Success ? [.. marker.Groups["codes"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)] : null;
    }

    /// <summary>One code for every command of the block, or one per command in order.</summary>
    private static IEnumerable<DocExample> WithExitCodes(List<DocExample> block, int[]? codes, string where)
    {
        if (codes is null) return block;
        if (codes.Length != 1 && codes.Length != block.Count)
        {
            throw new InvalidOperationException($"{where}: the exit marker names {codes.Length} codes for {block.Count} sg-config-rule commands");
        }
        return block.Select((e, n) => e with { ExpectedExit = codes[codes.Length == 1 ? 0 : n] });
    }

    private static List<DocExample> ShellBlock(string page, int fenceLine, List<string> body)
    {
        var examples = new List<DocExample>();
        var command = new StringBuilder();
        var first = 0;
        for (var n = 0; n < body.Count; n++)
        {
            if (command.Length == 0) first = n;
            var code = StripComment(body[n].Trim());
            if (code.EndsWith('\\'))
            {
                command.Append(code[..^1]).Append(' ');
                continue;
            }
            command.Append(code);
            examples.AddRange(Commands($"{page}:{fenceLine + 2 + first}", command.ToString(), null));
            command.Clear();
        }
        return examples;
    }

    private static List<DocExample> Transcript(string page, int fenceLine, List<string> body)
    {
        var examples = new List<DocExample>();
        for (var n = 0; n < body.Count; n++)
        {
            if (!body[n].StartsWith("$ ", StringComparison.Ordinal)) continue;
            var output = body.Skip(n + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).ToList();
            while (output.Count > 0 && output[^1].Trim().Length == 0) output.RemoveAt(output.Count - 1);
            examples.AddRange(Commands($"{page}:{fenceLine + 2 + n}", body[n][2..], output));
        }
        return examples;
    }

    /// <summary>The <c>sg-config-rule</c> commands of one command line (joined by <c>&amp;&amp;</c>, <c>;</c>, <c>|</c>).</summary>
    private static IEnumerable<DocExample> Commands(string where, string line, IReadOnlyList<string>? output)
    {
        string? producer = null;
        foreach (var (words, pipedInto) in Segments(Tokens(line)))
        {
            var environment = new Dictionary<string, string>();
            var rest = words.ToList();
            while (rest.Count > 0 && Assignment().Match(rest[0]) is { Success: true } assignment)
            {
                environment[assignment.Groups[1].Value] = assignment.Groups[2].Value;
                rest.RemoveAt(0);
            }
            string? input = null;
            for (var i = 0; i < rest.Count - 1; i++)
            {
                if (rest[i] is not ("<" or ">" or ">>" or "2>")) continue;
                if (rest[i] == "<") input = rest[i + 1];
                rest.RemoveRange(i, 2);
                i--;
            }
            var arguments = ToolArguments(rest);
            if (arguments is not null)
            {
                yield return new DocExample(where, arguments, environment, input, pipedInto ? producer : null, 0, output);
            }
            producer = rest.FirstOrDefault();
        }
    }

    /// <summary>The tool's arguments if <paramref name="words"/> run it, else null.</summary>
    private static List<string>? ToolArguments(List<string> words)
    {
        if (words.Count > 0 && words[0] == "sg-config-rule") return words[1..];
        var project = words.IndexOf("--project");
        var separator = words.IndexOf("--");
        if (words.Count > 2 && words[0] == "dotnet" && words[1] == "run" && project > 0 && project + 1 < words.Count
            && words[project + 1].TrimEnd('/') == "cli" && separator > project)
        {
            return words[(separator + 1)..];
        }
        return null;
    }

    /// <summary>Splits tokens at <c>&amp;&amp;</c>, <c>||</c>, <c>;</c> and <c>|</c>; each part says whether a pipe feeds it.</summary>
    private static IEnumerable<(List<string> Words, bool PipedInto)> Segments(List<(string Text, bool Operator)> tokens)
    {
        var current = new List<string>();
        var piped = false;
        foreach (var (text, isOperator) in tokens)
        {
            if (isOperator && text is "&&" or "||" or ";" or "|")
            {
                if (current.Count > 0) yield return (current, piped);
                current = [];
                piped = text == "|";
                continue;
            }
            current.Add(text);
        }
        if (current.Count > 0) yield return (current, piped);
    }

    /// <summary>Words and operators of a POSIX shell line: quotes, backslash escapes, <c>&amp;&amp; || ; | &lt; &gt; &gt;&gt; 2&gt;</c>.</summary>
    internal static List<(string Text, bool Operator)> Tokens(string line)
    {
        var tokens = new List<(string, bool)>();
        var word = new StringBuilder();
        var inWord = false;
        void End()
        {
            if (inWord) tokens.Add((word.ToString(), false));
            word.Clear();
            inWord = false;
        }
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'')
            {
                var close = line.IndexOf('\'', i + 1);
                if (close < 0) throw new FormatException($"unclosed ' in: {line}");
                word.Append(line, i + 1, close - i - 1);
                inWord = true;
                i = close;
            }
            else if (c == '"')
            {
                inWord = true;
                for (i++; i < line.Length && line[i] != '"'; i++)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`') i++;
                    word.Append(line[i]);
                }
                if (i >= line.Length) throw new FormatException($"unclosed \" in: {line}");
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                End();
            }
            else if (c is '&' or '|' or ';' or '<' or '>')
            {
                var two = i + 1 < line.Length ? line.Substring(i, 2) : "";
                var op = two is "&&" or "||" or ">>" ? two : c.ToString();
                if (op == ">" && inWord && word.ToString() == "2") { word.Clear(); inWord = false; op = "2>"; }
                End();
                tokens.Add((op, true));
                i += op.Length - (op == "2>" ? 1 : 0) - 1;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        End();
        return tokens;
    }

    /// <summary>Drops a <c>#</c> comment that starts a word outside quotes (shell lines of the docs).</summary>
    internal static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i].TrimEnd();
        }
        return line.TrimEnd();
    }

    /// <summary>A shown output line with <c>…</c> where the text varies, as a pattern for one whole line.</summary>
    public static Regex OutputLine(string shown) =>
        new("^" + string.Join(".*", shown.Split('…').Select(Regex.Escape)) + "$", RegexOptions.Singleline);

    [GeneratedRegex(@"^```(?<language>[\w-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^<!--\s*exit:\s*(?<codes>\d+(\s+\d+)*)\s*-->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex Assignment();
}
