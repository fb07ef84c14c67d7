using SgConfigRule.Cli;

namespace SgConfigRule.Tests.Cli;

/// <summary>Runs the CLI in-process with captured output, as a user would from a shell.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static Outcome Run(params string[] args) => Run(null, false, args);

    public static Outcome Run(string? standardInput, bool colour, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var terminal = new Terminal(output, error, colour,
            () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(standardInput ?? "")));
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
