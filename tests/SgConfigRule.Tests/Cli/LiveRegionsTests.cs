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
        // Each Region's calls were signed for that Region, and a Region named twice was read once.
        var describe = server.Calls.Where(c => c.Operation == "DescribeSecurityGroups").Select(c => c.Region).ToList();
        Assert.Equal(["us-east-1", "eu-west-1"], describe);
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
