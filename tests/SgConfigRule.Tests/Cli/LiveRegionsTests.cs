using System.Text.Json.Nodes;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;

namespace SgConfigRule.Tests.Cli;

/// <summary>`scan --live --region a,b`: every Region read, each result naming its Region; names checked before any call (issue 17).</summary>
public sealed class LiveRegionsTests
{
    [Fact]
    public async Task Several_Regions_are_read_and_each_result_names_its_Region()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2In("us-east-1").AddGroup("sg-0000000000000e1a1", "east");
        server.Ec2In("us-east-1").AddIngress("sg-0000000000000e1a1", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        server.Ec2In("eu-west-1").AddGroup("sg-0000000000000e2b2", "west");

        var run = await CliProcess.RunAsync(server, null, "scan", "--live", "--region", "us-east-1, eu-west-1,us-east-1", "--format", "json");

        Assert.True(run.ExitCode == 1, run.Error);
        var results = JsonNode.Parse(run.Out)!["results"]!.AsArray();
        Assert.Equal([("sg-0000000000000e1a1", "us-east-1", "NON_COMPLIANT"), ("sg-0000000000000e2b2", "eu-west-1", "COMPLIANT")],
            results.Select(r => (r!["resourceId"]!.GetValue<string>(), r["region"]!.GetValue<string>(), r["compliance"]!.GetValue<string>())));
        // Each Region's calls were signed for that Region, and a Region named twice was read once (the Regions at once).
        var describe = server.Calls.Where(c => c.Operation == "DescribeSecurityGroups").Select(c => c.Region).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["eu-west-1", "us-east-1"], describe);
    }

    [Fact]
    public async Task All_reads_every_Region_EC2_names_as_enabled()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.EnabledRegions.Clear();
        server.Ec2.EnabledRegions.AddRange(["eu-west-1", "ap-southeast-2"]);
        server.Ec2In("eu-west-1").AddGroup("sg-0000000000000e2b2", "west");
        server.Ec2In("ap-southeast-2").AddGroup("sg-0000000000000a3c3", "sydney");
        server.Ec2.AddGroup("sg-0000000000000e1a1", "east, not enabled here");

        var run = await CliProcess.RunAsync(server, null, "scan", "--live", "--region", "all", "--format", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var results = JsonNode.Parse(run.Out)!["results"]!.AsArray();
        Assert.Equal([("sg-0000000000000a3c3", "ap-southeast-2"), ("sg-0000000000000e2b2", "eu-west-1")],
            results.Select(r => (r!["resourceId"]!.GetValue<string>(), r["region"]!.GetValue<string>())));
        Assert.Equal(1, server.CountCalls("ec2", "DescribeRegions"));
    }

    [Fact]
    public async Task All_without_a_Region_to_ask_says_so()
    {
        var run = await CliProcess.RunAsync(null, null, "scan", "--live", "--region", "all");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --region all asks EC2 which Regions are enabled, and needs a Region to ask: set AWS_REGION or the profile's region", run.Error.Trim());
    }

    [Fact]
    public async Task A_bad_Region_name_among_several_stops_before_any_call()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var run = await CliProcess.RunAsync(server, null, "scan", "--live", "--region", "us-east-1,not a region!");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: 'not a region!' is not an AWS Region name (like us-east-1)", run.Error.Trim());
        Assert.Empty(server.Calls);
    }
}
