using System.Diagnostics;
using System.Text.Json;
using SgConfigRule.Aws;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;
using SgConfigRule.Rule.Events;
using SgConfigRule.Rule.Handling;
using SgConfigRule.Rule.Logging;

namespace SgConfigRule.Rule;

/// <summary>
/// The AWS Config custom rule (DESIGN §4). Lambda handler string:
/// <c>SgConfigRule.Rule::SgConfigRule.Rule.RuleFunction::HandleAsync</c> — a Stream in, a Stream out, so the managed
/// <c>dotnet10</c> runtime needs no serializer package. Config ignores the return value; it is a summary of what was
/// posted, for logs and for <c>sg-config-rule invoke rule</c>.
/// <para>Anything that keeps a resource from being fully evaluated fails the invocation (AWS Config retries it),
/// after everything that could be evaluated has been posted. Nothing unevaluated is ever reported COMPLIANT.</para>
/// </summary>
public sealed class RuleFunction
{
    private readonly RuleRuntime runtime;

    /// <summary>The Lambda entry: region and credentials from the environment, logs to standard output.</summary>
    public RuleFunction() : this(RuleRuntime.FromEnvironment()) { }

    public RuleFunction(RuleRuntime runtime) => this.runtime = runtime;

    public async Task<Stream> HandleAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer).ConfigureAwait(false);
        var result = await InvokeAsync(buffer.ToArray(), CancellationToken.None).ConfigureAwait(false);
        return new MemoryStream(result.ToJson(maxEvaluations: ResponseEvaluationLimit));
    }

    /// <summary>
    /// How many evaluations the returned summary lists (about 400 KB). Lambda refuses a response over 6 MB and counts
    /// the invocation as failed — retried, for Config's asynchronous invocations — after every evaluation was posted:
    /// a sweep of some 15,000 groups would reach that. The logs and Config hold every evaluation.
    /// </summary>
    public const int ResponseEvaluationLimit = 1000;

    /// <summary>Handles one Config rule event; throws <see cref="RuleInvocationException"/> when anything was not evaluated.</summary>
    public async Task<RuleInvocationResult> InvokeAsync(ReadOnlyMemory<byte> eventJson, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var log = new RuleLog(runtime.Log, runtime.Time);
        using var document = ParseEvent(eventJson, log);
        ConfigRuleEvent ruleEvent;
        try
        {
            ruleEvent = document.RootElement.Deserialize(ConfigEventJsonContext.Default.ConfigRuleEvent)
                        ?? throw Fail(log, "", null, null, "the event is not a JSON object");
        }
        catch (JsonException e)
        {
            // A field of the wrong type (say a number where Config sends a string): name it, fail, let Config retry.
            throw Fail(log, "", null, null, $"the event does not have the shape of a Config rule event: {e.Message}");
        }
        var invoking = ParseInvokingEvent(ruleEvent, log);
        var messageType = invoking.MessageType ?? "";
        if (string.IsNullOrEmpty(ruleEvent.ResultToken)) throw Fail(log, messageType, ruleEvent, null, "the event has no resultToken");

        PolicyParameters parameters;
        try
        {
            parameters = ParameterParser.Parse(ruleEvent.RuleParameters ?? "{}");
        }
        catch (ParameterException e)
        {
            throw Fail(log, messageType, ruleEvent, null, $"ruleParameters: {e.Message}");
        }

        var aws = await AccountOptionsAsync(ruleEvent, parameters, cancellationToken).ConfigureAwait(false);
        var config = AwsClients.ConfigService(aws);
        var poster = new EvaluationPoster(config, ruleEvent.ResultToken);
        using var context = new InvocationContext(parameters, aws, config, poster, runtime.Time, log);
        Exception? aborted = null;
        try
        {
            switch (messageType)
            {
                case MessageTypes.Change:
                    await ChangeHandler.HandleChangeAsync(context, ruleEvent.EventLeftScope, invoking, cancellationToken).ConfigureAwait(false);
                    break;
                case MessageTypes.OversizedChange:
                    await ChangeHandler.HandleOversizedAsync(context, ruleEvent, invoking, cancellationToken).ConfigureAwait(false);
                    break;
                case MessageTypes.Scheduled:
                    var ordering = ChangeHandler.NotificationTime(invoking) ?? runtime.Time.GetUtcNow().UtcDateTime;
                    await PeriodicSweep.RunAsync(context, ruleEvent.ConfigRuleName, ordering, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    context.Fail(null, $"unsupported messageType '{messageType}': the rule handles {MessageTypes.Change}, {MessageTypes.OversizedChange} and {MessageTypes.Scheduled}");
                    break;
            }
        }
        catch (Exception e) when (AwsCallFailure.Is(e) || e is AwsRequestException or System.Xml.XmlException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // An AWS call failed after its retries (the EC2 SDK reports its timeouts as TimeoutException or a
            // cancellation nobody asked for, and a connection that kept dropping as the IOException itself): post what
            // was evaluated, then fail so Config retries.
            aborted = e;
            context.Fail(null, $"{e.GetType().Name}: {e.Message}");
        }

        try
        {
            await poster.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsRequestException e)
        {
            aborted ??= e;
            context.Fail(null, $"PutEvaluations: {e.Message}");
        }
        var failures = context.Failures.Concat(poster.Failures).ToList();
        var result = new RuleInvocationResult(messageType, ruleEvent.ConfigRuleName, ruleEvent.AccountId, poster.TestMode, poster.Posted, failures);
        log.Invocation(messageType, ruleEvent.ConfigRuleName, ruleEvent.AccountId, result.Posted.Count,
            result.Posted.Count(p => p.ComplianceType == "NON_COMPLIANT"), failures.Count, poster.TestMode, watch.Elapsed);
        if (failures.Count > 0) throw new RuleInvocationException(result, aborted);
        return result;
    }

    /// <summary>The options for the account being evaluated: this one, or the event's account through <c>executionRoleName</c>.</summary>
    private async Task<AwsClientOptions> AccountOptionsAsync(ConfigRuleEvent ruleEvent, PolicyParameters parameters, CancellationToken cancellationToken)
    {
        if (parameters.ExecutionRoleName is not { } roleName) return runtime.Aws;
        var account = ruleEvent.AccountId;
        if (string.IsNullOrEmpty(account)) throw new RuleInvocationException($"executionRoleName is set but the event has no accountId");
        var partition = ruleEvent.ConfigRuleArn?.Split(':') is { Length: > 2 } arn && arn[1].Length > 0 ? arn[1] : "aws";
        var roleArn = $"arn:{partition}:iam::{account}:role/{roleName}";
        try
        {
            return await AwsClients.AssumeRoleAsync(runtime.Aws, roleArn, $"sg-config-rule-{account}", cancellationToken).ConfigureAwait(false);
        }
        catch (AwsRequestException e)
        {
            throw new RuleInvocationException(new RuleInvocationResult("", ruleEvent.ConfigRuleName, account, false, [],
                [new EvaluationFailure(null, $"cannot assume {roleArn}: {e.Message}")]), e);
        }
    }

    private static JsonDocument ParseEvent(ReadOnlyMemory<byte> eventJson, RuleLog log)
    {
        try
        {
            return JsonText.Parse(eventJson, JsonPath.Root);
        }
        catch (InputException e)
        {
            throw Fail(log, "", null, null, $"the event is not valid JSON: {e.Message}");
        }
    }

    private static InvokingEvent ParseInvokingEvent(ConfigRuleEvent ruleEvent, RuleLog log)
    {
        if (string.IsNullOrEmpty(ruleEvent.InvokingEvent)) throw Fail(log, "", ruleEvent, null, "the event has no invokingEvent");
        try
        {
            using var invoking = JsonText.Parse(ruleEvent.InvokingEvent, JsonPath.Root.Property("invokingEvent").Embedded());
            return invoking.RootElement.Deserialize(ConfigEventJsonContext.Default.InvokingEvent)
                   ?? throw Fail(log, "", ruleEvent, null, "invokingEvent is not a JSON object");
        }
        catch (InputException e)
        {
            throw Fail(log, "", ruleEvent, null, e.Message);
        }
        catch (JsonException e)
        {
            throw Fail(log, "", ruleEvent, null, $"invokingEvent: {e.Message}");
        }
    }

    private static RuleInvocationException Fail(RuleLog log, string messageType, ConfigRuleEvent? ruleEvent, string? resourceId, string cause)
    {
        log.Failure(resourceId, cause);
        return new RuleInvocationException(new RuleInvocationResult(messageType, ruleEvent?.ConfigRuleName, ruleEvent?.AccountId, false, [],
            [new EvaluationFailure(resourceId, cause)]));
    }
}

/// <summary>What the function runs with: AWS client options, the clock and where logs go.</summary>
public sealed record RuleRuntime(AwsClientOptions Aws, TimeProvider Time, TextWriter Log)
{
    public static RuleRuntime FromEnvironment() => new(new AwsClientOptions(), TimeProvider.System, Console.Out);
}
