using System.CommandLine;
using System.Text.Json.Nodes;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Rule;
using SgConfigRule.Rule.Handling;

namespace SgConfigRule.Cli.Invoke;

/// <summary>
/// <c>invoke rule EVENT.json [--params JSON|@FILE]</c>: runs the real rule function in-process against AWS, or against
/// any endpoint set by <c>AWS_ENDPOINT_URL*</c> — the local stand-in for <c>sam local invoke</c>. Prints what the
/// function posted (JSON) on standard output and its structured logs on standard error.
/// Exit 0: the invocation succeeded; 1: it failed (AWS Config would retry it); 2: usage or input error.
/// </summary>
public static class InvokeCommand
{
    public const int InvocationFailed = 1;

    public static Command Create(Terminal terminal)
    {
        var eventFile = new Argument<string>("EVENT") { Description = "The Config rule event as JSON (a file, or '-' for standard input)." };
        var parameters = new Option<string?>("--params")
        {
            Description = "Rule parameters (JSON or @FILE) to use instead of the event's ruleParameters.",
            HelpName = "JSON|@FILE",
        };
        var region = new Option<string?>("--region") { Description = "The region (default: AWS_REGION or the profile's)." };
        var profile = new Option<string?>("--profile") { Description = "A named profile from the shared AWS config files." };
        var rule = new Command("rule", "Run the Config rule function on an event, as AWS Config would.") { eventFile, parameters, region, profile };
        rule.SetAction((result, cancellationToken) => RunRuleAsync(result.GetValue(eventFile)!, result.GetValue(parameters),
            result.GetValue(region), result.GetValue(profile), terminal, cancellationToken));
        return new Command("invoke", "Run a function of SgConfigRule in-process against AWS or an AWS-compatible endpoint.") { rule };
    }

    private static async Task<int> RunRuleAsync(string eventFile, string? parametersText, string? region, string? profile,
                                                Terminal terminal, CancellationToken cancellationToken)
    {
        byte[] eventJson;
        try
        {
            eventJson = ReadEvent(eventFile, terminal);
            if (parametersText is not null) eventJson = ReplaceRuleParameters(eventJson, parametersText);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliUsageException or ParameterException or System.Text.Json.JsonException)
        {
            terminal.Error.WriteLine($"error: {eventFile}: {e.Message}");
            return ExitCodes.InputError;
        }

        RuleFunction function;
        try
        {
            function = new RuleFunction(new RuleRuntime(CliAws.Options(region, profile), TimeProvider.System, terminal.Error));
        }
        catch (CliUsageException e)
        {
            terminal.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InputError;
        }
        try
        {
            var result = await function.InvokeAsync(eventJson, cancellationToken).ConfigureAwait(false);
            terminal.Out.WriteLine(System.Text.Encoding.UTF8.GetString(result.ToJson(indented: true)));
            return ExitCodes.Clean;
        }
        catch (RuleInvocationException e)
        {
            terminal.Out.WriteLine(System.Text.Encoding.UTF8.GetString(e.Result.ToJson(indented: true)));
            terminal.Error.WriteLine($"error: the invocation failed (AWS Config would retry it): {e.Message}");
            return InvocationFailed;
        }
    }

    private static byte[] ReadEvent(string eventFile, Terminal terminal)
    {
        if (eventFile != "-") return File.ReadAllBytes(eventFile);
        using var input = terminal.OpenStandardInput();
        using var copy = new MemoryStream();
        input.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Validates the parameters first, so a typo is reported here, then puts them into the event as Config would.</summary>
    private static byte[] ReplaceRuleParameters(byte[] eventJson, string parametersText)
    {
        var text = parametersText.StartsWith('@') ? File.ReadAllText(parametersText[1..]) : parametersText;
        ParameterParser.Parse(text);
        var node = JsonNode.Parse(eventJson) as JsonObject ?? throw new CliUsageException("the event is not a JSON object");
        node["ruleParameters"] = text;
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}
