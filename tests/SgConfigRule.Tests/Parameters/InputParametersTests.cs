using System.Text.Json;
using CsCheck;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Tests.Parameters;

/// <summary>
/// <see cref="PolicyParameters.ToInputParameters"/>: the effective policy in InputParameters form, defaults included
/// and unset optional keys left out, which the parser reads back to the same policy (scan's report and the
/// remediation's notification print it; the revoke function compares it).
/// </summary>
public class InputParametersTests
{
    private static readonly string[] Settings =
        ["blockedPorts", "authorizedTcpPorts", "authorizedUdpPorts", "sourceScope", "trustedSources", "exemptionTagKey",
         "maxExemptionDays", "scopeTagKey", "scopeTagValue", "executionRoleName", "fullRepostDays"];

    private static string[] Pairs(PolicyParameters p) => [.. p.ToInputParameters().Select(kv => $"{kv.Key}={kv.Value}")];

    /// <summary>Every setting as text, so two policies compare field by field.</summary>
    private static string[] Fields(PolicyParameters p) =>
    [
        $"blockedPorts={p.BlockedPorts}", $"authorizedTcpPorts={p.AuthorizedTcpPorts?.ToString() ?? "(unset)"}",
        $"authorizedUdpPorts={p.AuthorizedUdpPorts?.ToString() ?? "(unset)"}", $"sourceScope={p.SourceScope}",
        $"trustedSources={p.TrustedSources}", $"exemptionTagKey={p.ExemptionTagKey ?? "(off)"}",
        $"maxExemptionDays={p.MaxExemptionDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unset)"}",
        $"scopeTagKey={p.ScopeTagKey ?? "(unset)"}", $"scopeTagValue={p.ScopeTagValue ?? "(unset)"}",
        $"executionRoleName={p.ExecutionRoleName ?? "(unset)"}",
        $"fullRepostDays={p.FullRepostDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unset)"}",
    ];

    private static PolicyParameters Reparse(PolicyParameters p) =>
        ParameterParser.Parse(JsonSerializer.Serialize(p.ToInputParameters().ToDictionary(kv => kv.Key, kv => kv.Value)));

    [Fact]
    public void The_default_policy_states_its_defaults() =>
        Assert.Equal(["blockedPorts=22,3389", "sourceScope=address", "exemptionTagKey=sg-config-rule:exempt"], Pairs(PolicyParameters.Default));

    [Fact]
    public void Every_setting_given_is_listed_in_the_order_of_the_parameter_table()
    {
        var p = ParameterParser.Parse("""
            {"executionRoleName":"Member","scopeTagValue":"web","scopeTagKey":"tier","maxExemptionDays":"30",
             "exemptionTagKey":"security:exception","trustedSources":"sg-12345678,10.0.0.0/8","sourceScope":"world",
             "authorizedUdpPorts":"53,123","authorizedTcpPorts":"443,1020-1025","blockedPorts":"8000-8100,22"}
            """);
        Assert.Equal(
            ["blockedPorts=22,8000-8100", "authorizedTcpPorts=443,1020-1025", "authorizedUdpPorts=53,123", "sourceScope=world",
             "trustedSources=10.0.0.0/8,sg-12345678", "exemptionTagKey=security:exception", "maxExemptionDays=30",
             "scopeTagKey=tier", "scopeTagValue=web", "executionRoleName=Member"],
            Pairs(p));
    }

    [Fact]
    public void Turned_off_settings_are_stated_as_empty()
    {
        var p = ParameterParser.Parse("""{"blockedPorts":"","exemptionTagKey":""}""");
        Assert.Equal(["blockedPorts=", "sourceScope=address", "exemptionTagKey="], Pairs(p));
    }

    [Fact]
    public void Any_policy_reads_back_from_its_input_parameters_to_the_same_policy()
    {
        Gen<string?> OneOf(params string?[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);
        var values = new[]
        {
            OneOf(null, "", "22", "22,3389", "8000-8100", "0-65535", "22, 80-90 ,3389"),
            OneOf(null, "", "443", "443,1020-1025", "0-65535"),
            OneOf(null, "", " ", "53", "53,123"),
            OneOf(null, "", "world", "public", "address", "all"),
            OneOf(null, "", "10.0.0.0/8", "pl-0a1b2c3d4e5f67890", "sg-12345678", "sg-12345678,2001:db8::1/32,pl-11111111,192.0.2.0/24"),
            OneOf(null, "", "sg-config-rule:exempt", "security:exception"),
            OneOf(null, "", "0", "90", "36500"),
            OneOf(null, "", "tier", "aws:cloudformation:stack-name"),
            OneOf(null, "", "web"),
            OneOf(null, "", "Member", "SgConfigRuleMemberRole"),
            OneOf(null, "", "0", "30", "3650"),
        };
        values.Aggregate(Gen.Const(Enumerable.Empty<string?>()), (all, one) => Gen.Select(all, one).Select(t => t.Item1.Append(t.Item2)))
            .Select(chosen => Settings.Zip(chosen).Where(kv => kv.Second is not null).ToDictionary(kv => kv.First, kv => kv.Second!))
            .Where(given => !given.ContainsKey("scopeTagValue") || given.GetValueOrDefault("scopeTagKey", "") != "" || given["scopeTagValue"] == "")
            .Sample(given =>
            {
                var p = ParameterParser.Parse(JsonSerializer.Serialize(given));
                Assert.Equal(Fields(p), Fields(Reparse(p)));
                var keys = p.ToInputParameters().Select(kv => kv.Key).ToList();
                Assert.Equal(Settings.Where(keys.Contains), keys);
                Assert.Subset(keys.ToHashSet(), new HashSet<string> { "blockedPorts", "sourceScope", "exemptionTagKey" });
            }, iter: 1000, print: given => JsonSerializer.Serialize(given));
    }
}
