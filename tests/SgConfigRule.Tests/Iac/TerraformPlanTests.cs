using System.Globalization;
using System.Text.Json;
using SgConfigRule.Input;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Tests.Cli;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Iac;

/// <summary>
/// Terraform plans and states as <c>terraform show -json</c> writes them (tests/data/iac/terraform/README.md): the
/// same policy as for AWS's own shapes, unknown values failing closed, rules joined to their groups.
/// </summary>
public class TerraformPlanTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T12:00:00Z", CultureInfo.InvariantCulture);

    private static string DataFile(string name) => Path.Combine(TestData.Root, "iac", "terraform", name);

    private static List<ReadResult> Read(string path) => Inputs.ReadAll(File.ReadAllText(path));

    private static Dictionary<string, (ResourceItem Item, Policy.Evaluation.Evaluation Evaluation)> Evaluate(string path, PolicyParameters parameters)
    {
        var results = Read(path);
        Assert.All(results, r => Assert.Null(r.Error));
        return results.Select(r => r.Item!).ToDictionary(i => i.ResourceId, i => (i, Evaluator.Evaluate(i, parameters, Now)), StringComparer.Ordinal);
    }

    public static TheoryData<string> Policies => new()
    {
        "{}",
        """{"sourceScope":"all"}""",
        """{"sourceScope":"world","blockedPorts":"22,80,3389"}""",
        """{"authorizedTcpPorts":"443","sourceScope":"public"}""",
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void The_plan_of_the_bundled_sample_gives_the_verdicts_of_the_bundled_sample(string policy)
    {
        var parameters = ParameterParser.Parse(policy);
        var sample = Inputs.Items(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "cli", "samples", "sample-account.json")));
        var plan = Evaluate(DataFile("sample-account.plan.json"), parameters).Values.ToDictionary(p => p.Item.ResourceName!, StringComparer.Ordinal);

        Assert.Equal(sample.Select(s => s.ResourceName).Order(), plan.Keys.Order());
        foreach (var item in sample)
        {
            var expected = Evaluator.Evaluate(item, parameters, Now);
            var (planItem, actual) = plan[item.ResourceName!];
            Assert.Equal((item.ResourceName, expected.Compliance), (planItem.ResourceName, actual.Compliance));
            Assert.Equal(expected.Exemption, actual.Exemption);
            Assert.Equal(expected.Findings.Select(f => f.Display).Order(), actual.Findings.Select(f => f.Display).Order());
            Assert.Equal(item.Group!.Ingress.Length, planItem.Group!.Ingress.Length);
        }
    }

    [Fact]
    public void Results_are_named_by_address_with_the_groups_name_and_context()
    {
        var plan = Evaluate(DataFile("sample-account.plan.json"), PolicyParameters.Default);
        Assert.Equal(
            [
                "aws_default_security_group.default", "aws_security_group.app", "aws_security_group.batch",
                "aws_security_group.vendor_sftp", "aws_security_group.web", "module.alb.aws_security_group.this[0]",
                "module.bastion[\"ipv6\"].aws_security_group.this",
            ],
            plan.Keys.Order(StringComparer.Ordinal));
        var web = plan["aws_security_group.web"].Item;
        Assert.Equal("Web Server Security Group", web.ResourceName);
        Assert.Equal(("111122223333", "us-east-1"), (web.Context.AccountId, web.Context.Region));
        Assert.Equal(DateTimeOffset.Parse("2026-12-06T00:00:00Z", CultureInfo.InvariantCulture), web.Context.CaptureTime);
        // The refreshed group lists its separate rules too: each counts once.
        Assert.Equal(2, plan["aws_security_group.batch"].Item.Group!.Ingress.Length);
        // Joined through the configuration's references: by count index, and from a module's for_each.
        Assert.Equal(2, plan["aws_security_group.app"].Item.Group!.Ingress.Length);
        Assert.Equal(4, plan["module.alb.aws_security_group.this[0]"].Item.Group!.Ingress.Length);
    }

    [Fact]
    public void Edge_cases_fail_closed_and_name_what_was_assumed()
    {
        var plan = Evaluate(DataFile("edge-cases.plan.json"), PolicyParameters.Default);

        var nat = plan["aws_security_group.nat_ssh"].Evaluation;
        Assert.Equal(Compliance.NonCompliant, nat.Compliance);
        Assert.Contains("cidr_ipv4 known only after apply, assumed 0.0.0.0/0", nat.Annotation, StringComparison.Ordinal);

        var ports = plan["aws_security_group.app_ports"].Evaluation;
        Assert.Equal(Compliance.NonCompliant, ports.Compliance);
        Assert.Equal("tcp/3000-65535 from 0.0.0.0/0 (blocked port 3389, to_port known only after apply, assumed 65535)", Assert.Single(ports.Findings).Display);

        var computed = plan["aws_security_group.computed"].Evaluation;
        Assert.Equal(Compliance.NonCompliant, computed.Compliance);
        Assert.All(computed.Findings, f => Assert.Contains("ingress known only after apply", f.Display, StringComparison.Ordinal));

        // Groups whose ingress is unknown only because the configuration sets none: their rules are separate resources.
        Assert.Equal(Compliance.Compliant, plan["aws_security_group.pool[0]"].Evaluation.Compliance);
        Assert.Empty(plan["aws_security_group.pool[0]"].Item.Group!.Ingress);

        var orphan = plan["module.shared.aws_security_group_rule.rdp"];
        Assert.Equal("group unresolved: security_group_id known only after apply", orphan.Item.ResourceName);
        Assert.Equal(Compliance.NonCompliant, orphan.Evaluation.Compliance);
        var ambiguous = plan["aws_security_group_rule.pool_ssh"];
        Assert.Equal("group unresolved: aws_security_group.pool has 2 instances", ambiguous.Item.ResourceName);
        Assert.Equal(Compliance.NonCompliant, ambiguous.Evaluation.Compliance);
        Assert.Equal("sg-0fedcba9876543210 (group not in this plan)", plan["aws_security_group_rule.https_existing"].Item.ResourceName);

        var retired = plan["aws_security_group.retired"];
        Assert.Equal(Compliance.NotApplicable, retired.Evaluation.Compliance);
        Assert.Equal("Deleted by this plan", retired.Evaluation.Annotation);
        Assert.DoesNotContain("aws_security_group_rule.retired_rdp", plan.Keys);

        // The replacement is judged at its new state; its deposed old object is not a second result.
        var replaced = plan["aws_security_group.replaced"];
        Assert.Equal(Compliance.Compliant, replaced.Evaluation.Compliance);
        Assert.Equal("tcp/443 from 0.0.0.0/0", Assert.Single(replaced.Item.Group!.Ingress).Display);

        var exempt = plan["aws_security_group.legacy_vpn"].Evaluation;
        Assert.True(exempt.Exemption.IsExempt);
        Assert.Single(exempt.Findings);

        // An exemption tag whose value is known only after apply exempts nothing, and says so.
        var pending = plan["aws_security_group.pending_exemption"].Evaluation;
        Assert.Equal(Compliance.NonCompliant, pending.Compliance);
        Assert.StartsWith("Exemption tag ignored: '(known after apply)'", pending.Annotation, StringComparison.Ordinal);
        Assert.Contains(plan["aws_security_group.pending_exemption"].Item.Group!.Tags, t => t.ValueUnknown);

        Assert.DoesNotContain("data.aws_security_group.shared", plan.Keys);
        Assert.DoesNotContain("aws_security_group_rule.app_ports_egress", plan.Keys);
        Assert.Equal(12, plan.Count);
    }

    [Fact]
    public void A_state_reads_like_a_plan_without_unknowns()
    {
        var state = Evaluate(DataFile("state.json"), PolicyParameters.Default);
        Assert.Equal(["aws_security_group.web", "module.alb.aws_security_group.this[0]"], state.Keys.Order(StringComparer.Ordinal));
        var alb = state["module.alb.aws_security_group.this[0]"];
        Assert.Equal("tcp/3389 from 0.0.0.0/0 (blocked port 3389)", Assert.Single(alb.Evaluation.Findings).Display);
    }

    [Fact]
    public void Bad_input_is_one_error_naming_its_json_path()
    {
        var plan = File.ReadAllText(DataFile("sample-account.plan.json"));
        var future = Inputs.Error(plan.Replace("\"format_version\": \"1.2\"", "\"format_version\": \"2.0\"", StringComparison.Ordinal));
        Assert.Equal("$.format_version", future.JsonPath);

        var document = System.Text.Json.Nodes.JsonNode.Parse(plan)!;
        var changes = document["resource_changes"]!.AsArray();
        var web = changes.Single(c => (string?)c!["address"] == "aws_security_group.web")!;
        web["change"]!["after"]!["ingress"]![1]!["cidr_blocks"]![0] = "203.0.113.7";
        var results = Inputs.ReadAll(document.ToJsonString());
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Equal($"$.resource_changes[{changes.IndexOf(web)}].change.after.ingress[1].cidr_blocks[0]", error.JsonPath);
        Assert.Contains("the /prefix length is missing", error.Problem, StringComparison.Ordinal);
        Assert.Equal(6, results.Count(r => r.Item is not null));
    }

    [Fact]
    public void A_bad_separate_rule_keeps_its_group_from_a_verdict()
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(DataFile("sample-account.plan.json")))!;
        var changes = document["resource_changes"]!.AsArray();
        var rule = changes.Single(c => (string?)c!["address"] == "aws_security_group_rule.batch_all")!;
        rule["change"]!["after"]!["protocol"] = "bogus";
        var results = Inputs.ReadAll(document.ToJsonString());
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.EndsWith(".change.after.protocol", error.JsonPath, StringComparison.Ordinal);
        Assert.DoesNotContain(results, r => r.Item?.ResourceId == "aws_security_group.batch");
    }

    [Fact]
    public void Scan_detects_a_plan_and_sarif_points_at_the_plan_file_and_the_address()
    {
        var path = CliRunner.WriteTemp(File.ReadAllText(DataFile("edge-cases.plan.json")), "plan.json");
        var run = CliRunner.Run("scan", path, "--format", "sarif");
        Assert.Equal(1, run.ExitCode);
        using var sarif = JsonDocument.Parse(run.Out);
        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        var nat = results.Single(r => r.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("name").GetString() == "aws_security_group.nat_ssh");
        Assert.EndsWith("plan.json", nat.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
        Assert.Contains("assumed 0.0.0.0/0", nat.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);

        var table = CliRunner.Run("scan", path);
        Assert.Contains("aws_security_group.nat_ssh  nat-ssh", table.Out, StringComparison.Ordinal);
    }
}
