using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.FakeAws.Sns;

/// <summary>A message SNS accepted.</summary>
public sealed record FakeSnsMessage(string MessageId, string TopicArn, string? Subject, string Message, string? MessageStructure,
                                    IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// SNS over AWS JSON 1.0 (target prefix SNS_20100331), query-compatible: errors carry <c>x-amzn-query-error</c>. Publish
/// only, to topics the test created; it checks what SNS checks (the subject, a json message structure's default).
/// </summary>
public sealed class FakeSns
{
    private const string Ns = "com.amazonaws.sns";
    private readonly ConcurrentDictionary<string, bool> topics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeSnsMessage> published = new();

    public void AddTopic(string topicArn) => topics[topicArn] = true;

    public IReadOnlyList<FakeSnsMessage> Published => [.. published];

    public Reply Handle(string operation, JsonObject body) => operation switch
    {
        "Publish" => Publish(body),
        _ => Error(400, "InvalidAction", $"Unknown operation {operation}"),
    };

    private Reply Publish(JsonObject body)
    {
        var topic = body["TopicArn"]?.GetValue<string>();
        var message = body["Message"]?.GetValue<string>();
        var subject = body["Subject"]?.GetValue<string>();
        var structure = body["MessageStructure"]?.GetValue<string>();
        if (string.IsNullOrEmpty(message)) return Error(400, "InvalidParameter", "Invalid parameter: Empty message");
        if (topic is null || !topics.ContainsKey(topic)) return Error(404, "NotFound", "Topic does not exist");
        if (subject is not null && (subject.Length is 0 or > 100 || subject.Any(char.IsControl)))
        {
            return Error(400, "InvalidParameter", "Invalid parameter: Subject");
        }
        if (structure == "json")
        {
            JsonObject? texts = null;
            try { texts = JsonNode.Parse(message) as JsonObject; } catch (System.Text.Json.JsonException) { texts = null; }
            if (texts?["default"] is null) return Error(400, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body");
        }
        foreach (var (name, value) in body["MessageAttributes"] as JsonObject ?? [])
        {
            // SNS refuses an attribute without one of its data types, or a String one without a value.
            var type = value?["DataType"]?.GetValue<string>();
            if (type is not ("String" or "String.Array" or "Number" or "Binary") || (type.StartsWith("String", StringComparison.Ordinal) && value?["StringValue"] is null))
            {
                return Error(400, "ParameterValueInvalid", $"The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }
        }
        var attributes = (body["MessageAttributes"] as JsonObject ?? [])
            .ToDictionary(a => a.Key, a => a.Value?["StringValue"]?.GetValue<string>() ?? "", StringComparer.Ordinal);
        var id = Guid.NewGuid().ToString();
        published.Enqueue(new FakeSnsMessage(id, topic, subject, message, structure, attributes));
        return Reply.Json(new JsonObject { ["MessageId"] = id }) with { ContentType = "application/x-amz-json-1.0" };
    }

    private static Reply Error(int status, string code, string message) =>
        Reply.JsonError(status, code, message, Ns) with
        {
            ContentType = "application/x-amz-json-1.0",
            Headers = new Dictionary<string, string> { ["x-amzn-query-error"] = $"{code};Sender" },
        };
}
