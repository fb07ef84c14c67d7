using System.CommandLine;
using SgConfigRule.Cli.Scan;

namespace SgConfigRule.Cli;

/// <summary>
/// The command tree. Parse errors exit with <see cref="ExitCodes.InputError"/>, as DESIGN §7 asks; so does anything a
/// command did not expect: one line naming it, never a stack trace (<c>--debug</c> shows it) and never exit 1, which
/// means "something is NON_COMPLIANT" to a pipeline.
/// </summary>
public static class CliApp
{
    public static int Run(string[] args, Terminal terminal)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        var (root, debug) = Commands(terminal);
        var configuration = new InvocationConfiguration { Output = terminal.Out, Error = terminal.Error, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
        {
            // The bare command shows what it can do; it did nothing, which a pipeline must not read as success.
            root.Parse(["--help"], Parser()).Invoke(configuration);
            return ExitCodes.InputError;
        }
        var parsed = root.Parse(args, Parser());
        if (parsed.Errors.Count > 0)
        {
            var errors = parsed.Errors.Select(e => e.Message).ToList();
            // "Required command was not provided" says nothing when another error says what was wrong.
            if (errors.Count > 1) errors.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
            foreach (var error in errors) terminal.Error.WriteLine($"error: {error}");
            terminal.Error.WriteLine("Run 'sg-config-rule --help' for usage.");
            return ExitCodes.InputError;
        }
        try
        {
            return parsed.Invoke(configuration);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            terminal.Error.WriteLine($"error: {Describe(e)}");
            if (parsed.GetValue(debug)) terminal.Error.WriteLine(e.ToString());
            else terminal.Error.WriteLine("(this is not a finding about your groups; run again with --debug for the details)");
            return ExitCodes.InputError;
        }
    }

    /// <summary>
    /// <paramref name="args"/> parsed exactly as <see cref="Run"/> parses them, without running anything: the
    /// documentation tests prove with it that every option an example that needs AWS uses exists.
    /// </summary>
    internal static ParseResult Parse(string[] args, Terminal terminal) => Commands(terminal).Root.Parse(args, Parser());

    private static (RootCommand Root, Option<bool> Debug) Commands(Terminal terminal)
    {
        var debug = new Option<bool>("--debug") { Description = "On an unexpected error, show its stack trace.", Recursive = true };
        var root = new RootCommand("sg-config-rule: the SgConfigRule security-group ingress policy, run where you are.")
        {
            ScanCommand.Create(terminal),
            Invoke.InvokeCommand.Create(terminal),
        };
        root.Options.Add(debug);
        return (root, debug);
    }

    // @FILE belongs to --params (DESIGN §7), so response-file expansion is off.
    private static ParserConfiguration Parser() => new() { ResponseFileTokenReplacer = null };

    /// <summary>The exception's own message, and its causes' where they add something.</summary>
    private static string Describe(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal)) text += $": {inner.Message}";
        }
        return text;
    }
}
