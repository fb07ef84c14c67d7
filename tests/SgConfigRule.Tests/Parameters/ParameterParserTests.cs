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

    [Theory]
    [InlineData("{\"fullRepostDays\":\"30\"}", 30)]
    [InlineData("{\"fullRepostDays\":7}", 7)]
    [InlineData("{\"fullRepostDays\":\"0\"}", 0)]
    [InlineData("{\"fullRepostDays\":\"3650\"}", 3650)]
    [InlineData("{\"fullRepostDays\":\"\"}", null)]
    [InlineData("{}", null)]
    public void FullRepostDays_is_a_whole_number_of_days_unset_by_default(string json, int? days) =>
        Assert.Equal(days, ParameterParser.Parse(json).FullRepostDays);

    [Theory]
    [InlineData("3651")]
    [InlineData("-1")]
    [InlineData("7d")]
    public void FullRepostDays_outside_0_to_3650_is_refused_by_name(string value)
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse($"{{\"fullRepostDays\":\"{value}\"}}"));
        Assert.Equal(("fullRepostDays", value, "must be a whole number of days from 0 to 3650"), (e.Key, e.Value, e.Problem));
    }

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

    [Fact]
    public void A_parameter_error_quotes_the_key_and_the_value_as_given()
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse(Q("{'sourceScope':' internet '}")));
        Assert.Equal("sourceScope", e.Key);
        Assert.Equal(" internet ", e.Value);
        Assert.Equal("must be one of world, public, address, all", e.Problem);
        Assert.Equal("rule parameter 'sourceScope' = ' internet ': must be one of world, public, address, all", e.Message);
    }

    [Theory]
    [InlineData("{'blockedPorts':{}}", "{}", "must be a string, not an object")]
    [InlineData("{'blockedPorts':['22']}", "[\"22\"]", "must be a string, not an array")]
    [InlineData("{'maxExemptionDays':true}", "true", "must be a string, not a boolean")]
    [InlineData("{'exemptionTagKey':null}", "null", "must be a string, not null")]
    [InlineData("{'blockedPorts':22}", "22", "must be a string, not a number")]
    public void A_value_that_is_not_a_string_is_named_by_its_JSON_kind(string json, string raw, string problem)
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse(Q(json)));
        Assert.Equal(raw, e.Value);
        Assert.Equal(problem, e.Problem);
    }

    [Theory]
    [InlineData("[]", "rule parameters must be a JSON object of strings, not an array")]
    [InlineData("true", "rule parameters must be a JSON object of strings, not a boolean")]
    [InlineData("42", "rule parameters must be a JSON object of strings, not a number")]
    public void Parameters_that_are_not_an_object_say_what_they_are(string json, string message)
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse(json));
        Assert.Equal(message, e.Message);
        Assert.Equal("", e.Key);
        Assert.Null(e.Value);
    }

    [Fact]
    public void Invalid_json_names_no_key_and_keeps_the_parser_error()
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse("{\"blockedPorts\":"));
        Assert.Equal("", e.Key);
        Assert.Null(e.Value);
        Assert.StartsWith("rule parameters are not valid JSON: ", e.Message);
        Assert.IsType<System.Text.Json.JsonException>(e.InnerException, exactMatch: false);
    }

    [Theory]
    [InlineData("exemptionTagKey", 128, "a tag key has at most 128 characters")]
    [InlineData("scopeTagKey", 128, "has at most 128 characters")]
    [InlineData("scopeTagValue", 256, "has at most 256 characters")]
    public void Tag_keys_and_values_are_limited_to_AWSs_lengths(string key, int limit, string problem)
    {
        static string Json(string key, string value) => key == ParameterNames.ScopeTagValue
            ? $"{{\"scopeTagKey\":\"tier\",\"{key}\":\"{value}\"}}"
            : $"{{\"{key}\":\"{value}\"}}";

        var longest = new string('k', limit);
        var p = ParameterParser.Parse(Json(key, longest));
        Assert.Equal(longest, key switch
        {
            ParameterNames.ExemptionTagKey => p.ExemptionTagKey,
            ParameterNames.ScopeTagKey => p.ScopeTagKey,
            _ => p.ScopeTagValue,
        });

        var tooLong = longest + "k";
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse(Json(key, tooLong)));
        Assert.Equal(key, e.Key);
        Assert.Equal(tooLong, e.Value);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void MaxExemptionDays_goes_up_to_a_hundred_years()
    {
        Assert.Equal(36_500, ParameterParser.Parse(Q("{'maxExemptionDays':'36500'}")).MaxExemptionDays);
        Assert.Equal(36_500, ParameterParser.Parse(Q("{'maxExemptionDays':' 36500 '}")).MaxExemptionDays);
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse(Q("{'maxExemptionDays':'36501'}")));
        Assert.Equal("36501", e.Value);
        Assert.Equal("must be a whole number of days from 0 to 36500", e.Problem);
    }
}
