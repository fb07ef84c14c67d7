using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using static SgConfigRule.Tests.Support.Build;

namespace SgConfigRule.Tests.Evaluation;

/// <summary>The policy of DESIGN §3, edge by edge. Each test names the edge it pins down.</summary>
public class EvaluatorTests
{
    private static readonly DateTimeOffset Now = At("2026-11-26T15:00:00Z");

    private static Policy.Evaluation.Evaluation Eval(SecurityGroup group, string parameters = "{}", PrefixListCatalog? lists = null) =>
        Evaluator.Evaluate(group, ParameterParser.Parse(parameters.Replace('\'', '"')), Now, lists);

    private static Compliance Verdict(IngressRule rule, string parameters = "{}", PrefixListCatalog? lists = null) =>
        Eval(Group(rule), parameters, lists).Compliance;

    [Fact]
    public void The_web_server_scenario_flags_ssh_from_one_address_and_keeps_https()
    {
        var e = Eval(Group(Tcp(443, "0.0.0.0/0"), Tcp(443, "::/0"), Tcp(22, "203.0.113.7/32")));
        Assert.Equal(Compliance.NonCompliant, e.Compliance);
        var finding = Assert.Single(e.Findings);
        Assert.Equal("tcp/22 from 203.0.113.7/32", finding.Rule.Display);
        Assert.Equal(FindingReason.BlockedPort, finding.Reason);
        Assert.Equal("1 disallowed rule: tcp/22 from 203.0.113.7/32 (blocked port 22)", e.Annotation);
    }

    [Fact]
    public void A_group_without_disallowed_rules_is_compliant_with_no_annotation()
    {
        var e = Eval(Group(Tcp(443, "0.0.0.0/0")));
        Assert.Equal(Compliance.Compliant, e.Compliance);
        Assert.Null(e.Annotation);
        Assert.Empty(e.Findings);
    }

    [Fact]
    public void A_group_without_inbound_rules_is_compliant() => Assert.Equal(Compliance.Compliant, Eval(Group()).Compliance);

    [Theory]
    [InlineData(22, 22, Compliance.NonCompliant)]
    [InlineData(20, 25, Compliance.NonCompliant)]
    [InlineData(0, 65535, Compliance.NonCompliant)]
    [InlineData(23, 3388, Compliance.Compliant)]
    [InlineData(21, 21, Compliance.Compliant)]
    [InlineData(3389, 3389, Compliance.NonCompliant)]
    public void A_range_that_covers_a_blocked_port_is_disallowed(int from, int to, Compliance expected) =>
        Assert.Equal(expected, Verdict(Tcp(from, to, "198.51.100.0/24")));

    [Fact]
    public void Blocked_ports_apply_to_udp_as_well() =>
        Assert.Equal(Compliance.NonCompliant, Verdict(Udp(3389, 3389, "0.0.0.0/0")));

    [Fact]
    public void All_traffic_reaches_every_blocked_port()
    {
        var e = Eval(Group(AllTraffic("10.20.0.0/16")));
        Assert.Equal(Compliance.NonCompliant, e.Compliance);
        Assert.Equal("22,3389", e.Findings[0].Ports.ToString());
        Assert.Equal("all traffic from 10.20.0.0/16 (blocked ports 22,3389)", e.Findings[0].Display);
    }

    [Fact]
    public void Icmp_and_other_protocols_have_no_ports_and_are_never_disallowed()
    {
        Assert.Equal(Compliance.Compliant, Verdict(Icmp("0.0.0.0/0"), "{'blockedPorts':'0-65535'}"));
        Assert.Equal(Compliance.Compliant, Verdict(Protocol(50, "0.0.0.0/0"), "{'authorizedTcpPorts':'443'}"));
    }

    [Fact]
    public void An_empty_blockedPorts_blocks_nothing() =>
        Assert.Equal(Compliance.Compliant, Verdict(AllTraffic("0.0.0.0/0"), "{'blockedPorts':''}"));

    [Fact]
    public void Custom_blocked_ranges()
    {
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(8050, 8050, "0.0.0.0/0"), "{'blockedPorts':'8000-8100'}"));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "0.0.0.0/0"), "{'blockedPorts':'8000-8100'}"));
    }

    [Theory]
    [InlineData(443, 443, Compliance.Compliant)]
    [InlineData(1020, 1025, Compliance.Compliant)]
    [InlineData(1020, 1026, Compliance.NonCompliant)]
    [InlineData(80, 80, Compliance.NonCompliant)]
    public void Allow_list_mode_flags_ports_outside_the_list(int from, int to, Compliance expected) =>
        Assert.Equal(expected, Verdict(Tcp(from, to, "0.0.0.0/0"), "{'blockedPorts':'','authorizedTcpPorts':'443,1020-1025'}"));

    [Fact]
    public void Allow_list_mode_reports_the_unauthorized_ports()
    {
        var e = Eval(Group(Tcp(1000, 1030, "0.0.0.0/0")), "{'blockedPorts':'','authorizedTcpPorts':'443,1020-1025'}");
        Assert.Equal(FindingReason.NotAuthorized, e.Findings[0].Reason);
        Assert.Equal("1000-1019,1026-1030", e.Findings[0].Ports.ToString());
        Assert.Equal("notAuthorized", e.Findings[0].ReasonCode);
    }

    [Fact]
    public void In_allow_list_mode_a_protocol_without_a_list_has_nothing_authorized()
    {
        Assert.Equal(Compliance.NonCompliant, Verdict(Udp(53, 53, "0.0.0.0/0"), "{'blockedPorts':'','authorizedTcpPorts':'443'}"));
        Assert.Equal(Compliance.Compliant, Verdict(Udp(53, 53, "0.0.0.0/0"), "{'blockedPorts':'','authorizedTcpPorts':'443','authorizedUdpPorts':'53'}"));
    }

    [Fact]
    public void In_allow_list_mode_all_traffic_is_authorized_only_if_both_lists_cover_every_port()
    {
        Assert.Equal(Compliance.NonCompliant, Verdict(AllTraffic("0.0.0.0/0"), "{'blockedPorts':'','authorizedTcpPorts':'0-65535'}"));
        Assert.Equal(Compliance.Compliant, Verdict(AllTraffic("0.0.0.0/0"), "{'blockedPorts':'','authorizedTcpPorts':'0-65535','authorizedUdpPorts':'0-65535'}"));
    }

    [Fact]
    public void A_blocked_port_wins_over_the_allow_list()
    {
        var e = Eval(Group(Tcp(22, "0.0.0.0/0")), "{'authorizedTcpPorts':'22'}");
        Assert.Equal(FindingReason.BlockedPort, e.Findings[0].Reason);
    }

    [Theory]
    [InlineData("0.0.0.0/0", Compliance.NonCompliant)]
    [InlineData("::/0", Compliance.NonCompliant)]
    [InlineData("0.0.0.0/1", Compliance.Compliant)]
    [InlineData("203.0.113.7/32", Compliance.Compliant)]
    [InlineData("10.0.0.0/8", Compliance.Compliant)]
    public void World_scope_counts_only_the_whole_address_space(string source, Compliance expected) =>
        Assert.Equal(expected, Verdict(Tcp(22, source), "{'sourceScope':'world'}"));

    [Fact]
    public void Host_bits_do_not_hide_the_whole_internet() =>
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "10.0.0.5/0"), "{'sourceScope':'world'}"));

    [Theory]
    [InlineData("0.0.0.0/0", Compliance.NonCompliant)]
    [InlineData("203.0.113.7/32", Compliance.NonCompliant)]
    [InlineData("10.0.0.0/7", Compliance.NonCompliant)]
    [InlineData("10.0.0.0/8", Compliance.Compliant)]
    [InlineData("172.16.5.0/24", Compliance.Compliant)]
    [InlineData("100.64.0.0/10", Compliance.Compliant)]
    [InlineData("2001:db8::/32", Compliance.NonCompliant)]
    [InlineData("fd00::/8", Compliance.Compliant)]
    public void Public_scope_counts_ranges_not_entirely_private(string source, Compliance expected) =>
        Assert.Equal(expected, Verdict(Tcp(22, source), "{'sourceScope':'public'}"));

    [Theory]
    [InlineData("address", "10.0.0.0/8", Compliance.NonCompliant)]
    [InlineData("address", "sg-0fedcba9876543210", Compliance.Compliant)]
    [InlineData("all", "sg-0fedcba9876543210", Compliance.NonCompliant)]
    [InlineData("public", "sg-0fedcba9876543210", Compliance.Compliant)]
    public void Referenced_groups_count_only_in_scope_all(string scope, string source, Compliance expected) =>
        Assert.Equal(expected, Verdict(Tcp(22, source), $"{{'sourceScope':'{scope}'}}"));

    [Fact]
    public void The_default_groups_self_reference_is_compliant_by_default_and_flagged_under_all()
    {
        var defaultGroup = Group("sg-0a1b2c3d4e5f60718", [], AllTraffic("sg-0a1b2c3d4e5f60718"));
        Assert.Equal(Compliance.Compliant, Eval(defaultGroup).Compliance);
        Assert.Equal(Compliance.NonCompliant, Eval(defaultGroup, "{'sourceScope':'all'}").Compliance);
        Assert.Equal(Compliance.Compliant, Eval(defaultGroup, "{'sourceScope':'all','trustedSources':'sg-0a1b2c3d4e5f60718'}").Compliance);
    }

    [Theory]
    [InlineData("203.0.113.0/24", "203.0.113.7/32", Compliance.Compliant)]
    [InlineData("203.0.113.0/24", "203.0.113.0/23", Compliance.NonCompliant)]
    [InlineData("203.0.113.7/32", "203.0.113.7/32", Compliance.Compliant)]
    [InlineData("2001:db8::/32", "2001:db8:1::/48", Compliance.Compliant)]
    [InlineData("0.0.0.0/0", "::/0", Compliance.NonCompliant)]
    public void Trusted_cidrs_cover_sources_entirely_inside_them(string trusted, string source, Compliance expected) =>
        Assert.Equal(expected, Verdict(Tcp(22, source), $"{{'trustedSources':'{trusted}'}}"));

    [Fact]
    public void Trusted_prefix_lists_and_groups_match_by_id()
    {
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'trustedSources':'pl-0a1b2c3d4e5f67890'}"));
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'trustedSources':'pl-0a1b2c3d4e5f67891'}"));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "sg-0fedcba9876543210"), "{'sourceScope':'all','trustedSources':'sg-0fedcba9876543210'}"));
    }

    [Fact]
    public void Prefix_lists_count_in_address_scope_without_resolution() =>
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890")));

    [Fact]
    public void Aws_managed_prefix_lists_never_count_for_world_or_public()
    {
        var lists = PrefixLists(PrefixList("pl-63a5400a", "com.amazonaws.us-east-1.s3", "52.216.0.0/15", "3.5.0.0/19"));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "pl-63a5400a"), "{'sourceScope':'public'}", lists));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "pl-63a5400a"), "{'sourceScope':'world'}", lists));
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "pl-63a5400a"), "{'sourceScope':'address'}", lists));
    }

    [Fact]
    public void A_list_named_like_an_AWS_one_but_owned_by_an_account_is_judged_by_its_entries()
    {
        var impostor = PrefixLists(new PrefixList("pl-0a1b2c3d4e5f67890", "com.amazonaws.fake", [Cidr.Parse("0.0.0.0/0")], "111122223333"));
        var genuine = PrefixLists(new PrefixList("pl-0a1b2c3d4e5f67890", "com.amazonaws.us-east-1.s3", [Cidr.Parse("52.216.0.0/15")], "AWS"));
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'sourceScope':'world'}", impostor));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'sourceScope':'world'}", genuine));
    }

    [Fact]
    public void Customer_managed_prefix_lists_are_judged_by_their_entries()
    {
        var vpn = PrefixLists(PrefixList("pl-0a1b2c3d4e5f67890", "corp-vpn", "10.8.0.0/16", "192.168.50.0/24"));
        var leaky = PrefixLists(PrefixList("pl-0a1b2c3d4e5f67890", "corp-vpn", "10.8.0.0/16", "0.0.0.0/0"));
        var partner = PrefixLists(PrefixList("pl-0a1b2c3d4e5f67890", "partner", "198.51.100.0/24"));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'sourceScope':'public'}", vpn));
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'sourceScope':'world'}", leaky));
        Assert.Equal(Compliance.NonCompliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'sourceScope':'public'}", partner));
        Assert.Equal(Compliance.Compliant, Verdict(Tcp(22, "pl-0a1b2c3d4e5f67890"), "{'sourceScope':'public','trustedSources':'198.51.100.0/24'}", partner));
    }

    [Fact]
    public void An_unresolved_prefix_list_counts_and_the_annotation_says_so()
    {
        var e = Eval(Group(Tcp(22, "pl-0a1b2c3d4e5f67890")), "{'sourceScope':'world'}");
        Assert.Equal(Compliance.NonCompliant, e.Compliance);
        Assert.True(e.Findings[0].UnresolvedPrefixList);
        Assert.Contains("prefix list unresolved", e.Annotation);
    }

    [Fact]
    public void A_valid_exemption_makes_the_group_compliant_and_says_what_it_would_flag()
    {
        var group = Group("sg-1", [("sg-config-rule:exempt", "2026-12-31 CHG-4711 vendor access")], Tcp(22, "198.51.100.0/24"));
        var e = Eval(group);
        Assert.Equal(Compliance.Compliant, e.Compliance);
        Assert.True(e.Exemption.IsExempt);
        Assert.Equal("Exempt until 2026-12-31 (CHG-4711 vendor access): would flag tcp/22 from 198.51.100.0/24 (blocked port 22)", e.Annotation);
        Assert.Single(e.Findings);
    }

    [Theory]
    [InlineData("2026-11-26", true)]
    [InlineData("2026-11-25", false)]
    [InlineData("2026-11-27", true)]
    public void An_exemption_lasts_through_the_end_of_its_day_in_UTC(string until, bool exempt)
    {
        var group = Group("sg-1", [("sg-config-rule:exempt", until)], Tcp(22, "0.0.0.0/0"));
        Assert.Equal(exempt, Evaluator.Evaluate(group, PolicyParameters.Default, At("2026-11-26T23:59:59.999Z")).Exemption.IsExempt);
        Assert.Equal(until != "2026-11-25" && until != "2026-11-26",
            Evaluator.Evaluate(group, PolicyParameters.Default, At("2026-11-27T00:00:00Z")).Exemption.IsExempt);
    }

    [Theory]
    [InlineData("2026-11-01 ticket", "Exemption expired 2026-11-01. 1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    [InlineData("next week", "Exemption tag ignored: 'next week' is not YYYY-MM-DD [reason]. 1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    [InlineData("2026-02-30", "Exemption tag ignored: '2026-02-30' is not YYYY-MM-DD [reason]. 1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    [InlineData("2026-12-31reason", "Exemption tag ignored: '2026-12-31reason' is not YYYY-MM-DD [reason]. 1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    [InlineData("", "Exemption tag ignored: '' is not YYYY-MM-DD [reason]. 1 disallowed rule: tcp/22 from 0.0.0.0/0 (blocked port 22)")]
    public void Expired_or_malformed_exemptions_exempt_nothing_and_say_why(string value, string annotation)
    {
        var e = Eval(Group("sg-1", [("sg-config-rule:exempt", value)], Tcp(22, "0.0.0.0/0")));
        Assert.Equal(Compliance.NonCompliant, e.Compliance);
        Assert.Equal(annotation, e.Annotation);
    }

    [Fact]
    public void An_exemption_beyond_maxExemptionDays_is_refused()
    {
        var group = Group("sg-1", [("sg-config-rule:exempt", "2027-06-01")], Tcp(22, "0.0.0.0/0"));
        var refused = Eval(group, "{'maxExemptionDays':'90'}");
        Assert.Equal(Compliance.NonCompliant, refused.Compliance);
        Assert.StartsWith("Exemption until 2027-06-01 refused: over maxExemptionDays 90.", refused.Annotation);
        Assert.True(Eval(group, "{'maxExemptionDays':'365'}").Exemption.IsExempt);
        Assert.True(Eval(Group("sg-1", [("sg-config-rule:exempt", "2027-02-24")], Tcp(22, "0.0.0.0/0")), "{'maxExemptionDays':'90'}").Exemption.IsExempt);
        Assert.False(Eval(Group("sg-1", [("sg-config-rule:exempt", "2027-02-25")], Tcp(22, "0.0.0.0/0")), "{'maxExemptionDays':'90'}").Exemption.IsExempt);
    }

    [Fact]
    public void The_exemption_tag_key_is_a_parameter_and_exemptions_can_be_off()
    {
        var group = Group("sg-1", [("security:exception", "2026-12-31")], Tcp(22, "0.0.0.0/0"));
        Assert.Equal(Compliance.NonCompliant, Eval(group).Compliance);
        Assert.Equal(Compliance.Compliant, Eval(group, "{'exemptionTagKey':'security:exception'}").Compliance);
        var defaultTag = Group("sg-1", [("sg-config-rule:exempt", "2026-12-31")], Tcp(22, "0.0.0.0/0"));
        Assert.Equal(Compliance.NonCompliant, Eval(defaultTag, "{'exemptionTagKey':''}").Compliance);
    }

    [Fact]
    public void A_compliant_group_with_a_malformed_exemption_still_says_so()
    {
        var e = Eval(Group("sg-1", [("sg-config-rule:exempt", "soon")], Tcp(443, "0.0.0.0/0")));
        Assert.Equal(Compliance.Compliant, e.Compliance);
        Assert.Equal("Exemption tag ignored: 'soon' is not YYYY-MM-DD [reason]", e.Annotation);
    }

    [Fact]
    public void Not_applicable_items_keep_their_reason()
    {
        var item = ResourceItem.NotApplicable(ResourceItem.SecurityGroupType, "sg-1", null, ResourceContext.Unknown, "Resource deleted");
        var e = Evaluator.Evaluate(item, PolicyParameters.Default, Now);
        Assert.Equal(Compliance.NotApplicable, e.Compliance);
        Assert.Equal("Resource deleted", e.Annotation);
    }

    [Fact]
    public void Findings_keep_the_groups_rule_order_and_rule_ids()
    {
        var e = Eval(Group(Tcp(3389, 3389, "0.0.0.0/0", "sgr-b"), Tcp(443, 443, "0.0.0.0/0", "sgr-x"), Tcp(22, 22, "10.0.0.0/8", "sgr-a")));
        Assert.Equal(["sgr-b", "sgr-a"], e.Findings.Select(f => f.Rule.RuleId));
        Assert.Equal("2 disallowed rules: tcp/3389 from 0.0.0.0/0 (blocked port 3389); tcp/22 from 10.0.0.0/8 (blocked port 22)", e.Annotation);
    }

    [Fact]
    public void An_exempt_group_with_nothing_to_flag_says_only_until_when()
    {
        var e = Eval(Group("sg-1", [("sg-config-rule:exempt", "2026-12-31")], Tcp(443, "0.0.0.0/0")));
        Assert.Equal(Compliance.Compliant, e.Compliance);
        Assert.True(e.Exemption.IsExempt);
        Assert.Equal("Exempt until 2026-12-31", e.Annotation);
    }

    [Fact]
    public void An_exempt_group_without_a_reason_names_only_the_date_before_what_it_would_flag() =>
        Assert.Equal("Exempt until 2026-12-31: would flag tcp/22 from 0.0.0.0/0 (blocked port 22)",
            Eval(Group("sg-1", [("sg-config-rule:exempt", "2026-12-31")], Tcp(22, "0.0.0.0/0"))).Annotation);

    [Theory]
    [InlineData("{'scopeTagKey':'tier'}", "env", "prod", "Outside the rule's scope: no tag tier")]
    [InlineData("{'scopeTagKey':'tier','scopeTagValue':'web'}", "env", "web", "Outside the rule's scope: no tag tier")]
    [InlineData("{'scopeTagKey':'tier','scopeTagValue':'web'}", "tier", "database", "Outside the rule's scope: tag tier is 'database', the scope is 'web'")]
    [InlineData("{'scopeTagKey':'tier','scopeTagValue':'web'}", "tier", "Web", "Outside the rule's scope: tag tier is 'Web', the scope is 'web'")]
    [InlineData("{'scopeTagKey':'tier','scopeTagValue':'web'}", "Tier", "web", "Outside the rule's scope: no tag tier")]
    public void A_group_outside_the_tag_scope_is_not_applicable_and_says_why(string parameters, string key, string value, string annotation)
    {
        var e = Eval(Group("sg-1", [(key, value)], Tcp(22, "0.0.0.0/0")), parameters);
        Assert.Equal(Compliance.NotApplicable, e.Compliance);
        Assert.Equal(annotation, e.Annotation);
        Assert.Empty(e.Findings);
    }

    [Theory]
    [InlineData("{'scopeTagKey':'tier'}", "database")]
    [InlineData("{'scopeTagKey':'tier','scopeTagValue':'web'}", "web")]
    public void A_group_inside_the_tag_scope_is_judged(string parameters, string value) =>
        Assert.Equal(Compliance.NonCompliant, Eval(Group("sg-1", [("tier", value)], Tcp(22, "0.0.0.0/0")), parameters).Compliance);

    [Fact]
    public void A_scope_tag_value_known_only_at_deployment_keeps_the_group_in_scope()
    {
        // A template's import or a Terraform value known after apply might be the scope's value: judged (fail closed).
        var unknown = new ResourceTag("tier", "(known after apply)") { ValueUnknown = true };
        var group = Group("sg-1", [], Tcp(22, "0.0.0.0/0")) with { Tags = [unknown] };
        Assert.Equal(Compliance.NonCompliant, Eval(group, "{'scopeTagKey':'tier','scopeTagValue':'web'}").Compliance);
        // The same text as a known value is simply another value.
        var known = group with { Tags = [new ResourceTag("tier", "(known after apply)")] };
        Assert.Equal(Compliance.NotApplicable, Eval(known, "{'scopeTagKey':'tier','scopeTagValue':'web'}").Compliance);
        Assert.True(group.TagValueUnknown("tier"));
        Assert.False(group.TagValueUnknown("env"));
        Assert.False(known.TagValueUnknown("tier"));
    }
}
