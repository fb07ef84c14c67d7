using System.Text.Json.Nodes;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Aws.SimpleNotificationService;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.Tests.Aws;

/// <summary>
/// SNS Publish over AWS JSON 1.0 against the loopback SNS: what the central revoke function will publish with in an
/// organization (issue 15, finding 2), signed for SNS in the Region asked for, with SNS's own errors.
/// </summary>
public sealed class SnsWireTests
{
    private const string Topic = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_notice_is_published_with_its_subject_json_texts_and_status_attribute()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Sns.AddTopic(Topic);
        var sns = new AmazonSimpleNotificationServiceClient(AwsTestSupport.Options(server));
        var message = new JsonObject { ["default"] = "removed tcp/22", ["email"] = "removed tcp/22 from 0.0.0.0/0" }.ToJsonString();

        var response = await sns.PublishAsync(new PublishRequest
        {
            TopicArn = Topic,
            Subject = "SgConfigRule removed tcp/22 from 0.0.0.0/0 on sg-0123456789abcdef0",
            Message = message,
            MessageStructure = "json",
            MessageAttributes = new() { ["status"] = new MessageAttributeValue { DataType = "String", StringValue = "Revoked" } },
        }, Cancel);

        var published = Assert.Single(server.Sns.Published);
        Assert.Equal(response.MessageId, published.MessageId);
        Assert.Equal((Topic, "json", message, "Revoked"), (published.TopicArn, published.MessageStructure, published.Message, published.Attributes["status"]));
        var call = Assert.Single(server.Calls, c => c.Service == "sns");
        Assert.Equal(("Publish", "us-east-1"), (call.Operation, call.Region));
    }

    [Fact]
    public async Task A_missing_topic_is_SNSs_NotFound_and_is_not_retried()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var sns = new AmazonSimpleNotificationServiceClient(AwsTestSupport.Options(server));
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest { TopicArn = Topic, Message = "x" }, Cancel));
        Assert.Equal("NotFound", error.ErrorCode);
        Assert.False(error.IsRetryable);
        Assert.Single(server.Calls, c => c.Service == "sns");
    }

    [Fact]
    public async Task A_message_attribute_without_a_data_type_is_refused_as_SNS_refuses_it()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Sns.AddTopic(Topic);
        var sns = new AmazonSimpleNotificationServiceClient(AwsTestSupport.Options(server));
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest
        {
            TopicArn = Topic, Message = "x",
            MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["status"] = new() { DataType = "", StringValue = "Revoked" } },
        }, Cancel));
        Assert.Equal("ParameterValueInvalid", error.ErrorCode);
        Assert.Empty(server.Sns.Published);
    }

    [Fact]
    public async Task A_throttled_publish_is_retried_until_it_lands()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Sns.AddTopic(Topic);
        server.Faults.Add(FaultRule.Count("sns", "Publish", FaultKind.Throttle, 2));
        var sns = new AmazonSimpleNotificationServiceClient(AwsTestSupport.Options(server));
        await sns.PublishAsync(new PublishRequest { TopicArn = Topic, Message = "x" }, Cancel);
        Assert.Single(server.Sns.Published);
        Assert.Equal(3, server.CountCalls("sns", "Publish"));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task A_subject_SNS_would_refuse_is_refused_before_any_call(int length)
    {
        await using var server = await FakeAwsServer.StartAsync();
        var sns = new AmazonSimpleNotificationServiceClient(AwsTestSupport.Options(server));
        var subject = length < 0 ? "two\nlines" : new string('s', length);
        await Assert.ThrowsAsync<ArgumentException>(() => sns.PublishAsync(new PublishRequest { TopicArn = Topic, Message = "x", Subject = subject }, Cancel));
        Assert.Empty(server.Calls);
    }

    [Fact]
    public void The_endpoint_follows_AWS_ENDPOINT_URL_SNS_and_signs_for_the_Region_asked_for()
    {
        var client = new AmazonSimpleNotificationServiceClient(AwsTestSupport.FromEnvironment(new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_SNS"] = "http://127.0.0.1:4566",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
        }));
        Assert.Equal(("http://127.0.0.1:4566/", "eu-west-1", "sns", true),
            (client.Endpoint.Url.ToString(), client.Endpoint.SigningRegion, client.Endpoint.SigningName, client.Endpoint.IsOverride));
        var regional = new AmazonSimpleNotificationServiceClient(AwsTestSupport.FromEnvironment(new Dictionary<string, string>()));
        Assert.Equal("https://sns.eu-west-1.amazonaws.com/", regional.Endpoint.Url.ToString());
    }
}
