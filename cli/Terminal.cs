using System.Text;

namespace SgConfigRule.Cli;

/// <summary>Where the tool writes and whether colour is wanted: only on a terminal, and never with NO_COLOR set.</summary>
public sealed record Terminal(TextWriter Out, TextWriter Error, bool UseColour, Func<Stream> OpenStandardInput)
{
    public static Terminal System() =>
        new(StandardOutput(), Console.Error,
            UseColour: !Console.IsOutputRedirected
                       && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
                       && Environment.GetEnvironmentVariable("TERM") != "dumb",
            OpenStandardInput: Console.OpenStandardInput);

    /// <summary>
    /// Standard output as C's stdio treats it: written through on a terminal, buffered when redirected to a file or
    /// a pipe (a report of a million groups is then a few hundred writes, not millions). The caller flushes it at exit.
    /// </summary>
    private static TextWriter StandardOutput() =>
        Console.IsOutputRedirected
            ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024) { AutoFlush = false }
            : Console.Out;
}
