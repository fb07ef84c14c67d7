using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using SgConfigRule.Aws.Protocol;

namespace SgConfigRule.Remediation.Execution;

/// <summary>How one revoke call ended.</summary>
public abstract record RevokeAttempt
{
    /// <summary>EC2 answered: <see cref="Revoked"/> is what it says it removed; <see cref="Unmatched"/> permissions matched no rule (default VPC).</summary>
    public sealed record Answered(IReadOnlyList<RevokedRule> Revoked, int Unmatched) : RevokeAttempt;

    /// <summary>EC2 refused the call with an error: nothing was removed.</summary>
    public sealed record Refused(string ErrorCode, string Message) : RevokeAttempt
    {
        public bool ChangedMeanwhile => ErrorCode == "InvalidPermission.NotFound";
        public bool GroupGone => ErrorCode == "InvalidGroup.NotFound";
        public bool Throttled => ErrorCode is "RequestLimitExceeded" or "Throttling" or "ThrottlingException";
        public bool Unauthorized => ErrorCode is "UnauthorizedOperation" or "AccessDenied";
    }

    /// <summary>The answer never came (timeout, dropped connection, a server error): EC2 may or may not have acted.</summary>
    public sealed record Unknown(string Problem) : RevokeAttempt;
}

/// <summary>
/// The one write the remediation makes to EC2: <c>RevokeSecurityGroupIngress</c> by exact content (<c>IpPermissions</c>),
/// never by id — EC2 then refuses (non-default VPC: <c>InvalidPermission.NotFound</c>) or skips (default VPC:
/// <c>UnknownIpPermissions</c>) a rule that changed since it was read. The client given here must not retry on its own:
/// a retried revoke whose first answer was lost fails or matches nothing, hiding that the first one worked; the run
/// decides what to do after an unknown outcome by reading the group again.
/// </summary>
public sealed class Ec2Revoker(IAmazonEC2 ec2WithoutRetries)
{
    public async Task<RevokeAttempt> RevokeAsync(string groupId, IReadOnlyList<RevokedRule> rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        try
        {
            var response = await ec2WithoutRetries.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
            {
                GroupId = groupId,
                IpPermissions = [.. rules.Select(RuleContent.ToIpPermission)],
            }, cancellationToken).ConfigureAwait(false);
            return Interpret(rules, response);
        }
        catch (AmazonServiceException e) when (IsDefinite(e))
        {
            return new RevokeAttempt.Refused(e.ErrorCode ?? e.StatusCode.ToString(), e.Message);
        }
        catch (Exception e) when (AwsCallFailure.Is(e) || e is OperationCanceledException)
        {
            return new RevokeAttempt.Unknown(RemediationRun.Describe(e));
        }
    }

    /// <summary>
    /// An error answer means EC2 did nothing: every 4xx, and throttling (which EC2 sends as 503). Other 5xx answers and
    /// no answer at all leave the outcome unknown.
    /// </summary>
    private static bool IsDefinite(AmazonServiceException e) =>
        (int)e.StatusCode is >= 400 and < 500 || e.ErrorCode is "RequestLimitExceeded" or "Throttling"
        || (e.StatusCode == HttpStatusCode.ServiceUnavailable && e.ErrorCode == "RequestLimitExceeded");

    /// <summary>
    /// What EC2 says it removed, described for people from what was read (the referenced group's owner and VPC are not in
    /// EC2's answer) with EC2's own id and description (a description edited after the read is what gets restored).
    /// Pure: tested without HTTP.
    /// </summary>
    public static RevokeAttempt.Answered Interpret(IReadOnlyList<RevokedRule> intended, RevokeSecurityGroupIngressResponse response)
    {
        ArgumentNullException.ThrowIfNull(intended);
        ArgumentNullException.ThrowIfNull(response);
        var unmatched = response.UnknownIpPermissions?.Count ?? 0;
        var answered = response.RevokedSecurityGroupRules ?? [];
        if (answered.Count == 0)
        {
            // An answer without details: success means everything asked for that EC2 did not list as unknown went.
            return unmatched == 0
                ? new RevokeAttempt.Answered([.. intended.Select(r => r with { Evidence = RevokeEvidence.Confirmed })], 0)
                : new RevokeAttempt.Answered([], unmatched);
        }
        var revoked = new List<RevokedRule>();
        foreach (var rule in answered.Where(r => r.IsEgress != true))
        {
            var key = RuleContent.Key(rule);
            var asRead = intended.FirstOrDefault(r => RuleContent.Key(r) == key);
            revoked.Add(asRead is null
                ? FromAnswer(rule)
                : asRead with { RuleId = rule.SecurityGroupRuleId ?? asRead.RuleId, Description = rule.Description, Evidence = RevokeEvidence.Confirmed });
        }
        return new RevokeAttempt.Answered(revoked, unmatched);
    }

    /// <summary>A rule EC2 removed that was not asked for by content (it never happens; if it does, it is still announced).</summary>
    private static RevokedRule FromAnswer(RevokedSecurityGroupRule rule)
    {
        var (type, source) = !string.IsNullOrEmpty(rule.CidrIpv4) ? ("ipv4", rule.CidrIpv4)
            : !string.IsNullOrEmpty(rule.CidrIpv6) ? ("ipv6", rule.CidrIpv6)
            : !string.IsNullOrEmpty(rule.PrefixListId) ? ("prefixList", rule.PrefixListId)
            : ("securityGroup", rule.ReferencedGroupId ?? "");
        var protocol = rule.IpProtocol ?? "-1";
        var traffic = protocol == "-1" ? "all traffic" : $"{protocol}/{rule.FromPort}-{rule.ToPort}";
        return new RevokedRule
        {
            RuleId = rule.SecurityGroupRuleId ?? "",
            Protocol = protocol,
            FromPort = rule.FromPort ?? -1,
            ToPort = rule.ToPort ?? -1,
            Source = source,
            SourceType = type,
            Description = rule.Description,
            Reason = "removed by EC2 although not asked for by content",
            Display = $"{traffic} from {source}",
            Evidence = RevokeEvidence.Confirmed,
        };
    }
}
