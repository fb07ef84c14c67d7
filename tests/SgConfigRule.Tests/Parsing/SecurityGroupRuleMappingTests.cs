using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.Input;
using SgConfigRule.Live;
using SgConfigRule.Policy.Model;
using Ec2 = Amazon.EC2.Model;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// One DescribeSecurityGroupRules item means the same whether the CLI reads it from an export (JSON) or the remediation
/// reads it live (the EC2 SDK's objects): the same rule, or an error with the same problem in the same field. Items
/// are drawn from the values EC2 writes and the ones it should not (no direction, no id, an unknown protocol, ports out
/// of range, a CIDR of the other family, two sources or none, a referenced group without its id).
/// </summary>
public sealed class SecurityGroupRuleMappingTests
{
    private static Gen<T> Of<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<string?> Protocols = Of<string?>("tcp", "udp", "icmp", "icmpv6", "-1", "6", "58", "bogus", null);
    private static readonly Gen<int?> Ports = Of<int?>(null, -2, -1, 0, 8, 22, 443, 255, 256, 65535, 65536);
    private static readonly Gen<string?> Ipv4 = Of<string?>(null, null, null, "", "10.0.0.0/8", "0.0.0.0/0", "10.0.0.1/8", "2001:db8::/32", "nonsense");
    private static readonly Gen<string?> Ipv6 = Of<string?>(null, null, null, "", "::/0", "2001:db8::/32", "10.0.0.0/8");
    private static readonly Gen<string?> PrefixLists = Of<string?>(null, null, null, "", "pl-0123456789abcdef0");

    private static readonly Gen<ReferencedGroupFields?> Referenced = Gen.Frequency(
        (3, Of<ReferencedGroupFields?>(null, null)),
        (1, Of<string?>(null, "", "sg-0abc")
            .Select(Of<string?>(null, "111122223333"), Of<string?>(null, "pcx-1"),
                (id, user, peering) => (ReferencedGroupFields?)new ReferencedGroupFields(id, user, null, peering, peering is null ? null : "active"))));

    private static readonly Gen<SecurityGroupRuleFields> Rules =
        // (An export's item without a SecurityGroupRuleId is not taken for a rule at all; an empty one is.)
        Gen.Select(Of<string?>("sgr-0123456789abcdef0", "sgr-0123456789abcdef0", ""),
                Of<bool?>(false, false, false, true, null), Protocols, Ports, Ports)
            .Select(Gen.Select(Ipv4, Ipv6, PrefixLists, Referenced, Of<string?>(null, "office")),
                (head, tail) => new SecurityGroupRuleFields(head.Item1, head.Item2, head.Item3, head.Item4, head.Item5,
                    tail.Item1, tail.Item2, tail.Item3, tail.Item4, tail.Item5));

    [Fact]
    public void An_export_and_a_live_read_give_the_same_rule_or_the_same_problem()
    {
        Rules.Sample(fields =>
        {
            var (fromJson, jsonError) = FromJson(fields);
            var (fromSdk, sdkError) = FromSdk(fields);
            Assert.Equal(jsonError?.Problem, sdkError?.Problem);
            if (jsonError is null)
            {
                Assert.Equal(fromJson, fromSdk);
            }
            else
            {
                // The same field, whatever the root of the path (the export's index, the live rule's id).
                Assert.Equal(Field(jsonError.JsonPath, "$.SecurityGroupRules[0]"), Field(sdkError!.JsonPath, $"$.SecurityGroupRules[{fields.SecurityGroupRuleId}]"));
            }
        }, iter: 3000);
    }

    [Fact]
    public void An_inbound_rule_EC2_wrote_is_read_whole()
    {
        var fields = new SecurityGroupRuleFields("sgr-1", false, "tcp", 22, 22, "203.0.113.0/24", null, null, null, "bastion");
        var expected = new IngressRule(IpProtocol.Tcp, new PortRange(22, 22), null, new CidrSource(Cidr.Parse("203.0.113.0/24")), "bastion", "sgr-1");
        Assert.Equal(expected, FromJson(fields).Rule);
        Assert.Equal(expected, FromSdk(fields).Rule);
    }

    [Theory]
    [InlineData(null, "", "'IsEgress' is missing")]
    [InlineData("-1", "CidrIpv4", "IPv6 CIDR in an IPv4 field")]
    [InlineData("tcp", "FromPort", "outside 0-65535")]
    public void Each_problem_names_its_field(string? protocol, string field, string problem)
    {
        var fields = protocol is null
            ? new SecurityGroupRuleFields("sgr-1", null, "tcp", 22, 22, "10.0.0.0/8", null, null, null, null)
            : protocol == "-1"
                ? new SecurityGroupRuleFields("sgr-1", false, "-1", null, null, "2001:db8::/32", null, null, null, null)
                : new SecurityGroupRuleFields("sgr-1", false, "tcp", 70000, 70000, "10.0.0.0/8", null, null, null, null);
        var error = Assert.Throws<SecurityGroupRuleFieldException>(() => fields.ToIngress());
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    private static string Field(string path, string root)
    {
        Assert.StartsWith(root, path, StringComparison.Ordinal);
        return path[root.Length..];
    }

    private static (IngressRule? Rule, InputException? Error) FromJson(SecurityGroupRuleFields fields)
    {
        var rule = new JsonObject { ["GroupId"] = "sg-0123456789abcdef0", ["GroupOwnerId"] = "111122223333" };
        if (fields.SecurityGroupRuleId is not null) rule["SecurityGroupRuleId"] = fields.SecurityGroupRuleId;
        if (fields.IsEgress is not null) rule["IsEgress"] = fields.IsEgress;
        if (fields.IpProtocol is not null) rule["IpProtocol"] = fields.IpProtocol;
        if (fields.FromPort is not null) rule["FromPort"] = fields.FromPort;
        if (fields.ToPort is not null) rule["ToPort"] = fields.ToPort;
        if (fields.CidrIpv4 is not null) rule["CidrIpv4"] = fields.CidrIpv4;
        if (fields.CidrIpv6 is not null) rule["CidrIpv6"] = fields.CidrIpv6;
        if (fields.PrefixListId is not null) rule["PrefixListId"] = fields.PrefixListId;
        if (fields.ReferencedGroupInfo is { } info)
        {
            var referenced = new JsonObject();
            if (info.GroupId is not null) referenced["GroupId"] = info.GroupId;
            if (info.UserId is not null) referenced["UserId"] = info.UserId;
            if (info.VpcPeeringConnectionId is not null) referenced["VpcPeeringConnectionId"] = info.VpcPeeringConnectionId;
            if (info.PeeringStatus is not null) referenced["PeeringStatus"] = info.PeeringStatus;
            rule["ReferencedGroupInfo"] = referenced;
        }
        if (fields.Description is not null) rule["Description"] = fields.Description;
        using var document = JsonDocument.Parse(new JsonObject { ["SecurityGroupRules"] = new JsonArray(rule) }.ToJsonString());
        var result = Assert.Single(InputReader.Read(document.RootElement));
        if (result.Error is { } error) return (null, WithoutGroupNote(error));
        var ingress = result.Item!.Group!.Ingress;
        Assert.True(ingress.Length <= 1);
        return (ingress.IsEmpty ? null : ingress[0], null);
    }

    /// <summary>The export's reader adds which group is not evaluated; the problem is what comes before.</summary>
    private static InputException WithoutGroupNote(InputException error)
    {
        const string note = " (so group sg-0123456789abcdef0 is not evaluated)";
        Assert.EndsWith(note, error.Problem, StringComparison.Ordinal);
        return new InputException(error.JsonPath, error.Problem[..^note.Length]);
    }

    private static (IngressRule? Rule, InputException? Error) FromSdk(SecurityGroupRuleFields fields)
    {
        var rule = new Ec2.SecurityGroupRule
        {
            GroupId = "sg-0123456789abcdef0",
            GroupOwnerId = "111122223333",
            SecurityGroupRuleId = fields.SecurityGroupRuleId,
            IsEgress = fields.IsEgress,
            IpProtocol = fields.IpProtocol,
            FromPort = fields.FromPort,
            ToPort = fields.ToPort,
            CidrIpv4 = fields.CidrIpv4,
            CidrIpv6 = fields.CidrIpv6,
            PrefixListId = fields.PrefixListId,
            ReferencedGroupInfo = fields.ReferencedGroupInfo is { } info
                ? new Ec2.ReferencedSecurityGroup { GroupId = info.GroupId, UserId = info.UserId, VpcPeeringConnectionId = info.VpcPeeringConnectionId, PeeringStatus = info.PeeringStatus }
                : null,
            Description = fields.Description,
        };
        try
        {
            return (Ec2GroupConversion.ToIngressRule(rule), null);
        }
        catch (InputException e)
        {
            return (null, e);
        }
    }
}
