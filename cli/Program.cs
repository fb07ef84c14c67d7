using SgConfigRule.Cli;

return CliApp.Run(args, Terminal.System());
