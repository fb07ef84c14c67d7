using System.Text.Json;

namespace SgConfigRule.Input.CloudFormation;

/// <summary>
/// The part of a CloudFormation Lambda hook's resource-operation request the policy needs, as the Hooks user guide
/// documents it (https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/lambda-hooks-create-lambda-function.html):
/// <c>clientRequestToken</c>, <c>actionInvocationPoint</c>, and <c>requestData</c>'s <c>targetName</c>,
/// <c>targetLogicalId</c> and <c>targetModel.resourceProperties</c> (the proposed properties, intrinsics resolved).
/// </summary>
public sealed record HookRequest(
    string? ClientRequestToken,
    string InvocationPoint,
    string TargetName,
    string TargetLogicalId,
    TemplateMap ResourceProperties)
{
    /// <summary>Reads a request; a missing or mistyped field is an <see cref="InputException"/> naming it.</summary>
    public static HookRequest Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonText.Parse(json, JsonPath.Root);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InputException("$", "a hook request is a JSON object");
        var token = OptionalString(root, "clientRequestToken");
        var point = RequiredString(root, "actionInvocationPoint", "$.actionInvocationPoint");
        if (!root.TryGetProperty("requestData", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new InputException("$.requestData", "missing: not a resource hook request");
        }
        var name = RequiredString(data, "targetName", "$.requestData.targetName");
        var logicalId = OptionalString(data, "targetLogicalId") ?? name;
        var properties = new TemplateMap([], 0);
        if (data.TryGetProperty("targetModel", out var model) && model.ValueKind == JsonValueKind.Object
            && model.TryGetProperty("resourceProperties", out var proposed) && proposed.ValueKind != JsonValueKind.Null)
        {
            properties = TemplateJson.FromElement(proposed) as TemplateMap
                ?? throw new InputException("$.requestData.targetModel.resourceProperties", "must be a JSON object");
        }
        return new HookRequest(token, point, name, logicalId, properties);
    }

    /// <summary>The token alone, from a request too broken to read whole: the answer still carries it.</summary>
    public static string? TokenOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object ? OptionalString(document.RootElement, "clientRequestToken") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string RequiredString(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InputException(path, "missing or not a string");
}
