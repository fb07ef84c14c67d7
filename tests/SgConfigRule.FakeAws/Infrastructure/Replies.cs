using System.Net;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace SgConfigRule.FakeAws.Infrastructure;

/// <summary>A response to write, in the service's own format.</summary>
public sealed record Reply(int StatusCode, string ContentType, string Body, string? ErrorCode = null)
{
    /// <summary>Response headers the service sends besides the request id (e.g. DynamoDB's <c>x-amz-crc32</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static Reply Json(JsonNode body) => new(200, "application/x-amz-json-1.1", body.ToJsonString());

    /// <summary>JSON 1.1 error: <c>{"__type": "…#Code", "message": "…"}</c>.</summary>
    public static Reply JsonError(int status, string code, string message, string ns = "com.amazonaws.service") =>
        new(status, "application/x-amz-json-1.1",
            new JsonObject { ["__type"] = $"{ns}#{code}", ["message"] = message }.ToJsonString(), code);

    public static Reply Xml(string body) => new(200, "text/xml;charset=UTF-8", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body);

    /// <summary>EC2's error document.</summary>
    public static Reply Ec2Error(int status, string code, string message) =>
        new(status, "text/xml;charset=UTF-8",
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{X(code)}</Code><Message>{X(message)}</Message></Error></Errors><RequestID>{Guid.NewGuid()}</RequestID></Response>",
            code);

    /// <summary>The Query protocol error document STS (and SNS) use.</summary>
    public static Reply QueryError(int status, string code, string message) =>
        new(status, "text/xml",
            $"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{X(code)}</Code><Message>{X(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>",
            code);

    public static string X(string? text) => text is null ? "" : SecurityElement.Escape(text);

    public static string Element(string name, string? value) => value is null ? "" : $"<{name}>{X(value)}</{name}>";

    public static string Element(string name, int? value) => value is null ? "" : $"<{name}>{value}</{name}>";

    public static string Element(string name, bool value) => $"<{name}>{(value ? "true" : "false")}</{name}>";

    public static string Set(string name, IEnumerable<string> items)
    {
        var text = new StringBuilder($"<{name}>");
        foreach (var item in items) text.Append("<item>").Append(item).Append("</item>");
        return text.Append($"</{name}>").ToString();
    }
}

/// <summary>Thrown by a handler to answer with a service error.</summary>
public sealed class ServiceFaultException(Reply reply) : Exception(reply.ErrorCode)
{
    public Reply Reply { get; } = reply;
}

/// <summary>Form-encoded Query parameters (EC2, STS): <c>Name.N.Field</c> lists read by prefix.</summary>
public sealed class QueryParameters
{
    private readonly Dictionary<string, string> values;

    public QueryParameters(string form)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            values[WebUtility.UrlDecode(kv[0])] = kv.Length > 1 ? WebUtility.UrlDecode(kv[1]) : "";
        }
    }

    public string? this[string name] => values.GetValueOrDefault(name);

    public string Action => this["Action"] ?? "";

    /// <summary>Values of <c>{prefix}.1</c>, <c>{prefix}.2</c>… in order.</summary>
    public List<string> List(string prefix)
    {
        var result = new List<string>();
        for (var i = 1; values.TryGetValue($"{prefix}.{i}", out var value); i++) result.Add(value);
        return result;
    }

    /// <summary>The indices N for which some <c>{prefix}.N.*</c> exists, in order.</summary>
    public List<int> Indices(string prefix)
    {
        var result = new List<int>();
        for (var i = 1; values.Keys.Any(k => k.StartsWith($"{prefix}.{i}.", StringComparison.Ordinal)); i++) result.Add(i);
        return result;
    }

    public int? Number(string name) => this[name] is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;
}
