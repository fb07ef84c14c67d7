using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Ec2;

namespace SgConfigRule.FakeAws.CloudTrail;

/// <summary>
/// CloudTrail records shaped like the real ones for EC2 security group calls (the shape AWS documents and that public
/// recordings show): <c>requestParameters.ipPermissions.items</c> with their <c>items</c> wrappers, and
/// <c>responseElements.securityGroupRuleSet.items</c> carrying the new rules' <c>securityGroupRuleId</c>s.
/// ModifySecurityGroupRules records use the newer PascalCase request shape
/// (<c>requestParameters.ModifySecurityGroupRulesRequest.{GroupId, SecurityGroupRule.{SecurityGroupRuleId, SecurityGroupRule}}</c>),
/// the paths AWS's CloudTrail Lake sample query and public detections read.
/// </summary>
public static class CloudTrailRecords
{
    public static TrailEvent AuthorizeIngress(string groupId, IReadOnlyList<Ec2Rule> rules, string principalArn, string accessKeyId,
                                              string sourceIp, DateTime time, string region = "us-east-1", bool withRuleIds = true, string? eventId = null)
    {
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
        var account = AccountOf(principalArn);
        var response = withRuleIds
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
            : new JsonObject { ["requestId"] = Guid.NewGuid().ToString(), ["_return"] = true };
        return Record("AuthorizeSecurityGroupIngress", "authorize-security-group-ingress", groupId,
            new JsonObject { ["groupId"] = groupId, ["ipPermissions"] = new JsonObject { ["items"] = permissions } }, response,
            principalArn, accessKeyId, sourceIp, time, region, eventId);
    }

    /// <summary>
    /// A successful ModifySecurityGroupRules: the rule ids and their new content under
    /// <c>requestParameters.ModifySecurityGroupRulesRequest</c>, one update as an object, several as an array.
    /// </summary>
    public static TrailEvent ModifyRules(string groupId, IReadOnlyList<Ec2RuleUpdate> updates, string principalArn, string accessKeyId,
                                         string sourceIp, DateTime time, string region = "us-east-1", string? eventId = null)
    {
        var items = updates.Select(u =>
        {
            var rule = new JsonObject { ["IpProtocol"] = u.Content.Protocol };
            if (u.Content.Protocol != "-1")
            {
                rule["FromPort"] = u.Content.FromPort;
                rule["ToPort"] = u.Content.ToPort;
            }
            var source = u.Content.Source;
            if (source.CidrIpv4 is not null) rule["CidrIpv4"] = source.CidrIpv4;
            if (source.CidrIpv6 is not null) rule["CidrIpv6"] = source.CidrIpv6;
            if (source.PrefixListId is not null) rule["PrefixListId"] = source.PrefixListId;
            if (source.GroupId is not null) rule["ReferencedGroupId"] = source.GroupId;
            if (u.Content.Description is not null) rule["Description"] = u.Content.Description;
            return (JsonNode)new JsonObject { ["SecurityGroupRuleId"] = u.RuleId, ["SecurityGroupRule"] = rule };
        }).ToList();
        var request = new JsonObject
        {
            ["ModifySecurityGroupRulesRequest"] = new JsonObject
            {
                ["GroupId"] = groupId,
                ["SecurityGroupRule"] = items.Count == 1 ? items[0] : new JsonArray([.. items]),
            },
        };
        var response = new JsonObject
        {
            ["ModifySecurityGroupRulesResponse"] = new JsonObject { ["requestId"] = Guid.NewGuid().ToString(), ["return"] = true },
        };
        return Record("ModifySecurityGroupRules", "modify-security-group-rules", groupId, request, response,
            principalArn, accessKeyId, sourceIp, time, region, eventId);
    }

    /// <summary>The envelope every EC2 management event shares, around its request and response.</summary>
    private static TrailEvent Record(string eventName, string cliCommand, string groupId, JsonObject requestParameters, JsonObject responseElements,
                                     string principalArn, string accessKeyId, string sourceIp, DateTime time, string region, string? eventId)
    {
        var account = AccountOf(principalArn);
        var userName = principalArn[(principalArn.LastIndexOf('/') + 1)..];
        eventId ??= Guid.NewGuid().ToString();
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
            ["eventName"] = eventName,
            ["awsRegion"] = region,
            ["sourceIPAddress"] = sourceIp,
            ["userAgent"] = $"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12 prompt/off command/ec2.{cliCommand}",
            ["requestParameters"] = requestParameters,
            ["responseElements"] = responseElements,
            ["requestID"] = Guid.NewGuid().ToString(),
            ["eventID"] = eventId,
            ["readOnly"] = false,
            ["eventType"] = "AwsApiCall",
            ["managementEvent"] = true,
            ["recipientAccountId"] = account,
            ["eventCategory"] = "Management",
        };
        return new TrailEvent(eventId, eventName, time, userName, accessKeyId, [("AWS::EC2::SecurityGroup", groupId)], record.ToJsonString());
    }

    private static string AccountOf(string principalArn) =>
        principalArn.Split(':') is { Length: > 4 } parts ? parts[4] : FakeEc2.DefaultAccount;

    private static JsonObject Range(string key, string value, string? description)
    {
        var o = new JsonObject { [key] = value };
        if (description is not null) o["description"] = description;
        return o;
    }

    private static string CloudTrailTime(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
