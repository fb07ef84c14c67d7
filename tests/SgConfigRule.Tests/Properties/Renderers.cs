using System.Text.Json.Nodes;

namespace SgConfigRule.Tests.Properties;

/// <summary>
/// Writes a generated group in each input shape AWS produces, with the variations real data shows: legacy
/// <c>ipRanges</c> strings with or without <c>ipv4Ranges</c>, ports absent, null or -1 for all-protocol rules, float
/// ports, configuration as an object or as a JSON string, and one rule per source with ids.
/// </summary>
public static class Renderers
{
    public enum Shape
    {
        Ec2Groups,
        ConfigEventItem,
        ConfigApiItem,
        Ec2Rules,
    }

    public static readonly Shape[] AllShapes = Enum.GetValues<Shape>();

    public static string Render(GroupSpec group, Shape shape, int variant) => shape switch
    {
        Shape.Ec2Groups => new JsonObject { ["SecurityGroups"] = new JsonArray(Ec2Group(group, variant)) }.ToJsonString(),
        Shape.ConfigEventItem => ConfigItem(group, variant, apiForm: false).ToJsonString(),
        Shape.ConfigApiItem => new JsonObject { ["configurationItems"] = new JsonArray(ConfigItem(group, variant, apiForm: true)) }.ToJsonString(),
        Shape.Ec2Rules => Ec2Rules(group, variant).ToJsonString(),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static IEnumerable<IGrouping<(int Protocol, int From, int To), RuleSpec>> Permissions(GroupSpec group) =>
        group.Rules.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort));

    private static JsonObject Ec2Group(GroupSpec group, int variant)
    {
        var permissions = new JsonArray();
        foreach (var permission in Permissions(group))
        {
            var p = new JsonObject { ["IpProtocol"] = ProtocolText(permission.Key.Protocol, variant) };
            AddPorts(p, "FromPort", "ToPort", permission.Key, variant, allowFloat: false);
            p["IpRanges"] = Array(permission.Where(r => r.Kind == SourceKind.Ipv4).Select(r => Described("CidrIp", r.Source, r.Description, "Description")));
            p["Ipv6Ranges"] = Array(permission.Where(r => r.Kind == SourceKind.Ipv6).Select(r => Described("CidrIpv6", r.Source, r.Description, "Description")));
            p["PrefixListIds"] = Array(permission.Where(r => r.Kind == SourceKind.PrefixList).Select(r => Described("PrefixListId", r.Source, r.Description, "Description")));
            p["UserIdGroupPairs"] = Array(permission.Where(r => r.Kind == SourceKind.SecurityGroup).Select(r =>
            {
                var pair = Described("GroupId", r.Source, r.Description, "Description");
                pair["UserId"] = "111122223333";
                return pair;
            }));
            permissions.Add(p);
        }
        return new JsonObject
        {
            ["GroupId"] = group.GroupId,
            ["GroupName"] = "generated",
            ["OwnerId"] = "111122223333",
            ["IpPermissions"] = permissions,
            ["IpPermissionsEgress"] = new JsonArray(new JsonObject { ["IpProtocol"] = "-1", ["IpRanges"] = new JsonArray(new JsonObject { ["CidrIp"] = "0.0.0.0/0" }) }),
        };
    }

    private static JsonObject ConfigItem(GroupSpec group, int variant, bool apiForm)
    {
        var permissions = new JsonArray();
        var legacyOnly = variant % 3 == 0;
        foreach (var permission in Permissions(group))
        {
            var p = new JsonObject { ["ipProtocol"] = ProtocolText(permission.Key.Protocol, variant) };
            AddPorts(p, "fromPort", "toPort", permission.Key, variant, allowFloat: true);
            var v4 = permission.Where(r => r.Kind == SourceKind.Ipv4).ToList();
            p["ipRanges"] = Array(v4.Select(r => (JsonNode)JsonValue.Create(r.Source)!));
            if (!legacyOnly) p["ipv4Ranges"] = Array(v4.Select(r => Described("cidrIp", r.Source, r.Description, "description")));
            p["ipv6Ranges"] = Array(permission.Where(r => r.Kind == SourceKind.Ipv6).Select(r => Described("cidrIpv6", r.Source, r.Description, "description")));
            p["prefixListIds"] = Array(permission.Where(r => r.Kind == SourceKind.PrefixList).Select(r => Described("prefixListId", r.Source, r.Description, "description")));
            p["userIdGroupPairs"] = Array(permission.Where(r => r.Kind == SourceKind.SecurityGroup).Select(r =>
            {
                var pair = Described("groupId", r.Source, r.Description, "description");
                pair["userId"] = "111122223333";
                pair["vpcId"] = null;
                return pair;
            }));
            permissions.Add(p);
        }
        var configuration = new JsonObject
        {
            ["groupId"] = group.GroupId,
            ["groupName"] = "generated",
            ["ownerId"] = "111122223333",
            ["ipPermissions"] = permissions,
            ["ipPermissionsEgress"] = new JsonArray(),
            ["tags"] = new JsonArray(),
        };
        var item = new JsonObject
        {
            ["resourceType"] = "AWS::EC2::SecurityGroup",
            ["resourceId"] = group.GroupId,
            ["resourceName"] = "generated",
            ["configurationItemStatus"] = variant % 2 == 0 ? "OK" : "ResourceDiscovered",
            ["configuration"] = apiForm ? configuration.ToJsonString() : configuration,
        };
        if (apiForm)
        {
            item["accountId"] = "111122223333";
            item["configurationItemCaptureTime"] = 1772446504.512;
        }
        else
        {
            item["awsAccountId"] = "111122223333";
            item["configurationItemCaptureTime"] = "2026-03-02T10:15:04.512Z";
        }
        return item;
    }

    private static JsonObject Ec2Rules(GroupSpec group, int variant)
    {
        var rules = new JsonArray();
        var index = 0;
        foreach (var rule in group.Rules)
        {
            var r = new JsonObject
            {
                ["SecurityGroupRuleId"] = $"sgr-{index++:x17}",
                ["GroupId"] = group.GroupId,
                ["GroupOwnerId"] = "111122223333",
                ["IsEgress"] = false,
                ["IpProtocol"] = ProtocolText(rule.Protocol, variant),
                ["FromPort"] = rule.FromPort,
                ["ToPort"] = rule.ToPort,
            };
            switch (rule.Kind)
            {
                case SourceKind.Ipv4: r["CidrIpv4"] = rule.Source; break;
                case SourceKind.Ipv6: r["CidrIpv6"] = rule.Source; break;
                case SourceKind.PrefixList: r["PrefixListId"] = rule.Source; break;
                default: r["ReferencedGroupInfo"] = new JsonObject { ["GroupId"] = rule.Source, ["UserId"] = "111122223333" }; break;
            }
            if (rule.Description is not null) r["Description"] = rule.Description;
            rules.Add(r);
            if (variant % 4 == 1)
            {
                rules.Add(new JsonObject
                {
                    ["SecurityGroupRuleId"] = $"sgr-{index++:x17}", ["GroupId"] = group.GroupId, ["IsEgress"] = true,
                    ["IpProtocol"] = "-1", ["FromPort"] = -1, ["ToPort"] = -1, ["CidrIpv4"] = "0.0.0.0/0",
                });
            }
        }
        // A group with no ingress rules would be absent from DescribeSecurityGroupRules: give it an egress rule.
        rules.Add(new JsonObject
        {
            ["SecurityGroupRuleId"] = $"sgr-{index:x17}", ["GroupId"] = group.GroupId, ["IsEgress"] = true,
            ["IpProtocol"] = "-1", ["FromPort"] = -1, ["ToPort"] = -1, ["CidrIpv6"] = "::/0",
        });
        return new JsonObject { ["SecurityGroupRules"] = rules };
    }

    private static void AddPorts(JsonObject p, string fromKey, string toKey, (int Protocol, int From, int To) key, int variant, bool allowFloat)
    {
        var portless = key.Protocol is not (6 or 17 or 1 or 58);
        var fullRange = key.Protocol is 6 or 17 && key.From == 0 && key.To == 65535;
        if (portless || fullRange)
        {
            switch (variant % 3)
            {
                case 0: return;
                case 1: p[fromKey] = null; p[toKey] = null; return;
                default: if (portless || variant % 2 == 0) { p[fromKey] = -1; p[toKey] = -1; return; } break;
            }
        }
        if (allowFloat && variant % 5 == 0)
        {
            p[fromKey] = JsonNode.Parse($"{key.From}.0");
            p[toKey] = JsonNode.Parse($"{key.To}.0");
        }
        else
        {
            p[fromKey] = key.From;
            p[toKey] = key.To;
        }
    }

    private static string ProtocolText(int protocol, int variant) => (protocol, variant % 2) switch
    {
        (-1, _) => "-1",
        (6, 0) => "tcp",
        (17, 0) => "udp",
        (1, 0) => "icmp",
        (58, 0) => "icmpv6",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static JsonObject Described(string key, string value, string? description, string descriptionKey)
    {
        var o = new JsonObject { [key] = value };
        if (description is not null) o[descriptionKey] = description;
        return o;
    }

    private static JsonArray Array(IEnumerable<JsonNode> nodes) => new([.. nodes]);
}
