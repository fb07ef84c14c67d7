using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The SSM Automation document (automation/sg-config-rule-remediation.yaml): valid against the Automation JSON schema
/// of aws-ssm-document-language-service@1.0.0, and executed step by step — with the real revoke function and the
/// document's own Python — on the success, nothing-to-do, dry-run, late-attribution and failure paths.
/// </summary>
public class AutomationDocumentTests
{
    public static string DocumentPath => Path.Combine(TestData.RepositoryRoot, "automation", "sg-config-rule-remediation.yaml");

    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
        ["SecurityGroupId"] = RemediationHarness.WebGroup,
        ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
        // As the deployed remediation passes it; the document's own default is DryRun.
        ["Mode"] = "Revoke",
    };

    private static AutomationRunner Runner(RemediationHarness harness)
    {
        var runner = new AutomationRunner(DocumentPath);
        runner.Functions["sg-config-rule-revoke"] = async payload =>
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
            using var output = await harness.Function.HandleAsync(input);
            return await new StreamReader(output).ReadToEndAsync();
        };
        return runner;
    }

    private static Dictionary<string, string> With(params (string Key, string Value)[] extra)
    {
        var result = new Dictionary<string, string>(Parameters);
        foreach (var (key, value) in extra) result[key] = value;
        return result;
    }

    [Fact]
    public void The_document_is_valid_against_the_Automation_schema()
    {
        var (exitCode, output) = Validate(DocumentPath);
        Assert.True(exitCode == 0, output);
        Assert.Contains("VALID", output);
    }

    [Fact]
    public void The_schema_check_catches_a_broken_document()
    {
        var broken = File.ReadAllText(DocumentPath)
            .Replace("action: aws:executeAwsApi", "action: aws:executeAwsApiX", StringComparison.Ordinal)
            .Replace("    onFailure: step:FailureNotice\n    inputs:\n      FunctionName", "    onFailur: step:FailureNotice\n    inputs:\n      FunctionName", StringComparison.Ordinal);
        var path = Path.Combine(Directory.CreateTempSubdirectory("sgcr-ssm-").FullName, "broken.yaml");
        File.WriteAllText(path, broken);
        var (exitCode, output) = Validate(path);
        Assert.Equal(1, exitCode);
        Assert.Contains("INVALID", output);
        Assert.Contains("action", output);
    }

    [Fact]
    public async Task Success_path_revokes_notifies_and_ends()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var execution = await Runner(harness).RunAsync(Parameters);

        Assert.Equal("Success", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Notify", "Route", "Done"], execution.Steps.Select(s => s.Name));
        var publish = Assert.Single(execution.Published);
        Assert.Equal("SgConfigRule removed tcp/22 from 203.0.113.7/32 on sg-0f3c6a1e2b4d58a90 (Web Server Security Group)", publish.Subject);
        Assert.Equal("json", publish.MessageStructure);
        Assert.Equal("Revoked", publish.Attributes["status"]);
        Assert.Contains("added by arn:aws:iam::111122223333:user/alice", JsonNode.Parse(publish.Message)!["email"]!.GetValue<string>());
        Assert.Equal("Revoked", execution.Outputs["ReadOutcome.Status"]);
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);

        var payload = JsonNode.Parse(execution.LambdaPayloads.Single())!;
        Assert.Equal(("111122223333", "us-east-1", "{}"), (payload["AccountId"]!.GetValue<string>(), payload["Region"]!.GetValue<string>(), payload["RuleParameters"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Nothing_to_do_path_succeeds_quietly_unless_asked_to_notify()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        await harness.RunAsync();
        // A second trigger for a change already handled (the fast path, then AWS Config): recorded, not emailed.
        var quiet = await Runner(harness).RunAsync(Parameters);
        Assert.Equal("Success", quiet.Status);
        Assert.Equal("NothingToRevoke", quiet.Outputs["ReadOutcome.Status"]);
        Assert.Empty(quiet.Published);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Route", "Done"], quiet.Steps.Select(s => s.Name));

        var told = await Runner(harness).RunAsync(With(("NotifyUnchanged", "true")));
        Assert.StartsWith("SgConfigRule: nothing removed on sg-0f3c6a1e2b4d58a90 (nothing disallowed)", told.Published.Single().Subject);
    }

    [Fact]
    public async Task Dry_run_path_changes_nothing()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var execution = await Runner(harness).RunAsync(With(("Mode", "DryRun")));
        Assert.Equal("Success", execution.Status);
        Assert.Equal("DryRun", execution.Outputs["ReadOutcome.Status"]);
        Assert.StartsWith("SgConfigRule dry run: would remove 1 inbound rule", execution.Published.Single().Subject);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Fact]
    public async Task Late_attribution_path_waits_then_sends_who_added_the_rule()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.CloudTrailDelay = TimeSpan.FromMinutes(8);
        await harness.WebServerWithSshAsync();
        var runner = Runner(harness);
        runner.OnSleep = wait => { var late = DateTime.UtcNow + wait; harness.Server.CloudTrail.Now = () => late; };

        var execution = await runner.RunAsync(Parameters);

        Assert.Equal("Success", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Notify", "Route", "WaitForCloudTrail", "Attribute", "ReadAttribution", "AnnounceAttribution", "NotifyAttribution", "Done"],
            execution.Steps.Select(s => s.Name));
        Assert.Equal("PT10M", execution.Sleeps[0]);
        Assert.Equal(2, execution.Published.Count);
        Assert.Contains("not in CloudTrail yet", JsonNode.Parse(execution.Published[0].Message)!["email"]!.GetValue<string>());
        Assert.StartsWith("SgConfigRule: who added the rules removed on", execution.Published[1].Subject);
        Assert.Contains("added by arn:aws:iam::111122223333:user/alice", JsonNode.Parse(execution.Published[1].Message)!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failure_path_notifies_the_error_and_fails_the_execution()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Faults.Add(FaultRule.Always("ec2", "RevokeSecurityGroupIngress", FaultKind.ServerError));
        var execution = await Runner(harness).RunAsync(Parameters);

        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Notify", "Route", "KeepUnannounced", "FailRemediation"], execution.Steps.Select(s => s.Name));
        Assert.False(execution.Steps.Last().Succeeded);
        var publish = Assert.Single(execution.Published);
        Assert.StartsWith("SgConfigRule: remediation FAILED for sg-0f3c6a1e2b4d58a90", publish.Subject);
        Assert.Contains("InternalError", JsonNode.Parse(publish.Message)!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_function_that_crashes_still_notifies_and_fails_the_execution()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var runner = new AutomationRunner(DocumentPath);
        runner.Functions["sg-config-rule-revoke"] = _ => throw new TimeoutException("the function ran out of memory");
        var execution = await runner.RunAsync(Parameters);
        Assert.Equal("Failed", execution.Status);
        Assert.Equal("Failed", execution.Outputs["ReadOutcome.Status"]);
        Assert.Contains("the function ran out of memory", JsonNode.Parse(execution.Published.Single().Message)!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_function_that_cannot_be_invoked_takes_the_failure_path()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var execution = await Runner(harness).RunAsync(With(("FunctionName", "no-such-function")));
        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Remediate", "FailureNotice", "NotifyFailure", "KeepNotice", "FailRemediation"], execution.Steps.Select(s => s.Name));
        Assert.Equal("SgConfigRule: remediation FAILED for sg-0f3c6a1e2b4d58a90", execution.Published.Single().Subject);
    }

    [Theory]
    [InlineData("SecurityGroupId", "sg-123")]
    [InlineData("SecurityGroupId", "i-0123456789abcdef0")]
    [InlineData("Mode", "Delete")]
    [InlineData("AutomationAssumeRole", "SgConfigRuleRole")]
    [InlineData("AttributionWait", "PT2H")]
    public async Task Parameters_are_checked_before_any_step(string parameter, string value)
    {
        await using var harness = await RemediationHarness.StartAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => Runner(harness).RunAsync(With((parameter, value))));
        Assert.Empty(harness.Server.Calls);
    }

    internal static (int ExitCode, string Output) Validate(string documentPath)
    {
        var tools = Path.Combine(TestData.RepositoryRoot, "tests", "tools");
        var schema = Path.Combine(tools, "node_modules", "aws-ssm-document-language-service", "dist", "schema.json");
        Assert.True(File.Exists(schema), $"{schema} is missing: run ./test.sh, which installs tests/tools with npm");
        var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(tools, "validate_automation.py"), schema, documentPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PYENV_VERSION"] = "system";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
