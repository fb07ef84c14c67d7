using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using static SgConfigRule.Tests.Support.Inputs;

namespace SgConfigRule.Tests.Parameters;

/// <summary>One test per row of the parameter table in DESIGN §3 (docs/policy.md), plus the error cases.</summary>
public class ParameterParserTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("null")]
    public void No_parameters_is_the_default_policy(string? json)
    {
        var p = ParameterParser.Parse(json);
        Assert.Equal("22,3389", p.BlockedPorts.ToString());
        Assert.Null(p.AuthorizedTcpPorts);
        Assert.Null(p.AuthorizedUdpPorts);
        Assert.False(p.IsAllowListMode);
        Assert.Equal(SourceScope.Address, p.SourceScope);
        Assert.True(p.TrustedSources.IsEmpty);
        Assert.Equal("sg-config-rule:exempt", p.ExemptionTagKey);
        Assert.Null(p.MaxExemptionDays);
        Assert.Null(p.ExecutionRoleName);
    }

    [Fact]
    public void BlockedPorts_takes_ports_and_ranges() =>
        Assert.Equal("22,3389,8000-8100", ParameterParser.Parse(Q("{'blockedPorts':'22,3389,8000-8100'}")).BlockedPorts.ToString());

    [Fact]
    public void BlockedPorts_empty_blocks_nothing() =>
        Assert.True(ParameterParser.Parse(Q("{'blockedPorts':''}")).BlockedPorts.IsEmpty);

    [Fact]
    public void Either_authorized_list_turns_on_allow_list_mode_and_the_other_is_empty()
    {
        var p = ParameterParser.Parse(Q("{'authorizedTcpPorts':'443,1020-1025'}"));
        Assert.True(p.IsAllowListMode);
        Assert.Equal("443,1020-1025", p.AuthorizedPortsFor(IpProtocol.Tcp).ToString());
        Assert.True(p.AuthorizedPortsFor(IpProtocol.Udp).IsEmpty);

        var u = ParameterParser.Parse(Q("{'authorizedUdpPorts':'53'}"));
        Assert.True(u.IsAllowListMode);
        Assert.Equal("53", u.AuthorizedPortsFor(IpProtocol.Udp).ToString());
        Assert.True(u.AuthorizedPortsFor(IpProtocol.Tcp).IsEmpty);
    }

    [Fact]
    public void An_empty_authorized_list_means_not_given()
    {
        // Conformance packs cannot leave a parameter out, so '' has to mean "unset" here.
        var p = ParameterParser.Parse(Q("{'authorizedTcpPorts':'','authorizedUdpPorts':' '}"));
        Assert.False(p.IsAllowListMode);
    }

    [Theory]
    [InlineData("world", SourceScope.World)]
    [InlineData("public", SourceScope.Public)]
    [InlineData("address", SourceScope.Address)]
    [InlineData("all", SourceScope.All)]
    [InlineData("", SourceScope.Address)]
    public void SourceScope_takes_the_four_scopes(string value, SourceScope scope) =>
        Assert.Equal(scope, ParameterParser.Parse($"{{\"sourceScope\":\"{value}\"}}").SourceScope);

    [Fact]
    public void TrustedSources_takes_cidrs_prefix_lists_and_groups()
    {
        var p = ParameterParser.Parse(Q("{'trustedSources':'10.0.0.0/8, 2001:db8::/32,pl-0a1b2c3d4e5f67890,sg-12345678'}"));
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], p.TrustedSources.Cidrs.Select(c => c.ToString()));
        Assert.Equal(["pl-0a1b2c3d4e5f67890"], p.TrustedSources.PrefixListIds);
        Assert.Equal(["sg-12345678"], p.TrustedSources.SecurityGroupIds);
    }

    [Fact]
    public void TrustedSources_cidrs_are_canonicalised() =>
        Assert.Equal("203.0.113.0/24", ParameterParser.Parse(Q("{'trustedSources':'203.0.113.9/24'}")).TrustedSources.Cidrs[0].ToString());

    [Fact]
    public void ExemptionTagKey_can_be_renamed_or_turned_off()
    {
        Assert.Equal("security:exception", ParameterParser.Parse(Q("{'exemptionTagKey':'security:exception'}")).ExemptionTagKey);
        Assert.Null(ParameterParser.Parse(Q("{'exemptionTagKey':''}")).ExemptionTagKey);
    }

    [Theory]
    [InlineData("{\"maxExemptionDays\":\"90\"}", 90)]
    [InlineData("{\"maxExemptionDays\":90}", 90)]
    [InlineData("{\"maxExemptionDays\":\"0\"}", 0)]
    [InlineData("{\"maxExemptionDays\":\"\"}", null)]
    public void MaxExemptionDays_is_a_whole_number_of_days(string json, int? days) =>
        Assert.Equal(days, ParameterParser.Parse(json).MaxExemptionDays);

    [Fact]
    public void ExecutionRoleName_is_a_role_name() =>
        Assert.Equal("SgConfigRuleMemberRole", ParameterParser.Parse(Q("{'executionRoleName':'SgConfigRuleMemberRole'}")).ExecutionRoleName);

    [Fact]
    public void A_scope_tag_may_have_a_value_and_an_aws_key()
    {
        var p = ParameterParser.Parse(Q("{'scopeTagKey':'aws:cloudformation:stack-name','scopeTagValue':'web'}"));
        Assert.Equal("aws:cloudformation:stack-name", p.ScopeTagKey);
        Assert.Equal("web", p.ScopeTagValue);
        Assert.Null(ParameterParser.Parse(Q("{'scopeTagKey':''}")).ScopeTagKey);
        Assert.Equal(p, ParameterParser.Parse(System.Text.Json.JsonSerializer.Serialize(p.ToInputParameters().ToDictionary(kv => kv.Key, kv => kv.Value))));
    }

    [Theory]
    [InlineData("{'blockedport':'22'}", "blockedport", "did you mean 'blockedPorts'?")]
    [InlineData("{'BlockedPorts':'22'}", "BlockedPorts", "keys are case-sensitive")]
    [InlineData("{'ports':'22'}", "ports", "known parameters are blockedPorts")]
    [InlineData("{'blockedPorts':'22,ssh'}", "blockedPorts", "'ssh' is not a port")]
    [InlineData("{'blockedPorts':22}", "blockedPorts", "must be a string, not a number")]
    [InlineData("{'authorizedTcpPorts':'443-80'}", "authorizedTcpPorts", "ends before it starts")]
    [InlineData("{'authorizedUdpPorts':'70000'}", "authorizedUdpPorts", "is not a port")]
    [InlineData("{'sourceScope':'internet'}", "sourceScope", "must be one of world, public, address, all")]
    [InlineData("{'sourceScope':'World'}", "sourceScope", "must be one of")]
    [InlineData("{'trustedSources':'10.0.0.0'}", "trustedSources", "the /prefix length is missing")]
    [InlineData("{'trustedSources':'sg-xyz'}", "trustedSources", "is not a security group id")]
    [InlineData("{'trustedSources':'pl-1234'}", "trustedSources", "is not a prefix list id")]
    [InlineData("{'trustedSources':'10.0.0.0/8,,'}", "trustedSources", "empty item")]
    [InlineData("{'exemptionTagKey':'aws:exempt'}", "exemptionTagKey", "reserved by AWS")]
    [InlineData("{'exemptionTagKey':' padded'}", "exemptionTagKey", "must not start or end with blanks")]
    [InlineData("{'maxExemptionDays':'-5'}", "maxExemptionDays", "whole number of days")]
    [InlineData("{'maxExemptionDays':'30.5'}", "maxExemptionDays", "whole number of days")]
    [InlineData("{'maxExemptionDays':true}", "maxExemptionDays", "must be a string")]
    [InlineData("{'executionRoleName':'arn:aws:iam::111122223333:role/x'}", "executionRoleName", "not an ARN")]
    [InlineData("{'scopeTagValue':'web'}", "scopeTagValue", "needs scopeTagKey")]
    [InlineData("{'scopeTagKey':'tier '}", "scopeTagKey", "must not start or end with blanks")]
    public void Bad_parameters_name_the_key_and_the_value(string json, string key, string problem)
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse(Q(json)));
        Assert.Equal(key, e.Key);
        Assert.Contains($"'{key}'", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("\"22\"", "must be a JSON object")]
    [InlineData("{", "not valid JSON")]
    [InlineData("{'a':1,'a':2}", "not valid JSON")]
    public void Parameters_must_be_one_json_object(string json, string problem) =>
        Assert.Contains(problem, Assert.Throws<ParameterException>(() => ParameterParser.Parse(Q(json))).Message);

    [Theory]
    [InlineData("{}")]
    [InlineData("{'blockedPorts':'','authorizedTcpPorts':'443','authorizedUdpPorts':'53,123','sourceScope':'public'}")]
    [InlineData("{'trustedSources':'10.0.0.0/8,pl-0a1b2c3d4e5f67890,sg-0123456789abcdef0','exemptionTagKey':'','maxExemptionDays':'30','executionRoleName':'Member'}")]
    public void Effective_parameters_round_trip_through_the_parser(string json)
    {
        var p = ParameterParser.Parse(Q(json));
        var again = ParameterParser.Parse(System.Text.Json.JsonSerializer.Serialize(
            p.ToInputParameters().ToDictionary(kv => kv.Key, kv => kv.Value)));
        Assert.Equal(p.ToInputParameters(), again.ToInputParameters());
    }
}
