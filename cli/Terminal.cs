namespace SgConfigRule.Cli;

/// <summary>Where the tool writes and whether colour is wanted: only on a terminal, and never with NO_COLOR set.</summary>
public sealed record Terminal(TextWriter Out, TextWriter Error, bool UseColour, Func<Stream> OpenStandardInput)
{
    public static Terminal System() =>
        new(Console.Out, Console.Error,
            UseColour: !Console.IsOutputRedirected
                       && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
                       && Environment.GetEnvironmentVariable("TERM") != "dumb",
            OpenStandardInput: Console.OpenStandardInput);
}
