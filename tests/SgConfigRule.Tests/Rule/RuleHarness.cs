using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Rule;
using SgConfigRule.Rule.Handling;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Rule;

/// <summary>The rule function wired to a loopback AWS server, with a fixed clock and captured logs.</summary>
internal sealed class RuleHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private RuleHarness(FakeAwsServer server)
    {
        Server = server;
        Function = new RuleFunction(new RuleRuntime(AwsTestSupport.Options(server), Clock, LogOutput.Writer));
        // The loopback Config stamps ResultRecordedTime with the function's clock, so "days since recorded" is in one time.
        server.Config.Clock = () => Clock.GetUtcNow().UtcDateTime;
    }

    /// <summary>The function's clock: <see cref="Now"/> until a test moves it.</summary>
    public MovableClock Clock { get; } = new(Now);

    public FakeAwsServer Server { get; }
    public RuleFunction Function { get; }
    /// <summary>The function's log lines: each invocation has its own <c>RuleLog</c> (and lock), so concurrent invocations write at once.</summary>
    public LogCapture LogOutput { get; } = new();

    public static async Task<RuleHarness> StartAsync(int seed = 1234) => new(await FakeAwsServer.StartAsync(seed));

    public Task<RuleInvocationResult> InvokeAsync(string eventJson) =>
        Function.InvokeAsync(Encoding.UTF8.GetBytes(eventJson), TestContext.Current.CancellationToken);

    public IReadOnlyList<JsonObject> LogLines() =>
        [.. LogOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject())];

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    // ---- events ----

    public static string ChangeEvent(JsonObject configurationItem, string resultToken = "token", string ruleParameters = "{}", bool leftScope = false,
                                     string accountId = FakeEc2.DefaultAccount, string ruleName = "sg-config-rule") =>
        RuleEvent(new JsonObject
        {
            ["configurationItemDiff"] = null,
            ["configurationItem"] = configurationItem,
            ["notificationCreationTime"] = "2026-11-26T11:59:00.000Z",
            ["messageType"] = "ConfigurationItemChangeNotification",
            ["recordVersion"] = "1.3",
        }, resultToken, ruleParameters, leftScope, accountId, ruleName);

    public static string ScheduledEvent(string resultToken = "token", string ruleParameters = "{}", string accountId = FakeEc2.DefaultAccount,
                                        string ruleName = "sg-config-rule", string notificationTime = "2026-11-26T11:00:00.000Z") =>
        RuleEvent(new JsonObject
        {
            ["awsAccountId"] = accountId,
            ["notificationCreationTime"] = notificationTime,
            ["messageType"] = "ScheduledNotification",
            ["recordVersion"] = "1.0",
        }, resultToken, ruleParameters, false, accountId, ruleName);

    public static string OversizedEvent(string groupId, DateTime capture, string status = "OK", string resultToken = "token", bool leftScope = false) =>
        RuleEvent(new JsonObject
        {
            ["configurationItemSummary"] = new JsonObject
            {
                ["changeType"] = "UPDATE",
                ["configurationItemVersion"] = "1.3",
                ["configurationItemCaptureTime"] = capture.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["configurationStateId"] = 0,
                ["awsAccountId"] = FakeEc2.DefaultAccount,
                ["configurationItemStatus"] = status,
                ["resourceType"] = "AWS::EC2::SecurityGroup",
                ["resourceId"] = groupId,
                ["resourceName"] = null,
                ["ARN"] = $"arn:aws:ec2:us-east-1:{FakeEc2.DefaultAccount}:security-group/{groupId}",
                ["awsRegion"] = "us-east-1",
            },
            ["notificationCreationTime"] = "2026-11-26T11:59:00.000Z",
            ["messageType"] = "OversizedConfigurationItemChangeNotification",
            ["recordVersion"] = "1.3",
        }, resultToken, "{}", leftScope, FakeEc2.DefaultAccount, "sg-config-rule");

    private static string RuleEvent(JsonObject invoking, string resultToken, string ruleParameters, bool leftScope, string accountId, string ruleName) =>
        new JsonObject
        {
            ["configRuleId"] = "config-rule-abc123",
            ["version"] = "1.0",
            ["configRuleName"] = ruleName,
            ["configRuleArn"] = $"arn:aws:config:us-east-1:{accountId}:config-rule/config-rule-abc123",
            ["invokingEvent"] = invoking.ToJsonString(),
            ["resultToken"] = resultToken,
            ["eventLeftScope"] = leftScope,
            ["ruleParameters"] = ruleParameters,
            ["executionRoleArn"] = $"arn:aws:iam::{accountId}:role/config-role",
            ["accountId"] = accountId,
        }.ToJsonString();

    /// <summary>An event-form configuration item for a group as it stands in the fake EC2.</summary>
    public JsonObject ItemFor(string groupId, DateTime capture, string status = "OK") => ItemFor(Server, groupId, capture, status);

    /// <summary>The configuration item of a group of the loopback EC2, in the form a change notification carries.</summary>
    public static JsonObject ItemFor(FakeAwsServer server, string groupId, DateTime capture, string status = "OK")
    {
        var item = server.Config.SecurityGroupItem(server.Ec2.FindGroup(groupId)!, capture);
        return new JsonObject
        {
            ["configurationItemCaptureTime"] = capture.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["configurationItemStatus"] = status,
            ["configurationStateId"] = 1,
            ["awsAccountId"] = item.AccountId,
            ["resourceType"] = item.ResourceType,
            ["resourceId"] = item.ResourceId,
            ["resourceName"] = item.ResourceName,
            ["ARN"] = $"arn:aws:ec2:us-east-1:{item.AccountId}:security-group/{item.ResourceId}",
            ["awsRegion"] = "us-east-1",
            ["availabilityZone"] = "Not Applicable",
            ["tags"] = new JsonObject([.. item.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]),
            ["configuration"] = status == "OK" ? JsonNode.Parse(item.Configuration!) : null,
            ["relationships"] = new JsonArray(),
            ["supplementaryConfiguration"] = new JsonObject(),
        };
    }

    public void WebServer(string groupId = "sg-0f3c6a1e2b4d58a90")
    {
        Server.Ec2.AddGroup(groupId, "Web Server Security Group", "Allow HTTPS from anywhere");
        Server.Ec2.AddIngress(groupId, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS from anywhere");
        Server.Ec2.AddIngress(groupId, "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), "SSH from my laptop");
    }

    /// <summary>A clock that stands still until it is set or advanced (timers still run on real time).</summary>
    internal sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        private long ticks = start.UtcTicks;

        public DateTimeOffset UtcNow
        {
            get => new(Interlocked.Read(ref ticks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref ticks, value.UtcTicks);
        }

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => UtcNow;
    }
}
