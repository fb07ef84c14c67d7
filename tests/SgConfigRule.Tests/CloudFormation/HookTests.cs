using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.Cli;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Rule.Hook;
using SgConfigRule.Tests.Cli;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// The deploy-time hook (issue 18): requests shaped as the CloudFormation Hooks user guide documents
/// (tests/data/iac/cloudformation/hook, see the README there) get the verdict the deployed group gets from the Config
/// rule and the template gets from `scan` — FAILED/NonCompliant with the Config annotation's words, or SUCCESS — and
/// anything it cannot evaluate is FAILED/InternalFailure, never SUCCESS.
/// </summary>
public sealed class HookTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] GroupRequests =
        ["01-WebServerSg.json", "02-DefaultSg.json", "03-PublicAlbSg.json", "04-LegacyBatchWorkersSg.json", "05-BastionIpv6Sg.json", "06-AppFromCorpVpnSg.json", "07-VendorSftpSg.json"];

    private static byte[] Request(string name) => File.ReadAllBytes(Templates.DataFile(Path.Combine("hook", name)));

    private static HookResponse Invoke(string name, string parameters = "{}") =>
        new HookFunction(parameters, new FixedTime(Now), TextWriter.Null).Invoke(Request(name));

    public static TheoryData<string> Policies() =>
        ["{}", """{"sourceScope":"world"}""", """{"sourceScope":"public"}""", """{"blockedPorts":"","authorizedTcpPorts":"80,443"}""", """{"exemptionTagKey":""}"""];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Each_group_gets_at_deploy_time_the_verdict_and_words_of_the_Config_rule_and_of_scan(string parametersJson)
    {
        var parameters = ParameterParser.Parse(parametersJson);
        var deployed = TemplateEquivalenceTests.DeployedSample();
        var template = Templates.Items(File.ReadAllText(Templates.DataFile("sample-account.yaml")));
        for (var i = 0; i < GroupRequests.Length; i++)
        {
            var config = Evaluator.Evaluate(deployed[i], parameters, Now);
            var scan = Evaluator.Evaluate(template[i], parameters, Now);
            var hook = Invoke(GroupRequests[i], parametersJson);
            var nonCompliant = config.Compliance == Compliance.NonCompliant;
            Assert.Equal(nonCompliant, scan.Compliance == Compliance.NonCompliant);
            Assert.Equal(nonCompliant ? "FAILED" : "SUCCESS", hook.HookStatus);
            Assert.Equal(nonCompliant ? "NonCompliant" : null, hook.ErrorCode);
            Assert.Equal(config.Annotation ?? "compliant", hook.Message);
            Assert.Equal(scan.Annotation ?? "compliant", hook.Message);
        }
    }

    [Fact]
    public async Task The_answer_is_the_documented_shape_and_carries_the_request_token()
    {
        var function = new HookFunction("{}", new FixedTime(Now), TextWriter.Null);
        await using var output = await function.HandleAsync(new MemoryStream(Request("01-WebServerSg.json")));
        var answer = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(["hookStatus", "errorCode", "message", "clientRequestToken"], answer.Select(p => p.Key));
        Assert.Equal("FAILED", answer["hookStatus"]!.GetValue<string>());
        Assert.Equal("NonCompliant", answer["errorCode"]!.GetValue<string>());
        Assert.Equal("4b90a7e4-b790-456b-a937-0cfdfa200000", answer["clientRequestToken"]!.GetValue<string>());
    }

    [Fact]
    public void An_update_that_adds_a_blocked_port_fails_and_a_delete_succeeds()
    {
        var update = Invoke("update-PublicAlbSg-adds-ssh.json");
        Assert.Equal(("FAILED", "NonCompliant", "1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)"), (update.HookStatus, update.ErrorCode, update.Message));
        Assert.Equal("SUCCESS", Invoke("delete-PublicAlbSg.json").HookStatus);
    }

    [Fact]
    public void A_standalone_ingress_rule_is_judged_alone()
    {
        Assert.Equal("SUCCESS", Invoke("02-DefaultSelfIngress.json").HookStatus);
        // Under sourceScope all a group reference counts: its id is the resolved one CloudFormation sends.
        var all = Invoke("02-DefaultSelfIngress.json", """{"sourceScope":"all"}""");
        Assert.Equal("FAILED", all.HookStatus);
        Assert.Equal("1 disallowed rule: all traffic from sg-0a1b2c3d4e5f60718 (blocked ports 22,3389)", all.Message);
    }

    [Theory]
    [InlineData("""{"clientRequestToken": "t1", "actionInvocationPoint": "CREATE_PRE_PROVISION"}""", "$.requestData: missing")]
    [InlineData("""{"clientRequestToken": "t1", "actionInvocationPoint": "CREATE_PRE_PROVISION", "requestData": {"targetName": "AWS::EC2::SecurityGroup", "targetLogicalId": "Sg", "targetModel": {"resourceProperties": {"SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]}}}}""", "Sg: the rule has no source")]
    [InlineData("""{"clientRequestToken": "t1", "actionInvocationPoint": "CREATE_PRE_PROVISION", "requestData": {"targetName": "AWS::EC2::SecurityGroup", "targetLogicalId": "Sg", "targetModel": {"resourceProperties": {"SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/33"}]}}}}""", "Sg: CidrIp: '0.0.0.0/33' is not a CIDR")]
    [InlineData("not json", "the hook request cannot be read")]
    public void What_cannot_be_evaluated_fails_as_an_internal_failure_never_succeeds(string request, string expected)
    {
        var answer = new HookFunction("{}", new FixedTime(Now), TextWriter.Null).Invoke(Encoding.UTF8.GetBytes(request));
        Assert.Equal(("FAILED", "InternalFailure"), (answer.HookStatus, answer.ErrorCode));
        Assert.Contains(expected, answer.Message, StringComparison.Ordinal);
        if (request.StartsWith('{')) Assert.Equal("t1", answer.ClientRequestToken);
    }

    [Fact]
    public void Bad_parameters_fail_every_request_rather_than_pass_it()
    {
        var answer = new HookFunction("""{"sourceScope":"everything"}""", new FixedTime(Now), TextWriter.Null).Invoke(Request("03-PublicAlbSg.json"));
        Assert.Equal(("FAILED", "InternalFailure"), (answer.HookStatus, answer.ErrorCode));
        Assert.StartsWith(HookFunction.ParametersVariable + ": ", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_resource_type_is_not_judged()
    {
        var request = """{"clientRequestToken": "t2", "actionInvocationPoint": "CREATE_PRE_PROVISION", "requestData": {"targetName": "AWS::S3::Bucket", "targetLogicalId": "B", "targetModel": {"resourceProperties": {}}}}""";
        var answer = new HookFunction("{}", new FixedTime(Now), TextWriter.Null).Invoke(Encoding.UTF8.GetBytes(request));
        Assert.Equal("SUCCESS", answer.HookStatus);
    }

    [Fact]
    public void The_function_logs_one_JSON_line_per_request()
    {
        var log = new StringWriter();
        new HookFunction("{}", new FixedTime(Now), log).Invoke(Request("05-BastionIpv6Sg.json"));
        var line = JsonNode.Parse(log.ToString().Trim())!;
        Assert.Equal("BastionIpv6Sg", line["targetLogicalId"]!.GetValue<string>());
        Assert.Equal("FAILED", line["hookStatus"]!.GetValue<string>());
    }

    [Fact]
    public void Invoke_hook_prints_the_answer_and_exits_0_1_or_2()
    {
        var failed = CliRunner.Run("invoke", "hook", Templates.DataFile(Path.Combine("hook", "01-WebServerSg.json")));
        Assert.Equal(ExitCodes.NonCompliant, failed.ExitCode);
        Assert.Equal("NonCompliant", JsonNode.Parse(failed.Out)!["errorCode"]!.GetValue<string>());
        var passed = CliRunner.Run("invoke", "hook", Templates.DataFile(Path.Combine("hook", "01-WebServerSg.json")), "--params", """{"blockedPorts":"3389"}""");
        Assert.Equal(ExitCodes.Clean, passed.ExitCode);
        Assert.Equal("SUCCESS", JsonNode.Parse(passed.Out)!["hookStatus"]!.GetValue<string>());
        var notARequest = CliRunner.Run("invoke", "hook", Templates.DataFile("sample-account.json"));
        Assert.Equal(ExitCodes.InputError, notARequest.ExitCode);
        Assert.Contains("not a hook request: $.actionInvocationPoint: missing or not a string", notARequest.Error, StringComparison.Ordinal);
        var badParameters = CliRunner.Run("invoke", "hook", Templates.DataFile(Path.Combine("hook", "01-WebServerSg.json")), "--params", """{"nope":"1"}""");
        Assert.Equal(ExitCodes.InputError, badParameters.ExitCode);
        Assert.StartsWith("error: --params: ", badParameters.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bootstrap_runs_the_hook_by_its_handler_string()
    {
        Assert.Contains(SgConfigRule.LambdaRuntime.LambdaHandlers.Hook, SgConfigRule.LambdaRuntime.LambdaHandlers.Names);
        Assert.NotNull(SgConfigRule.LambdaRuntime.LambdaHandlers.Create(SgConfigRule.LambdaRuntime.LambdaHandlers.Hook));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
