using System.CommandLine;

namespace SgConfigRule.Cli;

/// <summary>Checks every command shares: what its arguments may be, and how --params is read.</summary>
public static class CommandLineChecks
{
    /// <summary>
    /// A word that starts with '-' (other than '-' itself, standard input) is an option the command does not have, not
    /// a file: `scan --bogus` used to report that a file named --bogus could not be read.
    /// </summary>
    public static void RefuseUnknownOptions(Argument argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-')
                {
                    result.AddError($"unknown option '{token.Value}' (a file whose name starts with '-' is written ./{token.Value})");
                }
            }
        });
    }

    /// <summary>The text of --params: the JSON given, or the content of @FILE; a file that cannot be read is a usage error naming it.</summary>
    public static string ReadParameters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ReadFileArgument("--params", text, "give the JSON itself") ?? text;
    }

    /// <summary>
    /// The content of an option's <c>@FILE</c>, or null when the text is not <c>@FILE</c> but the value itself; a file
    /// that cannot be read is a usage error naming the option and the file. <paramref name="orElse"/> says what else
    /// the option takes, for a bare <c>@</c>.
    /// </summary>
    public static string? ReadFileArgument(string option, string text, string orElse)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('@')) return null;
        var path = text[1..];
        if (path.Length == 0) throw new CliUsageException($"{option}: '@' names no file (write @FILE, or {orElse})");
        if (Directory.Exists(path)) throw new CliUsageException($"{option}: cannot read {path}: it is a folder, not a file");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{option}: cannot read {path}: {e.Message}");
        }
    }
}
