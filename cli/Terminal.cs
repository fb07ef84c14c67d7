using System.Text;

namespace SgConfigRule.Cli;

/// <summary>
/// Where the tool writes, whether colour is wanted (only on a terminal, and never with NO_COLOR set), and standard
/// input — which carries data when it is a pipe, a socket or a file (not a terminal, not /dev/null).
/// </summary>
public sealed record Terminal(TextWriter Out, TextWriter Error, bool UseColour, Func<Stream> OpenStandardInput, bool StandardInputHasData = false)
{
    /// <summary>The columns the table may use: <c>COLUMNS</c> when set, else the terminal's width; null (no wrapping) when output is redirected.</summary>
    public int? Width { get; init; }

    /// <summary>Whether standard error is a terminal a person watches (progress goes there; never into a log file or a pipe).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Whether the report itself goes to that terminal (then it is the progress, and no progress line is drawn over it).</summary>
    public bool OutputIsTerminal { get; init; }

    public static Terminal System() =>
        new(StandardOutput(), Console.Error,
            UseColour: !Console.IsOutputRedirected
                       && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
                       && Environment.GetEnvironmentVariable("TERM") != "dumb",
            OpenStandardInput: Console.OpenStandardInput,
            StandardInputHasData: StandardInputCarriesData())
        {
            Width = OutputWidth(),
            ErrorIsTerminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb",
            OutputIsTerminal = !Console.IsOutputRedirected,
        };

    private static int? OutputWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0) return columns;
        if (Console.IsOutputRedirected) return null;
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// A pipe, a socket or a regular file on standard input: what <c>aws … | sg-config-rule scan</c> gives. A terminal
    /// or /dev/null (how CI systems and cron start programs) is not data. Where /proc cannot say, any redirection is.
    /// </summary>
    private static bool StandardInputCarriesData()
    {
        if (!Console.IsInputRedirected) return false;
        try
        {
            var target = new FileInfo("/proc/self/fd/0").LinkTarget;
            if (target is null) return true;
            if (target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal)) return true;
            return !target.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>
    /// Standard output as C's stdio treats it: written through on a terminal, buffered when redirected to a file or
    /// a pipe (a report of a million groups is then a few hundred writes, not millions). The caller flushes it at exit.
    /// </summary>
    private static TextWriter StandardOutput() =>
        Console.IsOutputRedirected
            ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024) { AutoFlush = false }
            : Console.Out;
}
