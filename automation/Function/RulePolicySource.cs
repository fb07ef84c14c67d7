using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Remediation;

/// <summary>
/// Reads the policy from the AWS Config rule itself (its InputParameters), so the remediation applies exactly what the
/// rule evaluated — whatever its length (a remediation's static values hold at most 256 characters) and even after
/// someone edits the rule's parameters. The caller names the rule; it cannot hand the function a different policy.
/// </summary>
internal static class RulePolicySource
{
    /// <summary>A conformance pack deploys its rules under "&lt;name in the pack&gt;-conformance-pack-&lt;id&gt;".</summary>
    public const string ConformancePackSuffix = "-conformance-pack-";

    /// <summary>The service that creates the rules of conformance packs (account packs and an organization's).</summary>
    public const string ConformancePackService = "config-conforms.amazonaws.com";

    public static async Task<PolicyParameters> ReadAsync(IAmazonConfigService config, string ruleName, bool requireConformancePack,
                                                         string? executionRoleName, CancellationToken cancellationToken)
    {
        var rule = requireConformancePack
            ? await FindInConformancePackAsync(config, ruleName, cancellationToken).ConfigureAwait(false)
            : await FindAsync(config, ruleName, cancellationToken).ConfigureAwait(false);
        try
        {
            // The role the caller chose to act with stays the caller's; the policy is the rule's.
            return ParameterParser.Parse(rule.InputParameters) with { ExecutionRoleName = executionRoleName };
        }
        catch (ParameterException e)
        {
            throw new PolicySourceException($"the InputParameters of AWS Config rule {rule.ConfigRuleName}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Only a rule a conformance pack deployed: a member account's administrator can create a rule with the pack's own
    /// name and a weaker policy, but not a rule created by the conformance-pack service.
    /// </summary>
    private static async Task<ConfigRule> FindInConformancePackAsync(IAmazonConfigService config, string ruleName, CancellationToken cancellationToken)
    {
        var prefix = ruleName + ConformancePackSuffix;
        var deployed = new List<ConfigRule>();
        await foreach (var page in config.DescribeConfigRulesPages(new DescribeConfigRulesRequest(), cancellationToken).ConfigureAwait(false))
        {
            deployed.AddRange(page.ConfigRules.Where(r => r.ConfigRuleName?.StartsWith(prefix, StringComparison.Ordinal) == true && r.CreatedBy == ConformancePackService));
        }
        return deployed.Count switch
        {
            1 => deployed[0],
            0 => throw new PolicySourceException($"there is no AWS Config rule {prefix}* deployed by a conformance pack in this account and Region"),
            _ => throw new PolicySourceException(
                $"several conformance packs deploy rule {ruleName} ({string.Join(", ", deployed.Select(r => r.ConfigRuleName))}); remove the extra pack"),
        };
    }

    private static async Task<ConfigRule> FindAsync(IAmazonConfigService config, string ruleName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await config.DescribeConfigRulesAsync(new DescribeConfigRulesRequest { ConfigRuleNames = [ruleName] }, cancellationToken)
                .ConfigureAwait(false);
            return response.ConfigRules.SingleOrDefault(r => r.ConfigRuleName == ruleName)
                ?? throw new PolicySourceException($"DescribeConfigRules did not return rule {ruleName}");
        }
        catch (AwsServiceException e) when (e.ErrorCode == "NoSuchConfigRuleException")
        {
            var prefix = ruleName + ConformancePackSuffix;
            var deployed = new List<ConfigRule>();
            await foreach (var page in config.DescribeConfigRulesPages(new DescribeConfigRulesRequest(), cancellationToken).ConfigureAwait(false))
            {
                deployed.AddRange(page.ConfigRules.Where(r => r.ConfigRuleName?.StartsWith(prefix, StringComparison.Ordinal) == true));
            }
            return deployed.Count switch
            {
                1 => deployed[0],
                0 => throw new PolicySourceException($"there is no AWS Config rule {ruleName} (nor {prefix}*) in this account and Region"),
                _ => throw new PolicySourceException(
                    $"several conformance packs deploy rule {ruleName} ({string.Join(", ", deployed.Select(r => r.ConfigRuleName))}): name the rule exactly"),
            };
        }
    }
}
