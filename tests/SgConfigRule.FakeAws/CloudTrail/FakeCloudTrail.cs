using System.Globalization;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.FakeAws.Infrastructure.Reply;

namespace SgConfigRule.FakeAws.CloudTrail;

/// <summary>A management event as CloudTrail's event history holds it; <see cref="VisibleAt"/> models delivery lag.</summary>
public sealed record TrailEvent(
    string EventId,
    string EventName,
    DateTime EventTime,
    string? Username,
    string? AccessKeyId,
    IReadOnlyList<(string Type, string Name)> Resources,
    string CloudTrailEvent,
    string EventSource = "ec2.amazonaws.com",
    bool ReadOnly = false)
{
    public DateTime VisibleAt { get; init; } = DateTime.MinValue;
}

/// <summary>CloudTrail LookupEvents over JSON 1.1: one lookup attribute, time window, newest first, paginated.</summary>
public sealed class FakeCloudTrail
{
    private const string Ns = "com.amazonaws.cloudtrail.v20131101";
    private readonly Lock gate = new();
    private readonly List<TrailEvent> events = [];
    private readonly Dictionary<string, (string Query, int Offset)> tokens = new(StringComparer.Ordinal);

    public Func<DateTime> Now { get; set; } = () => DateTime.UtcNow;

    public void Add(TrailEvent trailEvent)
    {
        lock (gate) events.Add(trailEvent);
    }

    /// <summary>Every event recorded so far, visible or not (what a trail would deliver to EventBridge).</summary>
    public IReadOnlyList<TrailEvent> Events
    {
        get
        {
            lock (gate) return [.. events];
        }
    }

    public Reply Handle(string operation, JsonObject body)
    {
        if (operation != "LookupEvents") return JsonError(400, "UnknownOperationException", $"Unknown operation {operation}", Ns);
        var attributes = body["LookupAttributes"]?.AsArray() ?? [];
        if (attributes.Count > 1) return JsonError(400, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute", Ns);
        var maxResults = body["MaxResults"]?.GetValue<int>() ?? 50;
        if (maxResults is < 1 or > 50) return JsonError(400, "InvalidMaxResultsException", "MaxResults must be 1-50", Ns);
        var start = body["StartTime"] is { } s ? Epoch(s) : DateTime.MinValue;
        var end = body["EndTime"] is { } e ? Epoch(e) : DateTime.MaxValue;
        if (start > end) return JsonError(400, "InvalidTimeRangeException", "StartTime is after EndTime", Ns);
        string? key = null, value = null;
        if (attributes.Count == 1)
        {
            key = attributes[0]!["AttributeKey"]?.GetValue<string>();
            value = attributes[0]!["AttributeValue"]?.GetValue<string>();
            if (key is not ("EventId" or "EventName" or "ReadOnly" or "Username" or "ResourceType" or "ResourceName" or "EventSource" or "AccessKeyId") || string.IsNullOrEmpty(value))
            {
                return JsonError(400, "InvalidLookupAttributesException", $"Invalid lookup attribute {key}", Ns);
            }
        }
        var query = $"{key}|{value}|{start:O}|{end:O}|{maxResults}";
        var offset = 0;
        lock (gate)
        {
            if (body["NextToken"]?.GetValue<string>() is { } token)
            {
                if (!tokens.TryGetValue(token, out var saved) || saved.Query != query)
                {
                    return JsonError(400, "InvalidNextTokenException", "A token was sent with parameters different from the first call", Ns);
                }
                offset = saved.Offset;
            }
            var now = Now();
            var matching = events.Where(ev => ev.VisibleAt <= now && ev.EventTime >= start && ev.EventTime <= end && Matches(ev, key, value))
                .OrderByDescending(ev => ev.EventTime).ToList();
            var page = matching.Skip(offset).Take(maxResults).ToList();
            var response = new JsonObject { ["Events"] = new JsonArray([.. page.Select(ToJson)]) };
            if (offset + page.Count < matching.Count)
            {
                var next = Guid.NewGuid().ToString("N");
                tokens[next] = (query, offset + page.Count);
                response["NextToken"] = next;
            }
            return Json(response);
        }
    }

    private static bool Matches(TrailEvent ev, string? key, string? value) => key switch
    {
        null => true,
        "EventId" => ev.EventId == value,
        "EventName" => ev.EventName == value,
        "Username" => ev.Username == value,
        "AccessKeyId" => ev.AccessKeyId == value,
        "EventSource" => ev.EventSource == value,
        "ReadOnly" => string.Equals(ev.ReadOnly.ToString(), value, StringComparison.OrdinalIgnoreCase),
        "ResourceName" => ev.Resources.Any(r => r.Name == value),
        "ResourceType" => ev.Resources.Any(r => r.Type == value),
        _ => false,
    };

    private static JsonNode ToJson(TrailEvent ev) => new JsonObject
    {
        ["EventId"] = ev.EventId,
        ["EventName"] = ev.EventName,
        ["ReadOnly"] = ev.ReadOnly ? "true" : "false",
        ["AccessKeyId"] = ev.AccessKeyId,
        ["EventTime"] = Math.Round((ev.EventTime - DateTime.UnixEpoch).TotalMilliseconds) / 1000.0,
        ["EventSource"] = ev.EventSource,
        ["Username"] = ev.Username,
        ["Resources"] = new JsonArray([.. ev.Resources.Select(r => (JsonNode)new JsonObject { ["ResourceType"] = r.Type, ["ResourceName"] = r.Name })]),
        ["CloudTrailEvent"] = ev.CloudTrailEvent,
    };

    private static DateTime Epoch(JsonNode node) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Round(node.GetValue<double>() * TimeSpan.TicksPerSecond));

    public static string Iso(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
