using System.Text.Json;
using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.Aws.CloudTrail.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.CloudTrail;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

public class CloudTrailClientTests
{
    private static readonly DateTime Start = new(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc);

    private static TrailEvent Authorize(string groupId, int minute, string user = "alice") => new(
        EventId: Guid.NewGuid().ToString(),
        EventName: "AuthorizeSecurityGroupIngress",
        EventTime: Start.AddMinutes(minute),
        Username: user,
        AccessKeyId: "AKIAEXAMPLEUSER00001",
        Resources: [("AWS::EC2::SecurityGroup", groupId)],
        CloudTrailEvent: "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"" + user +
                         "\"},\"eventName\":\"AuthorizeSecurityGroupIngress\",\"requestParameters\":{\"groupId\":\"" + groupId + "\"}}");

    [Fact]
    public async Task LookupEvents_by_resource_name_returns_the_groups_events_newest_first_with_the_full_record()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.CloudTrail.Add(Authorize("sg-1", 1, "alice"));
        server.CloudTrail.Add(Authorize("sg-2", 2, "bob"));
        server.CloudTrail.Add(Authorize("sg-1", 3, "carol"));
        var trail = new AmazonCloudTrailClient(Options(server));

        var response = await trail.LookupEventsAsync(new LookupEventsRequest
        {
            LookupAttributes = [new LookupAttribute { AttributeKey = LookupAttributeKey.ResourceName, AttributeValue = "sg-1" }],
            StartTime = Start,
            EndTime = Start.AddHours(1),
        }, TestContext.Current.CancellationToken);

        Assert.Equal(["carol", "alice"], response.Events.Select(e => e.Username));
        Assert.Equal(Start.AddMinutes(3), response.Events[0].EventTime);
        Assert.Equal("sg-1", response.Events[0].Resources.Single().ResourceName);
        Assert.Equal("carol", JsonDocument.Parse(response.Events[0].CloudTrailEvent!).RootElement.GetProperty("userIdentity").GetProperty("userName").GetString());
        var body = JsonDocument.Parse(server.Calls.Single().Body).RootElement;
        Assert.Equal(Start.Subtract(DateTime.UnixEpoch).TotalSeconds, body.GetProperty("StartTime").GetDouble());
        Assert.Equal("ResourceName", body.GetProperty("LookupAttributes")[0].GetProperty("AttributeKey").GetString());
    }

    [Fact]
    public async Task Pages_are_followed_with_the_same_parameters()
    {
        await using var server = await FakeAwsServer.StartAsync();
        for (var i = 0; i < 120; i++) server.CloudTrail.Add(Authorize("sg-1", i));
        var trail = new AmazonCloudTrailClient(Options(server));
        var events = new List<Event>();
        await foreach (var page in trail.LookupEventsPages(new LookupEventsRequest
        {
            LookupAttributes = [new LookupAttribute { AttributeKey = LookupAttributeKey.ResourceName, AttributeValue = "sg-1" }],
            MaxResults = 50,
        }, cancellationToken: TestContext.Current.CancellationToken))
        {
            events.AddRange(page.Events);
        }
        Assert.Equal(120, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(3, server.CountCalls("cloudtrail", "LookupEvents"));
    }

    [Fact]
    public async Task Events_not_yet_delivered_are_not_returned()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.CloudTrail.Add(Authorize("sg-1", 1) with { VisibleAt = DateTime.UtcNow.AddMinutes(5) });
        var trail = new AmazonCloudTrailClient(Options(server));
        var response = await trail.LookupEventsAsync(new LookupEventsRequest
        {
            LookupAttributes = [new LookupAttribute { AttributeKey = LookupAttributeKey.ResourceName, AttributeValue = "sg-1" }],
        }, TestContext.Current.CancellationToken);
        Assert.Empty(response.Events);
    }

    [Fact]
    public async Task Two_lookup_attributes_are_refused_before_sending_and_service_errors_are_typed()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var trail = new AmazonCloudTrailClient(Options(server));
        await Assert.ThrowsAsync<ArgumentException>(() => trail.LookupEventsAsync(new LookupEventsRequest
        {
            LookupAttributes = [new() { AttributeKey = "ResourceName", AttributeValue = "sg-1" }, new() { AttributeKey = "EventName", AttributeValue = "x" }],
        }, TestContext.Current.CancellationToken));
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => trail.LookupEventsAsync(new LookupEventsRequest { MaxResults = 500 }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidMaxResultsException", e.ErrorCode);
        Assert.Equal("LookupEvents", e.Operation);
        Assert.Equal("CloudTrail", e.Service);
    }
}
