using System.Globalization;
using System.Text.Json;

namespace SgConfigRule.Bench;

/// <summary>
/// Synthetic exports shaped like real accounts, in the EC2 DescribeSecurityGroups shape or as AWS Config items
/// (BatchGetResourceConfig), written straight to a stream so a million groups need no memory. The mix follows the
/// recorded data: most groups allow web traffic or reference other groups; some open SSH or RDP to an address or to
/// the world, some allow all traffic, some use IPv6 and prefix lists; a few carry exemption tags. Seeded: the same
/// arguments give the same bytes.
/// </summary>
public static class ExportGenerator
{
    public static void Write(Stream output, int groups, string shape, int seed = 20261126)
    {
        var random = new Random(seed);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = true });
        json.WriteStartObject();
        json.WriteStartArray(shape == "config" ? "baseConfigurationItems" : "SecurityGroups");
        for (var i = 0; i < groups; i++)
        {
            var id = $"sg-{i:x17}";
            if (shape == "config") WriteConfigItem(json, random, i, id);
            else WriteGroup(json, random, i, id, ec2: true);
            if (json.BytesPending > 1 << 16) json.Flush();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteConfigItem(Utf8JsonWriter json, Random random, int i, string id)
    {
        json.WriteStartObject();
        json.WriteString("version", "1.3");
        json.WriteString("accountId", "111122223333");
        json.WriteNumber("configurationItemCaptureTime", 1795000000 + i);
        json.WriteString("configurationItemStatus", "OK");
        json.WriteString("resourceType", "AWS::EC2::SecurityGroup");
        json.WriteString("resourceId", id);
        json.WriteString("resourceName", $"group-{i}");
        json.WriteString("awsRegion", "us-east-1");
        // BatchGetResourceConfig gives the configuration as a JSON string, in Config's camelCase.
        using var buffer = new MemoryStream();
        using (var inner = new Utf8JsonWriter(buffer)) WriteGroup(inner, random, i, id, ec2: false);
        json.WriteString("configuration", System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        json.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter json, Random random, int i, string id, bool ec2)
    {
        string P(string name) => ec2 ? name : char.ToLowerInvariant(name[0]) + name[1..];
        json.WriteStartObject();
        json.WriteString(P("GroupId"), id);
        json.WriteString(P("GroupName"), $"group-{i}");
        json.WriteString(P("Description"), "synthetic group");
        json.WriteString(P("VpcId"), $"vpc-{i % 50:x17}");
        json.WriteString(P("OwnerId"), "111122223333");
        json.WriteStartArray(P("IpPermissions"));
        Permission(json, P, "tcp", 443, 443, ipv4: ["0.0.0.0/0"], ipv6: random.NextDouble() < 0.3 ? ["::/0"] : []);
        if (i > 0 && random.NextDouble() < 0.5) Permission(json, P, "-1", null, null, groups: [$"sg-{random.Next(i):x17}"]);
        var roll = random.NextDouble();
        if (roll < 0.10) Permission(json, P, "tcp", 22, 22, ipv4: [$"203.0.113.{random.Next(256)}/32"]);
        else if (roll < 0.13) Permission(json, P, "tcp", 22, 22, ipv4: ["0.0.0.0/0"]);
        else if (roll < 0.16) Permission(json, P, "tcp", 3389, 3389, ipv6: ["::/0"]);
        else if (roll < 0.20) Permission(json, P, "-1", null, null, ipv4: ["10.0.0.0/8"]);
        if (random.NextDouble() < 0.2) Permission(json, P, "tcp", 5432, 5432, ipv4: [$"10.{random.Next(256)}.0.0/16", $"172.16.{random.Next(256)}.0/24"]);
        if (random.NextDouble() < 0.05) Permission(json, P, "tcp", 8000, 8100, prefixLists: [$"pl-{random.Next(20):x17}"]);
        json.WriteEndArray();
        json.WriteStartArray(P("IpPermissionsEgress"));
        Permission(json, P, "-1", null, null, ipv4: ["0.0.0.0/0"]);
        json.WriteEndArray();
        json.WriteStartArray(P("Tags"));
        Tag(json, P, "Name", $"group-{i}");
        if (random.NextDouble() < 0.02) Tag(json, P, "sg-config-rule:exempt", "2027-01-31 CHG-1234");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Permission(Utf8JsonWriter json, Func<string, string> p, string protocol, int? from, int? to,
                                   string[]? ipv4 = null, string[]? ipv6 = null, string[]? groups = null, string[]? prefixLists = null)
    {
        json.WriteStartObject();
        json.WriteString(p("IpProtocol"), protocol);
        if (from is { } f) json.WriteNumber(p("FromPort"), f);
        if (to is { } t) json.WriteNumber(p("ToPort"), t);
        json.WriteStartArray(p("IpRanges"));
        foreach (var cidr in ipv4 ?? []) { json.WriteStartObject(); json.WriteString(p("CidrIp"), cidr); json.WriteEndObject(); }
        json.WriteEndArray();
        json.WriteStartArray(p("Ipv6Ranges"));
        foreach (var cidr in ipv6 ?? []) { json.WriteStartObject(); json.WriteString(p("CidrIpv6"), cidr); json.WriteEndObject(); }
        json.WriteEndArray();
        json.WriteStartArray(p("UserIdGroupPairs"));
        foreach (var group in groups ?? []) { json.WriteStartObject(); json.WriteString(p("GroupId"), group); json.WriteString(p("UserId"), "111122223333"); json.WriteEndObject(); }
        json.WriteEndArray();
        json.WriteStartArray(p("PrefixListIds"));
        foreach (var list in prefixLists ?? []) { json.WriteStartObject(); json.WriteString(p("PrefixListId"), list); json.WriteEndObject(); }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Tag(Utf8JsonWriter json, Func<string, string> p, string key, string value)
    {
        json.WriteStartObject();
        json.WriteString(p("Key"), key);
        json.WriteString(p("Value"), value);
        json.WriteEndObject();
    }
}
