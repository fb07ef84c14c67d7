using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Deployment;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// The deployed remediation mode is a ceiling the revoke function enforces, whatever a request or a document asks:
/// only an explicit <c>Revoke</c> in its environment lets it revoke, a <c>Revoke</c> request above the ceiling is
/// refused before any EC2 call and the refusal is published, the document's own default only reports, and the
/// templates hand the function the stack's mode.
/// </summary>
public class ModeCeilingTests
{
    private const string Variable = "SGCR_REMEDIATION_MODE";

    [Theory]
    [InlineData(null, RemediationMode.DryRun)]
    [InlineData("", RemediationMode.DryRun)]
    [InlineData("Off", RemediationMode.DryRun)]
    [InlineData("DryRun", RemediationMode.DryRun)]
    [InlineData("revoke", RemediationMode.DryRun)]
    [InlineData("REVOKE", RemediationMode.DryRun)]
    [InlineData("Revoked", RemediationMode.DryRun)]
    [InlineData("Revoke", RemediationMode.Revoke)]
    public void Only_exactly_Revoke_in_the_environment_lets_the_function_revoke(string? value, RemediationMode ceiling)
    {
        Assert.Equal(Variable, RemediationRuntime.RemediationModeVariable);
        var runtime = RemediationRuntime.FromEnvironment(name => name == Variable ? value : null);
        Assert.Equal(ceiling, runtime.ModeCeiling);
    }

    [Fact]
    public async Task A_function_deployed_in_DryRun_refuses_a_Revoke_request_without_calling_EC2_and_publishes_the_refusal()
    {
        await using var harness = await RemediationHarness.StartAsync(configure: DeployedInDryRun);
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.ClearCalls();

        using var output = await harness.Function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(RemediationHarness.Input(mode: "Revoke"))));
        var answer = JsonNode.Parse(output)!;

        Assert.Equal("Failed", answer["Status"]!.GetValue<string>());
        Assert.StartsWith("refused: this function is deployed in DryRun mode", answer["Error"]!.GetValue<string>());
        // The document publishes what the function says needs a person.
        Assert.True(answer["Publish"]!.GetValue<bool>());
        Assert.Equal(0, harness.Ec2Calls());
        Assert.Contains(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.StartsWith("SgConfigRule: remediation FAILED for sg-0f3c6a1e2b4d58a90", answer["Subject"]!.GetValue<string>());
        var email = JsonNode.Parse(answer["Message"]!.GetValue<string>())!["email"]!.GetValue<string>();
        Assert.Contains("refused: this function is deployed in DryRun mode", email);
    }

    [Fact]
    public async Task A_function_deployed_in_DryRun_runs_a_DryRun_request()
    {
        await using var harness = await RemediationHarness.StartAsync(configure: DeployedInDryRun);
        var ssh = await harness.WebServerWithSshAsync();

        var outcome = await harness.RunAsync(mode: "DryRun");

        Assert.Equal(RemediationStatus.DryRun, outcome.Status);
        Assert.Null(outcome.Error);
        Assert.Equal(ssh, Assert.Single(outcome.WouldRevoke).RuleId);
        Assert.True(outcome.Publish);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        Assert.Equal(0, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task A_document_started_without_a_Mode_only_reports()
    {
        // The function would revoke: the document's default is what holds it back.
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        var parameters = new Dictionary<string, string>
        {
            ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
            ["SecurityGroupId"] = RemediationHarness.WebGroup,
            ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
        };

        var execution = await Runner(harness).RunAsync(parameters);

        Assert.Equal("Success", execution.Status);
        Assert.Equal("DryRun", JsonNode.Parse(execution.LambdaPayloads.Single())!["Mode"]!.GetValue<string>());
        Assert.Equal("DryRun", execution.Outputs["ReadOutcome.Status"]);
        var publish = Assert.Single(execution.Published);
        Assert.StartsWith("SgConfigRule dry run: would remove 1 inbound rule on sg-0f3c6a1e2b4d58a90", publish.Subject);
        Assert.Contains("Nothing was changed.", JsonNode.Parse(publish.Message)!["email"]!.GetValue<string>());
        Assert.Contains(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
        Assert.Equal(0, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task A_document_started_with_Mode_Revoke_against_a_function_deployed_in_DryRun_publishes_the_refusal_and_fails()
    {
        await using var harness = await RemediationHarness.StartAsync(configure: DeployedInDryRun);
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.ClearCalls();
        var parameters = new Dictionary<string, string>
        {
            ["AutomationAssumeRole"] = "arn:aws:iam::111122223333:role/sg-config-rule-automation",
            ["SecurityGroupId"] = RemediationHarness.WebGroup,
            ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:sg-config-rule-notifications",
            ["Mode"] = "Revoke",
        };

        var execution = await Runner(harness).RunAsync(parameters);

        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Remediate", "ReadOutcome", "Announce", "Notify", "Route", "KeepUnannounced", "FailRemediation"], execution.Steps.Select(s => s.Name));
        var publish = Assert.Single(execution.Published);
        Assert.Equal("Failed", publish.Attributes["status"]);
        Assert.StartsWith("SgConfigRule: remediation FAILED for sg-0f3c6a1e2b4d58a90", publish.Subject);
        Assert.Contains("refused: this function is deployed in DryRun mode", JsonNode.Parse(publish.Message)!["email"]!.GetValue<string>());
        Assert.Equal(0, harness.Ec2Calls());
        Assert.Contains(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.RuleId == ssh);
    }

    [Theory]
    [InlineData("Revoke", RemediationMode.Revoke)]
    [InlineData("DryRun", RemediationMode.DryRun)]
    [InlineData("Off", RemediationMode.DryRun)]
    public void The_stacks_RemediationMode_is_the_revoke_functions_ceiling(string mode, RemediationMode ceiling)
    {
        var template = CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, "template.yaml"));
        Assert.Equal("""{"Ref":"RemediationMode"}""", Variables(template.Resources["RevokeFunction"]!)[Variable]!.ToJsonString());

        var variables = Variables(template.Render(new Dictionary<string, string> { ["RemediationMode"] = mode }).Resource("RevokeFunction"));
        Assert.Equal(mode, variables[Variable]!.GetValue<string>());
        Assert.Equal(ceiling, FromVariables(variables).ModeCeiling);
    }

    [Fact]
    public void The_central_revoke_functions_ceiling_is_MaxRemediationMode_and_DryRun_by_default()
    {
        var template = CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, "org", "central.yaml"));
        Assert.Equal("""{"Ref":"MaxRemediationMode"}""", Variables(template.Resources["RevokeFunction"]!)[Variable]!.ToJsonString());
        Assert.Equal("DryRun", template.Parameters["MaxRemediationMode"]!["Default"]!.GetValue<string>());

        var byDefault = Variables(template.Render(new Dictionary<string, string> { ["OrganizationId"] = "o-a1b2c3d4e5" }).Resource("RevokeFunction"));
        Assert.Equal("DryRun", byDefault[Variable]!.GetValue<string>());
        Assert.Equal(RemediationMode.DryRun, FromVariables(byDefault).ModeCeiling);

        var revoking = Variables(template.Render(new Dictionary<string, string> { ["OrganizationId"] = "o-a1b2c3d4e5", ["MaxRemediationMode"] = "Revoke" })
            .Resource("RevokeFunction"));
        Assert.Equal("Revoke", revoking[Variable]!.GetValue<string>());
        Assert.Equal(RemediationMode.Revoke, FromVariables(revoking).ModeCeiling);
    }

    private static RemediationRuntime DeployedInDryRun(RemediationRuntime runtime) => runtime with { ModeCeiling = RemediationMode.DryRun };

    private static JsonObject Variables(JsonNode function) => function["Properties"]!["Environment"]!["Variables"]!.AsObject();

    /// <summary>The runtime the function would build from these environment variables.</summary>
    private static RemediationRuntime FromVariables(JsonObject variables) =>
        RemediationRuntime.FromEnvironment(name => variables[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null);

    private static AutomationRunner Runner(RemediationHarness harness)
    {
        var runner = new AutomationRunner(AutomationDocumentTests.DocumentPath);
        runner.Functions["sg-config-rule-revoke"] = async payload =>
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
            using var output = await harness.Function.HandleAsync(input);
            return await new StreamReader(output).ReadToEndAsync();
        };
        return runner;
    }
}
