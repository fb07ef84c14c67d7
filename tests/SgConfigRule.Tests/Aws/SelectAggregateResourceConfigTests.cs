using System.Text.Json;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

/// <summary>
/// SelectAggregateResourceConfig on our JSON 1.1 client against the loopback Config: PascalCase request and response
/// (ConfigurationAggregatorName, Expression, Limit, NextToken; Results, QueryInfo.SelectFields, NextToken), rows as JSON
/// texts with `configuration` an object — https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html
/// </summary>
public sealed class SelectAggregateResourceConfigTests
{
    private static async Task<FakeAwsServer> ServerWithGroups(int count)
    {
        var server = await FakeAwsServer.StartAsync();
        var ec2 = new FakeEc2("eu-west-1");
        var items = Enumerable.Range(0, count).Select(i =>
        {
            var group = ec2.AddGroup($"sg-{i:x17}", $"g{i}", ownerId: i % 2 == 0 ? "111111111111" : "222222222222");
            ec2.SetTag(group.GroupId, "team", "net");
            return server.Config.SecurityGroupItem(group, DateTime.UtcNow, "eu-west-1");
        });
        server.Config.Aggregate("org", items);
        return server;
    }

    private static SelectAggregateResourceConfigRequest Query(int? limit = null) => new()
    {
        Expression = "SELECT accountId, awsRegion, resourceId, tags, configuration WHERE resourceType = 'AWS::EC2::SecurityGroup'",
        ConfigurationAggregatorName = "org",
        Limit = limit,
    };

    [Fact]
    public async Task The_paginator_follows_NextToken_at_the_limit_asked_for()
    {
        await using var server = await ServerWithGroups(17);
        var config = new AmazonConfigServiceClient(Options(server));

        var pages = new List<SelectAggregateResourceConfigResponse>();
        await foreach (var page in config.SelectAggregateResourceConfigPages(Query(limit: 7), TestContext.Current.CancellationToken)) pages.Add(page);

        Assert.Equal([7, 7, 3], pages.Select(p => p.Results.Count));
        Assert.Equal(["accountId", "awsRegion", "resourceId", "tags", "configuration"], pages[0].QueryInfo!.SelectFields.Select(f => f.Name));
        using var row = JsonDocument.Parse(pages[0].Results[1]);
        Assert.Equal("222222222222", row.RootElement.GetProperty("accountId").GetString());
        Assert.Equal("eu-west-1", row.RootElement.GetProperty("awsRegion").GetString());
        Assert.Equal(JsonValueKind.Object, row.RootElement.GetProperty("configuration").ValueKind);
        Assert.Equal("team", row.RootElement.GetProperty("tags")[0].GetProperty("key").GetString());
        var sent = server.Calls.Where(c => c.Operation == "SelectAggregateResourceConfig").Select(c => JsonDocument.Parse(c.Body).RootElement).ToList();
        Assert.All(sent, body => Assert.Equal(7, body.GetProperty("Limit").GetInt32()));
        Assert.False(sent[0].TryGetProperty("NextToken", out _));
        Assert.True(sent[1].TryGetProperty("NextToken", out _));
    }

    [Fact]
    public async Task Without_a_limit_the_service_pages_by_25_and_more_than_100_is_refused_before_sending()
    {
        await using var server = await ServerWithGroups(30);
        var config = new AmazonConfigServiceClient(Options(server));
        var first = await config.SelectAggregateResourceConfigAsync(Query(), TestContext.Current.CancellationToken);
        Assert.Equal(25, first.Results.Count);
        Assert.NotNull(first.NextToken);

        await Assert.ThrowsAsync<ArgumentException>(() => config.SelectAggregateResourceConfigAsync(Query(limit: 101), TestContext.Current.CancellationToken));
        Assert.Single(server.Calls);
    }

    [Fact]
    public async Task Errors_carry_the_services_codes_and_throttling_is_retried()
    {
        await using var server = await ServerWithGroups(3);
        var config = new AmazonConfigServiceClient(Options(server));
        var missing = await Assert.ThrowsAsync<AwsServiceException>(() =>
            config.SelectAggregateResourceConfigAsync(Query() with { ConfigurationAggregatorName = "other" }, TestContext.Current.CancellationToken));
        Assert.Equal("NoSuchConfigurationAggregatorException", missing.ErrorCode);
        var invalid = await Assert.ThrowsAsync<AwsServiceException>(() =>
            config.SelectAggregateResourceConfigAsync(Query() with { Expression = "DELETE everything" }, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidExpressionException", invalid.ErrorCode);

        server.Faults.Add(FaultRule.Count("config", "SelectAggregateResourceConfig", FaultKind.Throttle, 2));
        var answer = await config.SelectAggregateResourceConfigAsync(Query(), TestContext.Current.CancellationToken);
        Assert.Equal(3, answer.Results.Count);
        Assert.Equal(2, server.Calls.Count(c => c.ErrorCode == "ThrottlingException"));
    }
}
