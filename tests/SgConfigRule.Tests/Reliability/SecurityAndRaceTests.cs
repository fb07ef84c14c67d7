using System.Text;
using System.Text.RegularExpressions;
using Amazon.EC2.Model;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Remediation;
using SgConfigRule.Tests.Rule;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Reliability;

/// <summary>
/// Security review as tests (what the IAM, template and organization tests do not already cover): no secrets or
/// account ids in what ships, no credentials in logs; and remediations racing each other and a person changing rules.
/// </summary>
public sealed partial class SecurityAndRaceTests
{
    /// <summary>Account ids AWS documentation reserves for examples; any other 12-digit number in shipped files is suspect.</summary>
    private static readonly HashSet<string> ExampleAccounts = ["111122223333", "123456789012", "444455556666", "999988887777", "777788889999"];

    private static IEnumerable<string> ShippedFiles()
    {
        var root = TestData.RepositoryRoot;
        var code = new[] { "rule", "automation", "cli" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && Path.GetExtension(f) is ".cs" or ".yaml" or ".json" or ".csproj");
        var templates = new[] { "template.yaml", "org/central.yaml", "org/member.yaml", "org/conformance-pack.yaml", "org/grant-config-invoke.sh", "package.sh", "Makefile" }
            .Select(f => Path.Combine(root, f));
        return code.Concat(templates);
    }

    [Fact]
    public void Nothing_that_ships_holds_an_access_key_a_secret_or_a_real_account_id()
    {
        var files = ShippedFiles().ToList();
        Assert.True(files.Count > 50, $"only {files.Count} files scanned");
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var where = Path.GetRelativePath(TestData.RepositoryRoot, file);
            Assert.False(AccessKey().IsMatch(text), $"{where} holds something shaped like an AWS access key id");
            Assert.False(SecretKey().IsMatch(text), $"{where} holds something shaped like a secret access key");
            foreach (Match account in Account().Matches(text))
            {
                Assert.True(ExampleAccounts.Contains(account.Value), $"{where} holds the 12-digit number {account.Value} (an account id?)");
            }
        }
    }

    [Fact]
    public async Task Logs_hold_no_credentials_or_result_tokens_even_when_roles_are_assumed()
    {
        const string token = "secret-result-token-7f3a9c";
        await using var rule = await RuleHarness.StartAsync();
        rule.WebServer();
        rule.Server.Config.RecordAll(rule.Server.Ec2, RuleHarness.Now.UtcDateTime.AddMinutes(-5));
        var parameters = """{"executionRoleName":"SgConfigRuleMember"}""";
        await rule.InvokeAsync(RuleHarness.ScheduledEvent(resultToken: token, ruleParameters: parameters, accountId: "444455556666"));
        Assert.NotEmpty(rule.Server.Sts.AssumeRoleCalls);

        await using var remediation = await RemediationHarness.StartAsync();
        await remediation.WebServerWithSshAsync();
        await remediation.RunAsync(ruleParameters: """{"executionRoleName":"SgConfigRuleMember"}""", accountId: "444455556666");
        Assert.NotEmpty(remediation.Server.Sts.AssumeRoleCalls);

        foreach (var (name, log) in new[] { ("rule", rule.LogOutput.ToString()), ("revoke", remediation.LogOutput.ToString()) })
        {
            Assert.False(string.IsNullOrWhiteSpace(log), $"the {name} function logged nothing");
            Assert.DoesNotContain(FakeAwsServer.SecretKey, log);
            Assert.DoesNotContain(FakeAwsServer.AccessKey, log);
            Assert.DoesNotContain("temporary-secret-", log);
            Assert.DoesNotContain("session-token-", log);
            Assert.DoesNotContain(token, log);
            Assert.False(AccessKey().IsMatch(log) || Regex.IsMatch(log, "ASIA[0-9]{16}"), $"the {name} function logged an access key id");
        }
    }

    /// <summary>
    /// Four remediations of one group at once, while a person adds and removes rules — allowed and disallowed — in the
    /// same moments. Whatever the interleaving: no allowed rule is ever revoked, no rule is revoked twice, every run
    /// says what it did, and a rule reported revoked is gone.
    /// </summary>
    [Fact]
    public async Task Remediations_racing_each_other_and_a_person_keep_allowed_rules_and_report_truthfully()
    {
        var races = int.TryParse(Environment.GetEnvironmentVariable("SGCR_RACE_RUNS"), out var n) && n > 0 ? n : 10;
        for (var race = 0; race < races; race++)
        {
            await using var harness = await RemediationHarness.StartAsync(seed: 500 + race);
            await harness.WebServerWithSshAsync();
            var random = new Random(race);
            using var ec2 = Aws.Ec2WireTests.Client(harness.Server);
            // The person: rules appear and disappear while the remediations run (their calls interleave with EC2's).
            harness.Server.BeforeDispatch = async (service, operation) =>
            {
                if (service != "ec2" || operation is not ("DescribeSecurityGroupRules" or "RevokeSecurityGroupIngress" or "DescribeSecurityGroups")) return;
                lock (random)
                {
                    switch (random.Next(4))
                    {
                        case 0: harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 22, 22, Ec2Source.Ipv4($"198.51.100.{random.Next(250)}/32")); break;
                        case 1: harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 8443, 8443, Ec2Source.Ipv4($"198.51.100.{random.Next(250)}/32")); break;
                        case 2:
                            var victim = harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Where(r => r.FromPort == 22).Select(r => r.RuleId).FirstOrDefault();
                            if (victim is not null) harness.Server.Ec2.RemoveRule(RemediationHarness.WebGroup, victim);
                            break;
                    }
                }
                await Task.Yield();
            };
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.RunAsync()));
            harness.Server.BeforeDispatch = null;

            var revokedIds = outcomes.SelectMany(o => o.Revoked).Select(r => r.RuleId).ToList();
            Assert.Equal(revokedIds.Count, revokedIds.Distinct().Count());
            Assert.All(outcomes.SelectMany(o => o.Revoked), r => Assert.Equal(22, r.FromPort));
            var remaining = harness.Server.Ec2.Rules(RemediationHarness.WebGroup);
            Assert.DoesNotContain(remaining, r => revokedIds.Contains(r.RuleId));
            Assert.Equal(2, remaining.Count(r => r.FromPort == 443));
            // Allowed rules (the person's 8443, the HTTPS ones) are never asked for nor removed: the revokes name content,
            // and EC2's own log says what each removed.
            var revokeBodies = harness.Server.Calls.Where(c => c.Operation == "RevokeSecurityGroupIngress").Select(c => c.Body).ToList();
            Assert.DoesNotContain(revokeBodies, b => b.Contains("FromPort=8443", StringComparison.Ordinal) || b.Contains("FromPort=443", StringComparison.Ordinal));
            Assert.All(harness.Server.Ec2.Revocations.SelectMany(r => r.Removed), r => Assert.Equal(22, r.FromPort));
            // Every rule EC2 removed is reported by exactly one run.
            var removed = harness.Server.Ec2.Revocations.SelectMany(r => r.Removed).Select(r => r.RuleId).Order().ToList();
            Assert.Equal(removed, revokedIds.Order().ToList());
            Assert.All(outcomes, o => Assert.Contains(o.Status, new[]
            {
                RemediationStatus.Revoked, RemediationStatus.AlreadyRevoked, RemediationStatus.NothingToRevoke, RemediationStatus.Failed,
                RemediationStatus.LoopGuardTripped, RemediationStatus.LoopGuardHolding,
            }));
            Assert.All(outcomes.Where(o => o.Status == RemediationStatus.Failed), o => Assert.False(string.IsNullOrEmpty(o.Error)));
        }
    }

    [GeneratedRegex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AccessKey();

    [GeneratedRegex(@"(?i)aws_secret_access_key\s*[=:]\s*[A-Za-z0-9/+]{40}")]
    private static partial Regex SecretKey();

    /// <summary>12 digits where an account id goes: inside an ARN (":…:"), or a quoted string of its own.</summary>
    [GeneratedRegex(@"(?<=:)[0-9]{12}(?=:)|(?<=[""'])[0-9]{12}(?=[""'])")]
    private static partial Regex Account();
}
