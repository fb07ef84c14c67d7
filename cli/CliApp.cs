using System.CommandLine;
using SgConfigRule.Cli.Scan;

namespace SgConfigRule.Cli;

/// <summary>The command tree. Parse errors exit with <see cref="ExitCodes.InputError"/>, as DESIGN §7 asks.</summary>
public static class CliApp
{
    public static int Run(string[] args, Terminal terminal)
    {
        var root = new RootCommand("sg-config-rule: the SgConfigRule security-group ingress policy, run where you are.")
        {
            ScanCommand.Create(terminal),
            Invoke.InvokeCommand.Create(terminal),
        };
        // @FILE belongs to --params (DESIGN §7), so response-file expansion is off.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) terminal.Error.WriteLine($"error: {error.Message}");
            terminal.Error.WriteLine("Run 'sg-config-rule --help' for usage.");
            return ExitCodes.InputError;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = terminal.Out, Error = terminal.Error });
    }
}
