using System.Text.Json;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using ConfigEvaluation = SgConfigRule.Aws.ConfigService.Model.Evaluation;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Config;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

/// <summary>Every Config operation through the real HTTP stack against the loopback endpoint, signatures verified.</summary>
public class ConfigServiceClientTests
{
    private static readonly DateTime Capture = new(2026, 3, 2, 10, 15, 4, 512, DateTimeKind.Utc);

    private static ConfigEvaluation Verdict(string id, string compliance, string? annotation = null) => new()
    {
        ComplianceResourceType = ResourceType.AWSEC2SecurityGroup,
        ComplianceResourceId = id,
        ComplianceType = compliance,
        Annotation = annotation,
        OrderingTimestamp = Capture,
    };

    [Fact]
    public async Task PutEvaluations_posts_what_it_is_given_in_pascal_case_with_epoch_seconds()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var config = new AmazonConfigServiceClient(Options(server));
        var response = await config.PutEvaluationsAsync(new PutEvaluationsRequest
        {
            ResultToken = "token-1",
            Evaluations = [Verdict("sg-1", ComplianceType.NON_COMPLIANT, "1 disallowed rule: tcp/22 from 0.0.0.0/0"), Verdict("sg-2", ComplianceType.COMPLIANT)],
        }, TestContext.Current.CancellationToken);

        Assert.Empty(response.FailedEvaluations);
        var stored = server.Config.Evaluations;
        Assert.Equal(2, stored.Count);
        Assert.Equal(("sg-1", "NON_COMPLIANT", "1 disallowed rule: tcp/22 from 0.0.0.0/0", Capture), (stored[0].ResourceId, stored[0].ComplianceType, stored[0].Annotation, stored[0].OrderingTimestamp));
        Assert.Null(stored[1].Annotation);

        var body = JsonDocument.Parse(server.Calls.Single().Body).RootElement;
        Assert.Equal(1772446504.512, body.GetProperty("Evaluations")[0].GetProperty("OrderingTimestamp").GetDouble());
        Assert.False(body.GetProperty("Evaluations")[1].TryGetProperty("Annotation", out _), "a null annotation must be left out, not sent empty");
        Assert.Equal("token-1", body.GetProperty("ResultToken").GetString());
    }

    [Fact]
    public async Task Test_mode_is_validated_but_not_stored()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var config = new AmazonConfigServiceClient(Options(server));
        await config.PutEvaluationsAsync(new PutEvaluationsRequest { ResultToken = "TESTMODE", TestMode = true, Evaluations = [Verdict("sg-1", ComplianceType.COMPLIANT)] }, TestContext.Current.CancellationToken);
        Assert.Empty(server.Config.Evaluations);
        Assert.Contains("\"TestMode\":true", server.Calls.Single().Body);
    }

    [Fact]
    public async Task Failed_evaluations_come_back_to_the_caller()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Config.FailEvaluationFor = id => id == "sg-2";
        var config = new AmazonConfigServiceClient(Options(server));
        var response = await config.PutEvaluationsAsync(new PutEvaluationsRequest { ResultToken = "t", Evaluations = [Verdict("sg-1", "COMPLIANT"), Verdict("sg-2", "COMPLIANT")] }, TestContext.Current.CancellationToken);
        Assert.Equal("sg-2", Assert.Single(response.FailedEvaluations).ComplianceResourceId);
    }

    [Theory]
    [InlineData("bad-token", "COMPLIANT", "InvalidResultTokenException")]
    [InlineData("t", "INSUFFICIENT_DATA", "InvalidParameterValueException")]
    public async Task Service_errors_are_typed_with_the_operation_and_code_and_not_retried(string token, string compliance, string code)
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Config.RejectResultToken("bad-token");
        var config = new AmazonConfigServiceClient(Options(server));
        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            config.PutEvaluationsAsync(new PutEvaluationsRequest { ResultToken = token, Evaluations = [Verdict("sg-1", compliance)] }, TestContext.Current.CancellationToken));
        Assert.Equal(code, e.ErrorCode);
        Assert.Equal("PutEvaluations", e.Operation);
        Assert.Equal("Config Service", e.Service);
        Assert.False(e.IsRetryable);
        Assert.Equal(1, server.CountCalls("config", "PutEvaluations"));
        Assert.Contains($"Config Service PutEvaluations failed with {code} (HTTP 400)", e.Message);
    }

    [Fact]
    public async Task More_than_100_evaluations_are_refused_before_sending()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var config = new AmazonConfigServiceClient(Options(server));
        await Assert.ThrowsAsync<ArgumentException>(() => config.PutEvaluationsAsync(new PutEvaluationsRequest
        {
            ResultToken = "t",
            Evaluations = [.. Enumerable.Range(0, 101).Select(i => Verdict($"sg-{i}", "COMPLIANT"))],
        }, TestContext.Current.CancellationToken));
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task GetResourceConfigHistory_returns_the_api_shape_newest_first_up_to_laterTime()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0123456789abcdef0", "web");
        server.Ec2.AddIngress("sg-0123456789abcdef0", "tcp", 22, 22, FakeAws.Ec2.Ec2Source.Ipv4("203.0.113.7/32"), "ssh");
        server.Ec2.SetTag("sg-0123456789abcdef0", "Team", "web");
        server.Config.RecordAll(server.Ec2, Capture.AddMinutes(-10));
        server.Config.RecordAll(server.Ec2, Capture);
        server.Config.RecordAll(server.Ec2, Capture.AddMinutes(10));
        var config = new AmazonConfigServiceClient(Options(server));

        var history = await config.GetResourceConfigHistoryAsync(new GetResourceConfigHistoryRequest
        {
            ResourceType = ResourceType.AWSEC2SecurityGroup, ResourceId = "sg-0123456789abcdef0", LaterTime = Capture, Limit = 1,
        }, TestContext.Current.CancellationToken);

        var item = Assert.Single(history.ConfigurationItems);
        Assert.Equal(Capture, item.ConfigurationItemCaptureTime);
        Assert.Equal("111122223333", item.AccountId);
        Assert.Equal("web", item.Tags["Team"]);
        Assert.Equal("sg-0123456789abcdef0", JsonDocument.Parse(item.Configuration!).RootElement.GetProperty("groupId").GetString());
        Assert.NotNull(history.NextToken);
        var body = JsonDocument.Parse(server.Calls.Single().Body).RootElement;
        Assert.Equal(["resourceType", "resourceId", "laterTime", "limit"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task GetResourceConfigHistory_of_an_unknown_resource_is_a_typed_error()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var config = new AmazonConfigServiceClient(Options(server));
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => config.GetResourceConfigHistoryAsync(
            new GetResourceConfigHistoryRequest { ResourceType = ResourceType.AWSEC2SecurityGroup, ResourceId = "sg-gone" }, TestContext.Current.CancellationToken));
        Assert.Equal("ResourceNotDiscoveredException", e.ErrorCode);
    }

    [Fact]
    public async Task BatchGetResourceConfig_returns_items_and_unprocessed_keys_and_omits_deleted_groups()
    {
        await using var server = await FakeAwsServer.StartAsync();
        for (var i = 0; i < 5; i++) server.Ec2.AddGroup($"sg-{i:x8}", $"g{i}");
        server.Config.RecordAll(server.Ec2, Capture);
        server.Config.RecordDeletion("sg-00000004", Capture.AddMinutes(1));
        server.Config.LeaveUnprocessedOnNextBatch(1);
        var config = new AmazonConfigServiceClient(Options(server));

        var response = await config.BatchGetResourceConfigAsync(new BatchGetResourceConfigRequest
        {
            ResourceKeys = [.. Enumerable.Range(0, 5).Select(i => new ResourceKey { ResourceType = ResourceType.AWSEC2SecurityGroup, ResourceId = $"sg-{i:x8}" })],
        }, TestContext.Current.CancellationToken);

        Assert.Equal(["sg-00000000", "sg-00000001", "sg-00000002", "sg-00000003"], response.BaseConfigurationItems.Select(i => i.ResourceId));
        Assert.Equal("sg-00000004", Assert.Single(response.UnprocessedResourceKeys).ResourceId);
        Assert.All(response.BaseConfigurationItems, i => Assert.Equal(Capture, i.ConfigurationItemCaptureTime));
    }

    [Fact]
    public async Task ListDiscoveredResources_pages_through_every_group()
    {
        await using var server = await FakeAwsServer.StartAsync();
        for (var i = 0; i < 250; i++) server.Config.Record(new FakeConfigItem(ResourceType.AWSEC2SecurityGroup, $"sg-{i:x8}", $"g{i}", "OK", Capture, "{}", new Dictionary<string, string>(), "111122223333", "us-east-1"));
        var config = new AmazonConfigServiceClient(Options(server));

        var pages = new List<ListDiscoveredResourcesResponse>();
        await foreach (var page in config.ListDiscoveredResourcesPages(new ListDiscoveredResourcesRequest { ResourceType = ResourceType.AWSEC2SecurityGroup }, TestContext.Current.CancellationToken))
        {
            pages.Add(page);
        }
        Assert.Equal([100, 100, 50], pages.Select(p => p.ResourceIdentifiers.Count));
        Assert.Equal(250, pages.SelectMany(p => p.ResourceIdentifiers).Select(r => r.ResourceId).Distinct().Count());
        Assert.Equal(3, server.CountCalls("config", "ListDiscoveredResources"));
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_signature_check()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var config = new AmazonConfigServiceClient(Options(server) with { Credentials = new Amazon.Runtime.BasicAWSCredentials(FakeAwsServer.AccessKey, "wrong") });
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => config.PutEvaluationsAsync(new PutEvaluationsRequest { ResultToken = "t" }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidSignatureException", e.ErrorCode);
        Assert.Empty(server.Config.Evaluations);
    }

    [Fact]
    public async Task Temporary_credentials_carry_their_session_token()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Credentials.Add("ASIATEMPORARY0000001", "temporary-secret", sessionToken: "session-token-1");
        var options = Options(server) with { Credentials = new Amazon.Runtime.SessionAWSCredentials("ASIATEMPORARY0000001", "temporary-secret", "session-token-1") };
        await new AmazonConfigServiceClient(options).PutEvaluationsAsync(new PutEvaluationsRequest { ResultToken = "t", Evaluations = [Verdict("sg-1", "COMPLIANT")] }, TestContext.Current.CancellationToken);
        Assert.Equal("ASIATEMPORARY0000001", server.Calls.Single().AccessKey);

        var wrongToken = options with { Credentials = new Amazon.Runtime.SessionAWSCredentials("ASIATEMPORARY0000001", "temporary-secret", "other") };
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => new AmazonConfigServiceClient(wrongToken).PutEvaluationsAsync(new PutEvaluationsRequest { ResultToken = "t" }, TestContext.Current.CancellationToken));
        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
    }

    [Fact]
    public async Task Credentials_can_come_from_a_named_profile_in_a_credentials_file()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("sgcr-profile-").FullName, "credentials");
        File.WriteAllText(file, $"[audit]\naws_access_key_id = {FakeAwsServer.AccessKey}\naws_secret_access_key = {FakeAwsServer.SecretKey}\n");
        Assert.True(new Amazon.Runtime.CredentialManagement.CredentialProfileStoreChain(file).TryGetAWSCredentials("audit", out var credentials));
        var config = new AmazonConfigServiceClient(Options(server) with { Credentials = credentials });
        await config.ListDiscoveredResourcesAsync(new() { ResourceType = ResourceType.AWSEC2SecurityGroup }, TestContext.Current.CancellationToken);
        Assert.Equal(FakeAwsServer.AccessKey, server.Calls.Single().AccessKey);
    }
}
