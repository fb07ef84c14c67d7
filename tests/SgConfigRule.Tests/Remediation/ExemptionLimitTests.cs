using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation;
using SgConfigRule.Rule;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Deployment;
using SgConfigRule.Tests.Rule;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// An exemption tag cannot be a quiet, endless bypass: every template caps exemptions at 90 days unless told otherwise,
/// and an exemption beyond the cap is refused by the rule (NON_COMPLIANT, and the annotation says so) and by the
/// remediation (it revokes, or with the IAM protection is blocked, and its notice says the exemption was refused) -
/// on every run, not once.
/// </summary>
public class ExemptionLimitTests
{
    private const string ExemptionKey = "sg-config-rule:exempt";
    private const string RuleName = "sg-config-rule";

    private static string Repo(string file) => Path.Combine(TestData.RepositoryRoot, file);

    [Fact]
    public void MaxExemptionDays_is_90_by_default_in_every_template_and_reaches_the_rules_parameters()
    {
        var template = CfnTemplate.Load(Repo("template.yaml"));
        var member = CfnTemplate.Load(Repo("org/member.yaml"));
        var pack = CfnTemplate.Load(Repo("org/conformance-pack.yaml"));
        foreach (var file in new[] { template, member, pack })
        {
            Assert.True(file.Parameters["MaxExemptionDays"]!["Default"]!.GetValue<string>() == "90", $"{file.Path}: MaxExemptionDays does not default to 90");
        }

        // What AWS Config gets: the stack's rule, the pack's rule, and the pack as the member stack hands it over.
        var renderedMember = member.Render(new Dictionary<string, string> { ["CentralAccountId"] = "999988887777" });
        var packProperties = renderedMember.Properties("ConformancePack");
        var packInputs = packProperties["ConformancePackInputParameters"]!.AsArray()
            .ToDictionary(p => p!["ParameterName"]!.GetValue<string>(), p => p!["ParameterValue"]!.GetValue<string>());
        Assert.Equal("90", packInputs["MaxExemptionDays"]);
        var rules = new Dictionary<string, JsonObject>
        {
            ["template.yaml"] = template.Render().Properties("ConfigRule"),
            ["org/conformance-pack.yaml"] = pack.Render(new Dictionary<string, string> { ["CentralAccountId"] = "999988887777" }).Properties("ConfigRule"),
            ["org/member.yaml"] = CfnTemplate.Parse(packProperties["TemplateBody"]!.GetValue<string>(), "TemplateBody of org/member.yaml")
                .Render(packInputs).Properties("ConfigRule"),
        };
        foreach (var (file, rule) in rules)
        {
            var inputParameters = rule["InputParameters"]!.AsObject();
            Assert.True(inputParameters["maxExemptionDays"]?.GetValue<string>() == "90", $"{file}: the rule's InputParameters are {inputParameters.ToJsonString()}");
            Assert.Equal(90, ParameterParser.Parse(inputParameters.ToJsonString()).MaxExemptionDays);
        }
    }

    [Fact]
    public async Task An_exemption_400_days_ahead_is_refused_by_the_rule_and_revoked_past_with_a_notice_that_says_so_on_every_run()
    {
        var inputParameters = DefaultInputParameters();
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var until = $"{DateTime.UtcNow.AddDays(400):yyyy-MM-dd}";
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, ExemptionKey, $"{until} CHG-1234 migration");
        harness.Server.Config.PutConfigRule(new FakeConfigRule(RuleName, inputParameters, "arn:aws:lambda:us-east-1:111122223333:function:sg-config-rule-rule:live"));
        var rule = new RuleFunction(new RuleRuntime(AwsTestSupport.Options(harness.Server), TimeProvider.System, TextWriter.Null));
        var refused = $"Exemption until {until} refused: over maxExemptionDays 90";

        for (var run = 1; run <= 3; run++)
        {
            // Someone adds SSH back each time: the tag never makes it stick.
            if (run > 1) await AddSshAsync(harness);

            var evaluation = await EvaluateAsync(rule, harness, inputParameters, run);
            Assert.Equal("NON_COMPLIANT", evaluation.ComplianceType);
            Assert.Equal($"{refused}. 1 disallowed rule: tcp/22 from 203.0.113.7/32 (blocked port 22)", evaluation.Annotation);

            var outcome = await harness.RunAsync(configRuleName: RuleName);
            Assert.True(outcome.Status == RemediationStatus.Revoked, $"run {run}: {outcome.Status} {outcome.Error}");
            Assert.Equal(22, Assert.Single(outcome.Revoked).FromPort);
            Assert.DoesNotContain(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.FromPort == 22);
            Assert.True(outcome.Publish);
            Assert.Contains("maxExemptionDays=90", outcome.Text);
            var note = outcome.Text.Split('\n').SingleOrDefault(l => l.StartsWith("Note:", StringComparison.Ordinal));
            Assert.True(note is not null && note.Contains(refused, StringComparison.Ordinal), $"run {run}: the email does not name the refused exemption:\n{outcome.Text}");
        }
        Assert.Equal(3, harness.Server.Ec2.Revocations.Count);
    }

    [Fact]
    public async Task With_IAM_protecting_tagged_groups_an_exemption_400_days_ahead_blocks_the_revoke_and_every_notice_says_it_was_refused()
    {
        var inputParameters = DefaultInputParameters();
        await using var harness = await RemediationHarness.StartAsync(configure: r => r with { ExemptionTagProtectedByIam = true });
        harness.Server.Ec2.DenyRevokeWhenTagged.Add(ExemptionKey);
        await harness.WebServerWithSshAsync();
        var until = $"{DateTime.UtcNow.AddDays(400):yyyy-MM-dd}";
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, ExemptionKey, $"{until} CHG-1234 migration");
        harness.Server.Config.PutConfigRule(new FakeConfigRule(RuleName, inputParameters, "arn:aws:lambda:us-east-1:111122223333:function:sg-config-rule-rule:live"));
        var rule = new RuleFunction(new RuleRuntime(AwsTestSupport.Options(harness.Server), TimeProvider.System, TextWriter.Null));
        var refused = $"Exemption until {until} refused: over maxExemptionDays 90";

        for (var run = 1; run <= 3; run++)
        {
            var evaluation = await EvaluateAsync(rule, harness, inputParameters, run);
            Assert.Equal("NON_COMPLIANT", evaluation.ComplianceType);
            Assert.StartsWith(refused + ". ", evaluation.Annotation);

            var outcome = await harness.RunAsync(configRuleName: RuleName);
            Assert.Equal(RemediationStatus.BlockedByExemptionTag, outcome.Status);
            Assert.True(outcome.Publish);
            Assert.Contains(refused, outcome.Note);
            Assert.Contains(refused, outcome.Text);
            Assert.Contains("Renew the exemption or remove the tag", outcome.Text);
        }
        Assert.Contains(harness.Server.Ec2.Rules(RemediationHarness.WebGroup), r => r.FromPort == 22);
        Assert.Equal(0, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    /// <summary>The InputParameters template.yaml gives its rule with every parameter at its default.</summary>
    private static string DefaultInputParameters() =>
        CfnTemplate.Load(TemplateTests.TemplatePath).Render().Properties("ConfigRule")["InputParameters"]!.ToJsonString();

    /// <summary>The rule function evaluates the group as it stands now (a configuration change notification); returns what it posted.</summary>
    private static async Task<PostedEvaluation> EvaluateAsync(RuleFunction rule, RemediationHarness harness, string inputParameters, int run)
    {
        var item = RuleHarness.ItemFor(harness.Server, RemediationHarness.WebGroup, DateTime.UtcNow);
        var token = $"token-{run.ToString(CultureInfo.InvariantCulture)}";
        await rule.InvokeAsync(Encoding.UTF8.GetBytes(RuleHarness.ChangeEvent(item, token, inputParameters, ruleName: RuleName)), TestContext.Current.CancellationToken);
        return Assert.Single(harness.Server.Config.Evaluations, e => e.ResultToken == token);
    }

    private static async Task AddSshAsync(RemediationHarness harness)
    {
        using var ec2 = Ec2WireTests.Client(harness.Server);
        await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = RemediationHarness.WebGroup,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "203.0.113.7/32", Description = "SSH from my laptop" }] }],
        }, TestContext.Current.CancellationToken);
    }
}
