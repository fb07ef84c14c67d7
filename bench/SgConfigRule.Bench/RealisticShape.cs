using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SgConfigRule.Bench;

/// <summary>
/// Text shaped as the AWS CLI v2 prints <c>aws configservice batch-get-resource-config</c>: four-space indentation, ISO
/// timestamps with microseconds and an offset, every envelope field in the API's order, <c>configuration</c> as a
/// compact JSON string in the 1.3 schema (escaped as the CLI escapes: <c>\"</c>, not <c>\u0022</c>) (IPv4 sources both as legacy <c>ipRanges</c> strings and as <c>ipv4Ranges</c>
/// objects, descriptions, <c>null</c> ports for all traffic), <c>supplementaryConfiguration: {}</c>, and — for a third
/// of the items, recorded daily — <c>recordingFrequency</c> and <c>configurationItemDeliveryTime</c> after it. Protocols
/// tcp/udp/icmp/icmpv6/-1, single ports and ranges, <c>/0</c>, <c>::/0</c>, private ranges, <c>/32</c>s, prefix lists
/// and group references, 1–8 permissions. Seeded: the same arguments give the same bytes. The tests use it too.
/// </summary>
public static class RealisticShape
{
    // The AWS CLI prints with Python's json module: a quote is \" and '+' stays '+'. System.Text.Json's default encoder
    // would write \u0022 and \u002B, six bytes each, which no AWS tool writes and which make the file a third larger.
    private static readonly JavaScriptEncoder AsAwsCliEscapes = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly JsonWriterOptions Indented = new() { Indented = true, IndentSize = 4, Encoder = AsAwsCliEscapes };
    /// <summary>One line of JSON escaped as the AWS CLI escapes it (<c>\"</c>, a plain <c>+</c>): the configuration string, and tests' items.</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = AsAwsCliEscapes };

    public static byte[] BatchGetResourceConfig(int items, int seed)
    {
        using var buffer = new MemoryStream();
        Write(buffer, items, seed);
        return buffer.ToArray();
    }

    /// <summary>Writes the export straight to <paramref name="output"/>, an item at a time (a million items need no memory).</summary>
    public static void Write(Stream output, int items, int seed)
    {
        var random = new Random(seed);
        using (var writer = new Utf8JsonWriter(output, Indented))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("baseConfigurationItems");
            for (var n = 0; n < items; n++)
            {
                Item(random, n).WriteTo(writer);
                if (writer.BytesPending > 1 << 16) writer.Flush();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("unprocessedResourceKeys");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.WriteByte((byte)'\n');
    }

    public static JsonObject Item(Random random, int n)
    {
        var account = random.Next(3) switch { 0 => "111122223333", 1 => "444455556666", _ => "777788889999" };
        var groupId = $"sg-{random.NextInt64(0x1000_0000_0000_0000, long.MaxValue):x17}"[..20];
        var vpc = $"vpc-{random.Next(0x1000_0000, int.MaxValue):x8}";
        var name = random.Next(4) == 0 ? "default" : $"app-{n}-sg";
        var configuration = new JsonObject
        {
            ["description"] = random.Next(3) == 0 ? "default VPC security group" : $"Security group for \"app {n}\" (managed)",
            ["groupName"] = name,
            ["ipPermissions"] = Permissions(random, account, 1 + random.Next(8)),
            ["ownerId"] = account,
            ["groupId"] = groupId,
            ["ipPermissionsEgress"] = new JsonArray(new JsonObject
            {
                ["ipProtocol"] = "-1", ["fromPort"] = null, ["toPort"] = null, ["userIdGroupPairs"] = new JsonArray(),
                ["ipRanges"] = new JsonArray("0.0.0.0/0"), ["ipv4Ranges"] = new JsonArray(new JsonObject { ["cidrIp"] = "0.0.0.0/0" }),
                ["ipv6Ranges"] = new JsonArray(), ["prefixListIds"] = new JsonArray(),
            }),
            ["tags"] = random.Next(2) == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["key"] = "Name", ["value"] = name }),
            ["vpcId"] = vpc,
        };
        var captured = new DateTimeOffset(2026, 11, 30, 10, 15, 42, TimeSpan.Zero).AddSeconds(n * 37).AddTicks(random.Next(10_000_000));
        var item = new JsonObject
        {
            ["version"] = "1.3",
            ["accountId"] = account,
            ["configurationItemCaptureTime"] = captured.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            ["configurationItemStatus"] = random.Next(5) == 0 ? "ResourceDiscovered" : "OK",
            ["configurationStateId"] = $"{1796000000000L + n * 1009}",
            ["arn"] = $"arn:aws:ec2:eu-west-1:{account}:security-group/{groupId}",
            ["resourceType"] = "AWS::EC2::SecurityGroup",
            ["resourceId"] = groupId,
            ["resourceName"] = name,
            ["awsRegion"] = "eu-west-1",
            ["availabilityZone"] = "Not Applicable",
            ["configuration"] = configuration.ToJsonString(Compact),
            ["supplementaryConfiguration"] = new JsonObject(),
        };
        if (random.Next(3) == 0)
        {
            item["recordingFrequency"] = "DAILY";
            item["configurationItemDeliveryTime"] = captured.AddHours(6).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        }
        return item;
    }

    private static JsonArray Permissions(Random random, string account, int count)
    {
        var permissions = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var protocol = random.Next(10) switch { < 5 => "tcp", 5 or 6 => "udp", 7 => "icmp", 8 => "icmpv6", _ => "-1" };
            int? from = null, to = null;
            if (protocol is "tcp" or "udp")
            {
                from = random.Next(3) == 0 ? new[] { 22, 80, 443, 3389, 5432 }[random.Next(5)] : random.Next(1, 65000);
                to = random.Next(4) == 0 ? Math.Min(65535, from.Value + random.Next(1, 1000)) : from;
            }
            else if (protocol is "icmp" or "icmpv6")
            {
                from = random.Next(2) == 0 ? -1 : 8;
                to = from == -1 ? -1 : 0;
            }
            var ipv4 = new JsonArray();
            var legacy = new JsonArray();
            var ipv6 = new JsonArray();
            var prefixLists = new JsonArray();
            var pairs = new JsonArray();
            for (var s = 0; s < 1 + random.Next(3); s++)
            {
                switch (random.Next(6))
                {
                    case 0 or 1:
                        var cidr = random.Next(4) switch
                        {
                            0 => "0.0.0.0/0", 1 => $"10.{random.Next(256)}.0.0/16", 2 => $"203.0.113.{random.Next(256)}/32", _ => $"192.168.{random.Next(256)}.0/24",
                        };
                        legacy.Add(cidr);
                        ipv4.Add(random.Next(2) == 0 ? new JsonObject { ["cidrIp"] = cidr } : new JsonObject { ["cidrIp"] = cidr, ["description"] = $"office {s}, \"north\" wing" });
                        break;
                    case 2:
                        ipv6.Add(new JsonObject { ["cidrIpv6"] = random.Next(2) == 0 ? "::/0" : "2001:db8::/32" });
                        break;
                    case 3:
                        prefixLists.Add(new JsonObject { ["prefixListId"] = $"pl-{random.Next(0x1000_0000, int.MaxValue):x8}" });
                        break;
                    default:
                        pairs.Add(new JsonObject { ["groupId"] = $"sg-{random.Next(0x1000_0000, int.MaxValue):x8}", ["userId"] = account });
                        break;
                }
            }
            permissions.Add(new JsonObject
            {
                ["ipProtocol"] = protocol,
                ["fromPort"] = from,
                ["toPort"] = to,
                ["userIdGroupPairs"] = pairs,
                ["ipRanges"] = legacy,
                ["ipv4Ranges"] = ipv4,
                ["ipv6Ranges"] = ipv6,
                ["prefixListIds"] = prefixLists,
            });
        }
        return permissions;
    }
}
