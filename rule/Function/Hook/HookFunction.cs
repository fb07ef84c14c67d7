using System.Text.Json;
using SgConfigRule.Input;
using SgConfigRule.Input.CloudFormation;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Rule.Hook;

/// <summary>
/// The deploy-time control (issue 18): a CloudFormation Lambda hook on <c>AWS::EC2::SecurityGroup</c> and
/// <c>AWS::EC2::SecurityGroupIngress</c> create and update operations. It maps the proposed properties with the same
/// mapping as <c>scan</c> of a template and judges them with the same policy core and parameters as the Config rule,
/// answering per the Hooks contract: <c>hookStatus</c> SUCCESS, or FAILED with <c>errorCode</c> NonCompliant and the
/// Config annotation's words as the message. Whether FAILED blocks the operation or warns is the hook's FailureMode.
/// Handler: <c>SgConfigRule.Rule::SgConfigRule.Rule.Hook.HookFunction::HandleAsync</c>. No AWS call: the request
/// holds everything, and the function needs no permission beyond its logs.
/// </summary>
public sealed class HookFunction
{
    /// <summary>The rule parameters, as the Config rule's InputParameters JSON (the template sets both from the same parameters).</summary>
    public const string ParametersVariable = "SGCR_RULE_PARAMETERS";

    private readonly string? parametersJson;
    private readonly TimeProvider time;
    private readonly TextWriter log;

    public HookFunction() : this(Environment.GetEnvironmentVariable(ParametersVariable), TimeProvider.System, Console.Out) { }

    public HookFunction(string? parametersJson, TimeProvider time, TextWriter log)
    {
        this.parametersJson = parametersJson;
        this.time = time;
        this.log = log;
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer).ConfigureAwait(false);
        return new MemoryStream(Invoke(buffer.ToArray()).ToJson());
    }

    /// <summary>The answer to one request. Never throws: anything not evaluated is FAILED (InternalFailure), never SUCCESS.</summary>
    public HookResponse Invoke(ReadOnlyMemory<byte> requestJson)
    {
        HookRequest request;
        try
        {
            request = HookRequest.Parse(requestJson);
        }
        catch (InputException e)
        {
            return Logged(HookResponse.InternalFailure(HookRequest.TokenOf(requestJson.Span), $"the hook request cannot be read: {e.Message}"), null);
        }
        PolicyParameters parameters;
        try
        {
            parameters = ParameterParser.Parse(parametersJson);
        }
        catch (ParameterException e)
        {
            return Logged(HookResponse.InternalFailure(request.ClientRequestToken, $"{ParametersVariable}: {e.Message}"), request);
        }
        if (request.InvocationPoint.StartsWith("DELETE", StringComparison.Ordinal))
        {
            return Logged(HookResponse.Success(request.ClientRequestToken, "deleting a rule or group opens nothing"), request);
        }
        SecurityGroup? group;
        try
        {
            group = request.TargetName switch
            {
                SecurityGroupMapping.SecurityGroupType =>
                    SecurityGroupMapping.Group(request.TargetLogicalId, request.ResourceProperties, TemplateResolver.Deployed, null),
                // Only this rule is in the request: its group's tags (an exemption) are not, so none applies here.
                SecurityGroupMapping.IngressType => SecurityGroup.OfRulesAlone(request.TargetLogicalId, null,
                    [SecurityGroupMapping.Rule(request.ResourceProperties, TemplateResolver.Deployed, request.TargetLogicalId, null)]),
                _ => null,
            };
        }
        catch (TemplateException e)
        {
            return Logged(HookResponse.InternalFailure(request.ClientRequestToken, $"{request.TargetLogicalId}: {e.Problem}"), request);
        }
        if (group is null)
        {
            return Logged(HookResponse.Success(request.ClientRequestToken, $"{request.TargetName} is not a type this hook evaluates"), request);
        }
        var evaluation = Evaluator.Evaluate(group, parameters, time.GetUtcNow());
        var response = evaluation.Compliance == Compliance.NonCompliant
            ? HookResponse.NonCompliant(request.ClientRequestToken, evaluation.Annotation!)
            : HookResponse.Success(request.ClientRequestToken, evaluation.Annotation ?? "compliant");
        return Logged(response, request);
    }

    /// <summary>One JSON line per request in the function's log: what was judged and the answer.</summary>
    private HookResponse Logged(HookResponse response, HookRequest? request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", "hook");
            json.WriteString("targetName", request?.TargetName);
            json.WriteString("targetLogicalId", request?.TargetLogicalId);
            json.WriteString("invocationPoint", request?.InvocationPoint);
            json.WriteString("hookStatus", response.HookStatus);
            json.WriteString("errorCode", response.ErrorCode);
            json.WriteString("message", response.Message);
            json.WriteEndObject();
        }
        log.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        return response;
    }
}

/// <summary>
/// The hook's answer (Hooks user guide, "Response input"): <c>hookStatus</c> SUCCESS or FAILED, <c>errorCode</c>
/// NonCompliant or InternalFailure when FAILED, a <c>message</c> (CloudFormation shows at most 4096 characters),
/// and the request's <c>clientRequestToken</c>.
/// </summary>
public sealed record HookResponse(string HookStatus, string? ErrorCode, string Message, string? ClientRequestToken)
{
    public const int MaxMessageLength = 4096;

    public static HookResponse Success(string? token, string message) => new("SUCCESS", null, message, token);
    public static HookResponse NonCompliant(string? token, string message) => new("FAILED", "NonCompliant", message, token);
    public static HookResponse InternalFailure(string? token, string message) => new("FAILED", "InternalFailure", message, token);

    public byte[] ToJson(bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteString("hookStatus", HookStatus);
            if (ErrorCode is not null) json.WriteString("errorCode", ErrorCode);
            json.WriteString("message", Message.Length <= MaxMessageLength ? Message : Message[..(MaxMessageLength - 3)] + "...");
            if (ClientRequestToken is not null) json.WriteString("clientRequestToken", ClientRequestToken);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
