using SgConfigRule.Cli;

var terminal = Terminal.System();
try
{
    return CliApp.Run(args, terminal);
}
finally
{
    terminal.Out.Flush();
}
