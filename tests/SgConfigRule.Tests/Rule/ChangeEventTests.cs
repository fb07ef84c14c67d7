using SgConfigRule.Input;
using System.Text.Json.Nodes;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Rule.Handling;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Rule;

/// <summary>Change-triggered and oversized notifications through the real HTTP stack against the loopback endpoints.</summary>
public class ChangeEventTests
{
    private static readonly DateTime Capture = new(2026, 11, 26, 11, 58, 30, 250, DateTimeKind.Utc);

    [Fact]
    public async Task The_web_server_change_posts_NON_COMPLIANT_with_the_annotation_at_the_capture_time()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        var result = await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture)));

        var posted = Assert.Single(harness.Server.Config.Evaluations);
        Assert.Equal(("AWS::EC2::SecurityGroup", "sg-0f3c6a1e2b4d58a90", "NON_COMPLIANT"), (posted.ResourceType, posted.ResourceId, posted.ComplianceType));
        Assert.Equal("1 disallowed rule: tcp/22 from 203.0.113.7/32 (blocked port 22)", posted.Annotation);
        Assert.Equal(Capture, posted.OrderingTimestamp);
        Assert.Equal("token", posted.ResultToken);
        Assert.False(posted.TestMode);
        Assert.Equal(posted.Annotation, Assert.Single(result.Posted).Annotation);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public async Task The_recorded_real_security_group_event_is_evaluated()
    {
        await using var harness = await RuleHarness.StartAsync();
        var recorded = File.ReadAllText(TestData.Recorded("lambda_events", "c7n__event-config-rule-security-group.json"));
        var eventJson = JsonNode.Parse(recorded)!.AsObject();
        eventJson["ruleParameters"] = "{}";
        var result = await harness.InvokeAsync(eventJson.ToJsonString());
        var posted = Assert.Single(harness.Server.Config.Evaluations);
        Assert.Equal(("sg-e2fb6999", "NON_COMPLIANT", "1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)"), (posted.ResourceId, posted.ComplianceType, posted.Annotation));
        Assert.Equal(new DateTime(2017, 11, 27, 14, 26, 11, 300, DateTimeKind.Utc), posted.OrderingTimestamp);
        Assert.Equal("custodian-sg-exposed-port7", result.ConfigRuleName);
    }

    [Fact]
    public async Task Rule_parameters_change_the_verdict_and_missing_ones_mean_the_defaults()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        var item = harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture);
        await harness.InvokeAsync(RuleHarness.ChangeEvent(item.DeepClone().AsObject(), ruleParameters: """{"sourceScope":"world"}"""));
        Assert.Equal("COMPLIANT", harness.Server.Config.Evaluations.Last().ComplianceType);

        var withoutParameters = JsonNode.Parse(RuleHarness.ChangeEvent(item))!.AsObject();
        withoutParameters.Remove("ruleParameters");
        await harness.InvokeAsync(withoutParameters.ToJsonString());
        Assert.Equal("NON_COMPLIANT", harness.Server.Config.Evaluations.Last().ComplianceType);
    }

    [Fact]
    public async Task A_deleted_group_is_NOT_APPLICABLE()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture, status: "ResourceDeleted")));
        var posted = Assert.Single(harness.Server.Config.Evaluations);
        Assert.Equal(("NOT_APPLICABLE", "Resource deleted"), (posted.ComplianceType, posted.Annotation));
    }

    [Fact]
    public async Task A_group_that_left_the_rules_scope_is_NOT_APPLICABLE()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture), leftScope: true));
        Assert.Equal(("NOT_APPLICABLE", "Resource left the rule's scope"), (harness.Server.Config.Evaluations.Single().ComplianceType, harness.Server.Config.Evaluations.Single().Annotation));
    }

    [Fact]
    public async Task TESTMODE_posts_with_TestMode_and_stores_nothing()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        var result = await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture), resultToken: "TESTMODE"));
        Assert.True(result.TestMode);
        Assert.Single(result.Posted);
        Assert.Empty(harness.Server.Config.Evaluations);
        Assert.Contains("\"TestMode\":true", harness.Server.Calls.Single(c => c.Operation == "PutEvaluations").Body);
    }

    [Fact]
    public async Task An_invalid_result_token_fails_the_invocation_with_the_AWS_error()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        harness.Server.Config.RejectResultToken("expired-token");
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() =>
            harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture), resultToken: "expired-token")));
        Assert.Equal("InvalidResultTokenException", Assert.IsType<AwsServiceException>(e.InnerException).ErrorCode);
        Assert.Empty(e.Result.Posted);
        Assert.Contains("InvalidResultTokenException", e.Message);
    }

    [Fact]
    public async Task A_malformed_item_gets_no_verdict_and_fails_the_invocation_naming_the_group_and_path()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        var item = harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture);
        item["configuration"]!["ipPermissions"]![0]!["fromPort"] = 70000;
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.ChangeEvent(item)));
        var failure = Assert.Single(e.Result.Failures);
        Assert.Equal("sg-0f3c6a1e2b4d58a90", failure.ResourceId);
        Assert.Contains("$.invokingEvent(json).configurationItem.configuration.ipPermissions[0].fromPort", failure.Cause);
        Assert.Empty(harness.Server.Config.Evaluations);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "PutEvaluations");
    }

    [Fact]
    public async Task Malformed_rule_parameters_fail_the_invocation_naming_the_key()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() =>
            harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture), ruleParameters: """{"blockedPorts":"22,ssh"}""")));
        Assert.Contains("rule parameter 'blockedPorts' = '22,ssh'", e.Message);
        Assert.Empty(harness.Server.Calls);
    }

    [Fact]
    public async Task An_oversized_notification_is_evaluated_from_GetResourceConfigHistory()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        harness.Server.Config.RecordAll(harness.Server.Ec2, Capture.AddHours(-1));
        harness.Server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
        harness.Server.Config.RecordAll(harness.Server.Ec2, Capture);
        harness.Server.Config.RecordAll(harness.Server.Ec2, Capture.AddHours(1));

        await harness.InvokeAsync(RuleHarness.OversizedEvent("sg-0f3c6a1e2b4d58a90", Capture));

        var posted = Assert.Single(harness.Server.Config.Evaluations);
        Assert.Equal("2 disallowed rules: tcp/22 from 203.0.113.7/32 (blocked port 22); tcp/3389 from 0.0.0.0/0 (blocked port 3389)", posted.Annotation);
        Assert.Equal(Capture, posted.OrderingTimestamp);
        var request = JsonNode.Parse(harness.Server.Calls.Single(c => c.Operation == "GetResourceConfigHistory").Body)!;
        Assert.Equal(1, request["limit"]!.GetValue<int>());
        Assert.Equal((Capture - DateTime.UnixEpoch).TotalSeconds, request["laterTime"]!.GetValue<double>(), 3);
    }

    [Fact]
    public async Task An_oversized_deletion_or_scope_exit_needs_no_fetch()
    {
        await using var harness = await RuleHarness.StartAsync();
        await harness.InvokeAsync(RuleHarness.OversizedEvent("sg-gone", Capture, status: "ResourceDeleted"));
        await harness.InvokeAsync(RuleHarness.OversizedEvent("sg-out", Capture, leftScope: true));
        Assert.Equal(["NOT_APPLICABLE", "NOT_APPLICABLE"], harness.Server.Config.Evaluations.Select(e => e.ComplianceType));
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "GetResourceConfigHistory");
    }

    [Fact]
    public async Task An_oversized_notification_decides_applicability_as_the_item_reader_does()
    {
        await using var harness = await RuleHarness.StartAsync();
        await harness.InvokeAsync(RuleHarness.OversizedEvent("sg-unrecorded", Capture, status: "ResourceNotRecorded"));
        await harness.InvokeAsync(RuleHarness.OversizedEvent("sg-gone", Capture, status: "ResourceDeletedNotRecorded"));
        Assert.Equal([ItemApplicability.NotRecorded, ItemApplicability.Deleted], harness.Server.Config.Evaluations.Select(e => e.Annotation));
        Assert.All(harness.Server.Config.Evaluations, e => Assert.Equal("NOT_APPLICABLE", e.ComplianceType));
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "GetResourceConfigHistory");

        // A status Config does not document is not guessed at: the invocation fails (Config retries), nothing is posted.
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.OversizedEvent("sg-new", Capture, status: "ResourceArchived")));
        Assert.Contains("unknown configurationItemStatus 'ResourceArchived'", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, harness.Server.Config.Evaluations.Count);
    }

    [Fact]
    public async Task An_oversized_item_Config_does_not_know_fails_the_invocation()
    {
        await using var harness = await RuleHarness.StartAsync();
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.OversizedEvent("sg-unknown", Capture)));
        Assert.Equal("ResourceNotDiscoveredException", Assert.IsType<AwsServiceException>(e.InnerException).ErrorCode);
        Assert.Empty(harness.Server.Config.Evaluations);
    }

    [Fact]
    public async Task Throttled_calls_are_retried_and_the_verdict_still_arrives()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        harness.Server.Faults.Add(FaultRule.Count("config", "PutEvaluations", FaultKind.Throttle, 3));
        await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture)));
        Assert.Single(harness.Server.Config.Evaluations);
        Assert.Equal(4, harness.Server.CountCalls("config", "PutEvaluations"));
    }

    [Fact]
    public async Task Logs_have_one_line_per_evaluation_and_per_invocation_and_no_secrets()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        await harness.InvokeAsync(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture), resultToken: "secret-result-token"));
        var lines = harness.LogLines();
        var evaluation = Assert.Single(lines, l => l["event"]!.GetValue<string>() == "evaluation");
        Assert.Equal(("sg-0f3c6a1e2b4d58a90", "NON_COMPLIANT", 1), (evaluation["resourceId"]!.GetValue<string>(), evaluation["compliance"]!.GetValue<string>(), evaluation["findings"]!.GetValue<int>()));
        Assert.True(evaluation["durationMs"]!.GetValue<double>() >= 0);
        var invocation = Assert.Single(lines, l => l["event"]!.GetValue<string>() == "invocation");
        Assert.Equal(("ConfigurationItemChangeNotification", 1, 1, 0), (invocation["messageType"]!.GetValue<string>(), invocation["evaluations"]!.GetValue<int>(),
            invocation["nonCompliant"]!.GetValue<int>(), invocation["failures"]!.GetValue<int>()));
        var text = harness.LogOutput.ToString();
        Assert.DoesNotContain("secret-result-token", text);
        Assert.DoesNotContain(SgConfigRule.FakeAws.FakeAwsServer.SecretKey, text);
        Assert.DoesNotContain(SgConfigRule.FakeAws.FakeAwsServer.AccessKey, text);
    }

    [Fact]
    public async Task The_stream_handler_returns_what_it_posted()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(RuleHarness.ChangeEvent(harness.ItemFor("sg-0f3c6a1e2b4d58a90", Capture))));
        using var output = await harness.Function.HandleAsync(input);
        var summary = JsonNode.Parse(output)!;
        Assert.Equal("NON_COMPLIANT", summary["evaluations"]![0]!["complianceType"]!.GetValue<string>());
        Assert.Equal("2026-11-26T11:58:30.250Z", summary["evaluations"]![0]!["orderingTimestamp"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"invokingEvent\":\"{\\\"messageType\\\":\\\"ConfigurationSnapshotDeliveryCompleted\\\"}\",\"resultToken\":\"t\"}", "unsupported messageType 'ConfigurationSnapshotDeliveryCompleted'")]
    [InlineData("{\"resultToken\":\"t\"}", "the event has no invokingEvent")]
    [InlineData("{\"invokingEvent\":\"{\\\"messageType\\\":\\\"ScheduledNotification\\\"}\"}", "the event has no resultToken")]
    [InlineData("{\"invokingEvent\":\"{not json\",\"resultToken\":\"t\"}", "$.invokingEvent(json)")]
    [InlineData("[1,2", "the event is not valid JSON")]
    public async Task Events_the_rule_cannot_handle_fail_with_a_reason(string eventJson, string reason)
    {
        await using var harness = await RuleHarness.StartAsync();
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(eventJson));
        Assert.Contains(reason, e.Message);
        Assert.Empty(harness.Server.Config.Evaluations);
    }

    [Fact]
    public async Task The_AWS_documentation_events_are_handled_as_AWS_Config_would_send_them()
    {
        await using var harness = await RuleHarness.StartAsync();
        harness.WebServer();
        harness.Server.Config.RecordAll(harness.Server.Ec2, Capture);

        // The documented periodic event carries placeholder parameters, which the rule refuses by name.
        var periodic = File.ReadAllText(TestData.Recorded("lambda_events", "awsdocs__example_event_periodic.json"));
        var refused = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(periodic));
        Assert.Contains("rule parameter 'myParameterKey'", refused.Message);

        var withParameters = JsonNode.Parse(periodic)!.AsObject();
        withParameters["ruleParameters"] = "{}";
        var swept = await harness.InvokeAsync(withParameters.ToJsonString());
        Assert.Equal("sg-0f3c6a1e2b4d58a90", Assert.Single(swept.Posted).ResourceId);
        Assert.Equal(new DateTime(2016, 7, 13, 21, 50, 0, 373, DateTimeKind.Utc), swept.Posted[0].OrderingTimestamp);

        // The documented oversized event is for an EC2 instance: not applicable, nothing fetched.
        var oversized = JsonNode.Parse(File.ReadAllText(TestData.Recorded("lambda_events", "awsdocs__example_event_oversized-change-triggered.json")))!.AsObject();
        oversized["ruleParameters"] = "{}";
        var result = await harness.InvokeAsync(oversized.ToJsonString());
        Assert.Equal(("i-00000000", "NOT_APPLICABLE"), (result.Posted.Single().ResourceId, result.Posted.Single().ComplianceType));
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "GetResourceConfigHistory");
    }
}
