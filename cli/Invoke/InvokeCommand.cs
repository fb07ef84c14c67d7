using SgConfigRule.Input;
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
        CommandLineChecks.RefuseUnknownOptions(eventFile);
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

        var payloadFile = new Argument<string>("PAYLOAD")
        {
            Description = "The revoke function's input as JSON (a file, or '-'), as the SSM document sends it: " +
                          "{\"SecurityGroupId\", \"Mode\": \"Revoke\"|\"DryRun\", \"ConfigRuleName\" (the policy is that rule's " +
                          "InputParameters) or \"RuleParameters\", optionally \"Region\", \"AccountId\"}.",
        };
        CommandLineChecks.RefuseUnknownOptions(payloadFile);
        var remediationRegion = new Option<string?>("--region") { Description = "The region (default: AWS_REGION or the profile's)." };
        var remediationProfile = new Option<string?>("--profile") { Description = "A named profile from the shared AWS config files." };
        var remediation = new Command("remediation", "Run the revoke function on a payload, as the SSM document would.") { payloadFile, remediationRegion, remediationProfile };
        remediation.SetAction((result, cancellationToken) => RunRemediationAsync(result.GetValue(payloadFile)!, result.GetValue(remediationRegion),
            result.GetValue(remediationProfile), terminal, cancellationToken));

        var hookRequest = new Argument<string>("EVENT")
        {
            Description = "A CloudFormation Lambda hook request as JSON (a file, or '-'), as CloudFormation sends it for a resource operation.",
        };
        CommandLineChecks.RefuseUnknownOptions(hookRequest);
        var hookParameters = new Option<string?>("--params")
        {
            Description = $"Rule parameters (JSON or @FILE); default: {SgConfigRule.Rule.Hook.HookFunction.ParametersVariable}, as the deployed hook reads them, else the defaults.",
            HelpName = "JSON|@FILE",
        };
        var hook = new Command("hook", "Run the deploy-time hook function on a request, as CloudFormation would (no AWS call).") { hookRequest, hookParameters };
        hook.SetAction(result => RunHook(result.GetValue(hookRequest)!, result.GetValue(hookParameters), terminal));

        return new Command("invoke", "Run a function of SgConfigRule in-process against AWS or an AWS-compatible endpoint.") { rule, remediation, hook };
    }

    private static async Task<int> RunRuleAsync(string eventFile, string? parametersText, string? region, string? profile,
                                                Terminal terminal, CancellationToken cancellationToken)
    {
        byte[] eventJson;
        try
        {
            eventJson = ReadEvent(eventFile, terminal);
            CheckRuleEvent(eventJson);
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

    /// <summary>
    /// Prints the hook's answer. Exit 0: SUCCESS; 1: FAILED NonCompliant (CloudFormation would block, or warn in WARN
    /// mode); 2: the request or the parameters cannot be read (InternalFailure).
    /// </summary>
    private static int RunHook(string requestFile, string? parametersText, Terminal terminal)
    {
        byte[] request;
        string? parameters;
        try
        {
            request = ReadEvent(requestFile, terminal);
            RequireContent(request);
            SgConfigRule.Input.CloudFormation.HookRequest.Parse(request);
            parameters = parametersText is null
                ? Environment.GetEnvironmentVariable(SgConfigRule.Rule.Hook.HookFunction.ParametersVariable)
                : CommandLineChecks.ReadParameters(parametersText);
            ParameterParser.Parse(parameters);
        }
        catch (InputException e)
        {
            terminal.Error.WriteLine($"error: {requestFile}: not a hook request: {(e.JsonPath == "$" ? e.Problem : $"{e.JsonPath}: {e.Problem}")}");
            return ExitCodes.InputError;
        }
        catch (ParameterException e)
        {
            terminal.Error.WriteLine($"error: --params: {e.Message}");
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliUsageException)
        {
            terminal.Error.WriteLine($"error: {requestFile}: {e.Message}");
            return ExitCodes.InputError;
        }
        var response = new SgConfigRule.Rule.Hook.HookFunction(parameters, TimeProvider.System, terminal.Error).Invoke(request);
        terminal.Out.WriteLine(System.Text.Encoding.UTF8.GetString(response.ToJson(indented: true)));
        return response.ErrorCode switch
        {
            null => ExitCodes.Clean,
            "NonCompliant" => ExitCodes.NonCompliant,
            _ => ExitCodes.InputError,
        };
    }

    /// <summary>Exit 0 for every successful status (including nothing to do), 1 for Failed, 2 for usage errors.</summary>
    private static async Task<int> RunRemediationAsync(string payloadFile, string? region, string? profile, Terminal terminal, CancellationToken cancellationToken)
    {
        byte[] payload;
        SgConfigRule.Remediation.RevokeFunction function;
        try
        {
            payload = ReadEvent(payloadFile, terminal);
            CheckPayload(payload);
            region = RegionFor(payload, region);
            // The person at the terminal is the deployer here: the payload's Mode is what they ask for. A ledger table
            // (SGCR_LEDGER_TABLE) shares the deployed function's memory; without one it lives for this run.
            function = new SgConfigRule.Remediation.RevokeFunction(new SgConfigRule.Remediation.RemediationRuntime(CliAws.Options(region, profile), TimeProvider.System, terminal.Error)
            {
                ModeCeiling = SgConfigRule.Remediation.RemediationMode.Revoke,
                LedgerTable = Environment.GetEnvironmentVariable(SgConfigRule.Remediation.RemediationRuntime.LedgerTableVariable) is { Length: > 0 } table ? table : null,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliUsageException)
        {
            terminal.Error.WriteLine($"error: {payloadFile}: {e.Message}");
            return ExitCodes.InputError;
        }
        var outcome = await function.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
        terminal.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(outcome, RemediationOutcomeJson.Indented));
        if (outcome.Status != SgConfigRule.Remediation.RemediationStatus.Failed) return ExitCodes.Clean;
        terminal.Error.WriteLine($"error: the remediation failed: {outcome.Error}");
        return InvocationFailed;
    }

    /// <summary>
    /// The payload's Region is where the function acts: it also serves when --region is not given, and a different
    /// --region would sign for one Region and act in another.
    /// </summary>
    private static string? RegionFor(byte[] payload, string? region)
    {
        string? named = null;
        try
        {
            if (JsonNode.Parse(payload) is JsonObject node && node["Region"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
            {
                named = text;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // The function reports malformed input itself, naming the field.
        }
        if (region is not null && named is not null && named != region)
        {
            throw new CliUsageException($"the payload names Region {named} and --region says {region}: give one Region");
        }
        return region ?? named;
    }

    /// <summary>
    /// The file is the user's input, so what the function could not read is an input error (exit 2), said before any
    /// credentials are needed — not an invocation AWS Config would retry (exit 1).
    /// </summary>
    private static void CheckRuleEvent(byte[] eventJson)
    {
        RequireContent(eventJson);
        try
        {
            using var document = JsonText.Parse(eventJson, JsonPath.Root);
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object) throw new CliUsageException("not a Config rule event: expected a JSON object");
            if (!root.TryGetProperty("invokingEvent", out var invoking) || invoking.ValueKind is not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Object))
            {
                throw new CliUsageException("not a Config rule event: 'invokingEvent' (a JSON string, as AWS Config sends it) is missing");
            }
            using var inner = invoking.ValueKind == System.Text.Json.JsonValueKind.String
                ? JsonText.Parse(invoking.GetString()!, JsonPath.Root.Property("invokingEvent").Embedded())
                : null;
            var invokingEvent = inner?.RootElement ?? invoking;
            if (invokingEvent.ValueKind != System.Text.Json.JsonValueKind.Object || !invokingEvent.TryGetProperty("messageType", out var type) || type.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                throw new CliUsageException("not a Config rule event: the invoking event has no 'messageType'");
            }
        }
        catch (InputException e)
        {
            throw new CliUsageException(e.JsonPath == "$" ? e.Problem : $"{e.JsonPath}: {e.Problem}");
        }
    }

    /// <summary>An empty file (or a pipe whose writer failed) is said as such, not as what a JSON parser says about it.</summary>
    private static void RequireContent(byte[] input)
    {
        if (input.AsSpan().Trim(" \t\r\n"u8).IsEmpty) throw new CliUsageException("the input is empty");
    }

    private static void CheckPayload(byte[] payload)
    {
        RequireContent(payload);
        try
        {
            using var document = JsonText.Parse(payload, JsonPath.Root);
            SgConfigRule.Remediation.RevokeRequest.Parse(document.RootElement);
        }
        catch (InputException e)
        {
            throw new CliUsageException(e.Problem);
        }
        catch (SgConfigRule.Remediation.RevokeInputException e)
        {
            throw new CliUsageException(e.Message);
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
        var text = CommandLineChecks.ReadParameters(parametersText);
        ParameterParser.Parse(text);
        var node = JsonNode.Parse(eventJson) as JsonObject ?? throw new CliUsageException("the event is not a JSON object");
        node["ruleParameters"] = text;
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}

/// <summary>The outcome printed readably (the function's own context writes it compactly).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SgConfigRule.Remediation.RemediationOutcome))]
internal sealed partial class RemediationOutcomeJson : System.Text.Json.Serialization.JsonSerializerContext
{
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<SgConfigRule.Remediation.RemediationOutcome> Indented => Default.RemediationOutcome;
}
