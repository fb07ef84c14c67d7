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
        if (!text.StartsWith('@')) return text;
        var path = text[1..];
        if (path.Length == 0) throw new CliUsageException("--params: '@' names no file (write @FILE, or give the JSON itself)");
        if (Directory.Exists(path)) throw new CliUsageException($"--params: cannot read {path}: it is a folder, not a file");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--params: cannot read {path}: {e.Message}");
        }
    }
}
