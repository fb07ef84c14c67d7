using SgConfigRule.Cli;

namespace SgConfigRule.Tests.Cli;

/// <summary>Runs the CLI in-process with captured output, as a user would from a shell.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static Outcome Run(params string[] args) => Run(null, false, args);

    public static Outcome Run(string? standardInput, bool colour, params string[] args) =>
        Run(System.Text.Encoding.UTF8.GetBytes(standardInput ?? ""), standardInputHasData: false, colour, args);

    /// <summary>As a shell runs it with <paramref name="piped"/> on a pipe (null: a terminal, nothing piped).</summary>
    public static Outcome RunPiped(byte[]? piped, params string[] args) => Run(piped ?? [], piped is not null, colour: false, args);

    private static Outcome Run(byte[] standardInput, bool standardInputHasData, bool colour, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var terminal = new Terminal(output, error, colour, () => new MemoryStream(standardInput), standardInputHasData);
        var code = CliApp.Run(args, terminal);
        return new Outcome(code, output.ToString(), error.ToString());
    }

    public static string WriteTemp(string content, string name = "input.json")
    {
        var dir = Directory.CreateTempSubdirectory("sgcr-test-").FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
