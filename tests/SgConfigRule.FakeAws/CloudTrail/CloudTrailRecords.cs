using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Ec2;

namespace SgConfigRule.FakeAws.CloudTrail;

/// <summary>
/// CloudTrail records shaped like the real ones for EC2 security group calls (the shape AWS documents and that public
/// recordings show): <c>requestParameters.ipPermissions.items</c> with their <c>items</c> wrappers, and
/// <c>responseElements.securityGroupRuleSet.items</c> carrying the new rules' <c>securityGroupRuleId</c>s.
/// </summary>
public static class CloudTrailRecords
{
    public static TrailEvent AuthorizeIngress(string groupId, IReadOnlyList<Ec2Rule> rules, string principalArn, string accessKeyId,
                                              string sourceIp, DateTime time, string region = "us-east-1", bool withRuleIds = true, string? eventId = null)
    {
        var account = principalArn.Split(':') is { Length: > 4 } parts ? parts[4] : FakeEc2.DefaultAccount;
        var userName = principalArn[(principalArn.LastIndexOf('/') + 1)..];
        eventId ??= Guid.NewGuid().ToString();
        var permissions = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
        {
            ["ipProtocol"] = r.Protocol,
            ["fromPort"] = r.FromPort,
            ["toPort"] = r.ToPort,
            ["groups"] = r.Source.GroupId is null ? new JsonObject() : new JsonObject { ["items"] = new JsonArray(new JsonObject { ["groupId"] = r.Source.GroupId, ["userId"] = r.Source.UserId }) },
            ["ipRanges"] = r.Source.CidrIpv4 is null ? new JsonObject() : new JsonObject { ["items"] = new JsonArray(Range("cidrIp", r.Source.CidrIpv4, r.Description)) },
            ["ipv6Ranges"] = r.Source.CidrIpv6 is null ? new JsonObject() : new JsonObject { ["items"] = new JsonArray(Range("cidrIpv6", r.Source.CidrIpv6, r.Description)) },
            ["prefixListIds"] = r.Source.PrefixListId is null ? new JsonObject() : new JsonObject { ["items"] = new JsonArray(Range("prefixListId", r.Source.PrefixListId, r.Description)) },
        })]);
        var record = new JsonObject
        {
            ["eventVersion"] = "1.08",
            ["userIdentity"] = new JsonObject
            {
                ["type"] = principalArn.Contains(":assumed-role/", StringComparison.Ordinal) ? "AssumedRole" : "IAMUser",
                ["principalId"] = $"AIDA{account}",
                ["arn"] = principalArn,
                ["accountId"] = account,
                ["accessKeyId"] = accessKeyId,
                ["userName"] = userName,
            },
            ["eventTime"] = CloudTrailTime(time),
            ["eventSource"] = "ec2.amazonaws.com",
            ["eventName"] = "AuthorizeSecurityGroupIngress",
            ["awsRegion"] = region,
            ["sourceIPAddress"] = sourceIp,
            ["userAgent"] = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12 prompt/off command/ec2.authorize-security-group-ingress",
            ["requestParameters"] = new JsonObject { ["groupId"] = groupId, ["ipPermissions"] = new JsonObject { ["items"] = permissions } },
            ["responseElements"] = withRuleIds
                ? new JsonObject
                {
                    ["requestId"] = Guid.NewGuid().ToString(),
                    ["_return"] = true,
                    ["securityGroupRuleSet"] = new JsonObject
                    {
                        ["items"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
                        {
                            ["groupOwnerId"] = account,
                            ["groupId"] = groupId,
                            ["securityGroupRuleId"] = r.RuleId,
                            ["isEgress"] = false,
                            ["ipProtocol"] = r.Protocol,
                            ["fromPort"] = r.FromPort,
                            ["toPort"] = r.ToPort,
                            ["cidrIpv4"] = r.Source.CidrIpv4,
                            ["cidrIpv6"] = r.Source.CidrIpv6,
                            ["prefixListId"] = r.Source.PrefixListId,
                            ["description"] = r.Description,
                        })]),
                    },
                }
                : new JsonObject { ["requestId"] = Guid.NewGuid().ToString(), ["_return"] = true },
            ["requestID"] = Guid.NewGuid().ToString(),
            ["eventID"] = eventId,
            ["readOnly"] = false,
            ["eventType"] = "AwsApiCall",
            ["managementEvent"] = true,
            ["recipientAccountId"] = account,
            ["eventCategory"] = "Management",
        };
        return new TrailEvent(eventId, "AuthorizeSecurityGroupIngress", time, userName, accessKeyId,
            [("AWS::EC2::SecurityGroup", groupId)], record.ToJsonString());
    }

    private static JsonObject Range(string key, string value, string? description)
    {
        var o = new JsonObject { [key] = value };
        if (description is not null) o["description"] = description;
        return o;
    }

    private static string CloudTrailTime(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
