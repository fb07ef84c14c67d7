using System.Text.Json.Nodes;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Tests.Support;
using static SgConfigRule.Tests.Cli.CliProcess;

namespace SgConfigRule.Tests.Cli;

/// <summary>`invoke rule` and `scan --live`, as separate processes pointed at the loopback endpoints only by AWS_ENDPOINT_URL.</summary>
public class InvokeAndLiveScanTests
{
    private static readonly string RecordedEvent = TestData.Recorded("lambda_events", "c7n__event-config-rule-security-group.json");

    [Fact]
    public async Task Invoke_rule_on_the_recorded_change_event_posts_the_right_evaluation()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var run = await RunAsync(server, null, "invoke", "rule", RecordedEvent, "--params", "{}");

        Assert.True(run.ExitCode == 0, run.Error);
        var posted = Assert.Single(server.Config.Evaluations);
        Assert.Equal(("AWS::EC2::SecurityGroup", "sg-e2fb6999", "NON_COMPLIANT"), (posted.ResourceType, posted.ResourceId, posted.ComplianceType));
        Assert.Equal("1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)", posted.Annotation);
        Assert.Equal(new DateTime(2017, 11, 27, 14, 26, 11, 300, DateTimeKind.Utc), posted.OrderingTimestamp);
        var recordedToken = JsonNode.Parse(File.ReadAllText(RecordedEvent))!["resultToken"]!.GetValue<string>();
        Assert.Equal(recordedToken, posted.ResultToken);

        var printed = JsonNode.Parse(run.Out)!;
        Assert.Equal("NON_COMPLIANT", printed["evaluations"]![0]!["complianceType"]!.GetValue<string>());
        Assert.Contains("\"event\":\"invocation\"", run.Error);
    }

    [Fact]
    public async Task Invoke_rule_params_replace_the_events_parameters_and_are_validated()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var world = await RunAsync(server, null, "invoke", "rule", RecordedEvent, "--params", """{"blockedPorts":"3389"}""");
        Assert.Equal(0, world.ExitCode);
        Assert.Equal("COMPLIANT", server.Config.Evaluations.Single().ComplianceType);

        var typo = await RunAsync(server, null, "invoke", "rule", RecordedEvent, "--params", """{"blockedport":"22"}""");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("did you mean 'blockedPorts'?", typo.Error);
    }

    [Fact]
    public async Task A_failed_invocation_exits_1_and_prints_what_was_posted()
    {
        await using var server = await FakeAwsServer.StartAsync();
        var token = JsonNode.Parse(File.ReadAllText(RecordedEvent))!["resultToken"]!.GetValue<string>();
        server.Config.RejectResultToken(token);
        var run = await RunAsync(server, null, "invoke", "rule", RecordedEvent, "--params", "{}");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("InvalidResultTokenException", run.Error);
        Assert.Empty(JsonNode.Parse(run.Out)!["evaluations"]!.AsArray());
    }

    [Fact]
    public async Task Scan_live_reads_the_account_with_rule_ids_and_resolves_prefix_lists()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0f3c6a1e2b4d58a90", "Web Server Security Group");
        server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
        var ssh = server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "SSH from anywhere");
        server.Ec2.AddGroup("sg-vpn", "app-from-corp-vpn");
        server.Ec2.AddIngress("sg-vpn", "tcp", 22, 22, Ec2Source.PrefixList("pl-0a1b2c3d4e5f67890"));
        server.Ec2.AddPrefixList("pl-0a1b2c3d4e5f67890", "corp-vpn", FakeEc2.DefaultAccount, ("10.8.0.0/16", null));

        var run = await RunAsync(server, null, "scan", "--live", "--format", "json", "--params", """{"sourceScope":"public"}""");

        Assert.True(run.ExitCode == 1, run.Error);
        var results = JsonNode.Parse(run.Out)!["results"]!.AsArray();
        var web = results.Single(r => r!["resourceId"]!.GetValue<string>() == "sg-0f3c6a1e2b4d58a90")!;
        Assert.Equal(ssh.RuleId, web["findings"]![0]!["ruleId"]!.GetValue<string>());
        Assert.Equal("COMPLIANT", results.Single(r => r!["resourceId"]!.GetValue<string>() == "sg-vpn")!["compliance"]!.GetValue<string>());
        Assert.Equal(1, server.CountCalls("ec2", "GetManagedPrefixListEntries"));
        Assert.DoesNotContain(server.Calls, c => c.Operation is "RevokeSecurityGroupIngress" or "AuthorizeSecurityGroupIngress");
    }

    [Fact]
    public async Task Scan_live_reads_in_pages_a_thousand_groups_and_a_hundred_groups_rules_at_a_time()
    {
        await using var server = await FakeAwsServer.StartAsync();
        for (var i = 0; i < 2500; i++)
        {
            server.Ec2.AddGroup($"sg-{i:x17}", $"group-{i}");
            server.Ec2.AddIngress($"sg-{i:x17}", "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
        }

        var run = await RunAsync(server, null, "scan", "--live", "--format", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(2500, JsonNode.Parse(run.Out)!["results"]!.AsArray().Count);
        // The figures of docs/performance.md#api-calls: ⌈N/1000⌉ group pages, ⌈N/100⌉ rule requests, nothing else.
        Assert.Equal(3, server.CountCalls("ec2", "DescribeSecurityGroups"));
        Assert.Equal(25, server.CountCalls("ec2", "DescribeSecurityGroupRules"));
        Assert.Equal(28, server.Calls.Count);
    }

    [Fact]
    public async Task Scan_live_stops_with_exit_2_when_EC2_keeps_failing()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Faults.Add(FaultRule.Always("ec2", "DescribeSecurityGroups", FaultKind.ServerError));
        var run = await RunAsync(server, null, "scan", "--live");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: the scan stopped:", run.Error);
    }

    [Theory]
    [InlineData("scan --live some.json", "give no INPUT files")]
    [InlineData("scan --region eu-west-1", "--region and --profile go with --live")]
    [InlineData("scan --live --profile nosuchprofile", "no profile 'nosuchprofile'")]
    [InlineData("invoke rule /nonexistent/event.json", "/nonexistent/event.json")]
    public async Task Usage_errors_exit_2(string arguments, string message)
    {
        await using var server = await FakeAwsServer.StartAsync();
        var run = await RunAsync(server, null, arguments.Split(' '));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public async Task Invoke_remediation_revokes_the_web_server_SSH_rule_and_succeeds_again_when_run_twice()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0f3c6a1e2b4d58a90", "Web Server Security Group");
        server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
        server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), "SSH from my laptop");
        var payload = WriteTemp("""{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","Mode":"Revoke","RuleParameters":"{}"}""");

        var first = await RunAsync(server, null, "invoke", "remediation", payload);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal("Revoked", JsonNode.Parse(first.Out)!["Status"]!.GetValue<string>());
        Assert.Equal(443, server.Ec2.Rules("sg-0f3c6a1e2b4d58a90").Single().FromPort);

        var second = await RunAsync(server, null, "invoke", "remediation", payload);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("NothingToRevoke", JsonNode.Parse(second.Out)!["Status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_remediation_exits_1_when_the_function_fails_and_2_when_it_refuses_the_payload()
    {
        await using var server = await FakeAwsServer.StartAsync();
        // A payload the function refuses is the user's input error, said before any AWS call.
        var refused = await RunAsync(server, """{"SecurityGroupId":"not-a-group"}""", "invoke", "remediation", "-");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error: -: SecurityGroupId: 'not-a-group' is not a security group id", refused.Error);
        Assert.Empty(server.Calls);

        // A run that fails against AWS is the function's failure: exit 1.
        server.Faults.Add(FaultRule.Always("ec2", "DescribeSecurityGroups", FaultKind.ServerError));
        var failed = await RunAsync(server, """{"SecurityGroupId":"sg-0123456789abcdef0","Mode":"DryRun"}""", "invoke", "remediation", "-");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("error: the remediation failed:", failed.Error);
    }

    /// <summary>A new user's first minute: each mistake is one clear line and exit 2, never a stack trace.</summary>
    [Theory]
    [InlineData("scan --live --region us-east-1", "error: no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile")]
    [InlineData("scan --live --region not_a_region!", "error: 'not_a_region!' is not an AWS Region name (like us-east-1)")]
    [InlineData("scan --live", "error: no AWS region: pass --region or set AWS_REGION")]
    public async Task Scan_live_without_credentials_or_a_valid_Region_says_so_in_one_line(string arguments, string line)
    {
        var run = await RunAsync(null, null, arguments.Split(' '));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(line, run.Error.Trim());
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_remediation_takes_the_payloads_Region_when_none_is_given_elsewhere()
    {
        // No AWS_REGION, no --region: the payload says where the function acts; without credentials it says that, once.
        var payload = WriteTemp("""{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","Mode":"DryRun","Region":"eu-west-1"}""");
        var run = await RunAsync(null, null, "invoke", "remediation", payload);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {payload}: no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile", run.Error.Trim());
    }

    [Theory]
    [InlineData("""{"SecurityGroups":[]}""")]
    [InlineData("[]")]
    public async Task A_scan_of_input_holding_no_groups_is_not_a_clean_result(string content)
    {
        var run = await RunAsync(null, null, "scan", WriteTemp(content));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: nothing was evaluated: the input held no security groups", run.Error);
    }

    [Fact]
    public async Task Invoke_remediation_refuses_a_region_option_that_contradicts_the_payload()
    {
        // The payload names where the function acts; a different --region would sign for one Region and report another.
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup("sg-0f3c6a1e2b4d58a90", "Web Server Security Group");
        server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"));
        var payload = WriteTemp("""{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","Mode":"Revoke","Region":"us-east-1"}""");
        var run = await RunAsync(server, null, "invoke", "remediation", payload, "--region", "eu-west-1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the payload names Region us-east-1 and --region says eu-west-1", run.Error);
        Assert.DoesNotContain(server.Calls, c => c.Service == "ec2");
        Assert.Single(server.Ec2.Rules("sg-0f3c6a1e2b4d58a90"));
    }

    private static string WriteTemp(string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("sgcr-payload-").FullName, "payload.json");
        File.WriteAllText(path, content);
        return path;
    }
}
