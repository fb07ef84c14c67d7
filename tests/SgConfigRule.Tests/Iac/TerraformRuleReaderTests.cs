using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Input;
using SgConfigRule.Input.Terraform;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Iac;

/// <summary>
/// The three AWS provider rule shapes read one at a time, as the plan reader hands them over (an <c>after</c> value
/// and its <c>after_unknown</c> mask): every value known only after apply widened and named in
/// <see cref="IngressRule.Assumed"/> with the exact note a finding shows, the mask winning over whatever
/// <c>after</c> holds, one rule per source, and bad values refused with their JSON path.
/// </summary>
public class TerraformRuleReaderTests
{
    private static readonly SecurityGroupSource Self = new("sg-0self0000000000000", null, null, null, null, null);
    private static readonly JsonPath BlockPath = JsonPath.Root.Property("after").Property("ingress").Index(0);
    private static readonly JsonPath RulePath = JsonPath.Root.Property("after");

    private static List<IngressRule> Block(string after, string mask = "{}") =>
        Read(after, mask, (a, m, rules) => TerraformRuleReader.ReadIngressBlock(new JsonCursor(a, BlockPath), m, Self, rules));

    private static List<IngressRule> SgRule(string after, string mask = "{}") =>
        Read(after, mask, (a, m, rules) => TerraformRuleReader.ReadSecurityGroupRule(new JsonCursor(a, RulePath), m, Self, rules));

    private static List<IngressRule> VpcRule(string after, string mask = "{}") =>
        Read(after, mask, (a, m, rules) => TerraformRuleReader.ReadVpcIngressRule(new JsonCursor(a, RulePath), m, rules));

    private static List<IngressRule> Read(string after, string mask, Action<JsonElement, UnknownMask, List<IngressRule>> read)
    {
        using var afterDocument = JsonDocument.Parse(after);
        using var maskDocument = JsonDocument.Parse(mask);
        var rules = new List<IngressRule>();
        read(afterDocument.RootElement, new UnknownMask(maskDocument.RootElement), rules);
        return rules;
    }

    private static (string Path, string Problem) Error(Func<List<IngressRule>> read)
    {
        var e = Assert.Throws<InputException>(() => read());
        return (e.JsonPath, e.Problem);
    }

    /// <summary>An inline tcp block with every list empty, <paramref name="members"/> (JSON members) replacing its values.</summary>
    private static string Tcp(string members, int from = 22, int to = 22)
    {
        var block = new JsonObject
        {
            ["cidr_blocks"] = new JsonArray(), ["description"] = "", ["from_port"] = from, ["ipv6_cidr_blocks"] = new JsonArray(),
            ["prefix_list_ids"] = new JsonArray(), ["protocol"] = "tcp", ["security_groups"] = new JsonArray(), ["self"] = false, ["to_port"] = to,
        };
        foreach (var (name, value) in JsonNode.Parse("{" + members + "}")!.AsObject()) block[name] = value?.DeepClone();
        return block.ToJsonString();
    }

    private static IEnumerable<(string Display, string? Assumed)> Shown(List<IngressRule> rules) =>
        rules.Select(r => (r.Display, r.Assumed));

    [Fact]
    public void Known_rules_have_no_assumption_and_one_rule_per_source()
    {
        var rules = Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8","192.168.0.0/16"],"ipv6_cidr_blocks":["2001:db8::/32"],"prefix_list_ids":["pl-0a1b2c3d"],
            "security_groups":["sg-0123456789abcdef0","web-servers"],"self":true,"description":"ssh from the office"
            """));
        Assert.Equal(
            [
                ("tcp/22 from 10.0.0.0/8", null), ("tcp/22 from 192.168.0.0/16", null), ("tcp/22 from 2001:db8::/32", null),
                ("tcp/22 from pl-0a1b2c3d", null), ("tcp/22 from sg-0123456789abcdef0", null), ("tcp/22 from web-servers", null),
                ("tcp/22 from sg-0self0000000000000", (string?)null),
            ],
            Shown(rules));
        Assert.All(rules, r => Assert.Equal("ssh from the office", r.Description));
        // An id is a group id; anything else (default VPC, EC2-Classic style) is a group name.
        Assert.Equal(new SecurityGroupSource("sg-0123456789abcdef0", null, null, null, null, null), rules[4].Source);
        Assert.Equal(new SecurityGroupSource(null, "web-servers", null, null, null, null), rules[5].Source);
        Assert.Same(Self, rules[6].Source);
    }

    [Fact]
    public void An_empty_description_is_none_and_an_unknown_one_is_none_whatever_after_holds()
    {
        Assert.Null(Assert.Single(Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"]
            """))).Description);
        var unknown = Assert.Single(Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"],"description":"stale"
            """), """{"description":true}"""));
        Assert.Null(unknown.Description);
        Assert.Null(unknown.Assumed);
    }

    [Fact]
    public void An_unknown_protocol_is_all_traffic_and_says_so()
    {
        var block = Assert.Single(Block("""{"protocol":null,"from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8"]}""", """{"protocol":true}"""));
        Assert.Equal(("all traffic from 10.0.0.0/8", "protocol known only after apply, assumed all traffic"), (block.Display, block.Assumed));

        var vpc = Assert.Single(VpcRule("""{"ip_protocol":null,"from_port":22,"to_port":22,"cidr_ipv4":"10.0.0.0/8"}""", """{"ip_protocol":true}"""));
        Assert.Equal(("all traffic from 10.0.0.0/8", "ip_protocol known only after apply, assumed all traffic"), (vpc.Display, vpc.Assumed));
    }

    [Fact]
    public void Unknown_ports_are_the_ends_of_their_side_and_two_notes_join_with_a_semicolon()
    {
        var from = Assert.Single(Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"],"from_port":null
            """), """{"from_port":true}"""));
        Assert.Equal(("tcp/0-22 from 10.0.0.0/8", "from_port known only after apply, assumed 0"), (from.Display, from.Assumed));

        var to = Assert.Single(Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"],"to_port":null
            """), """{"to_port":true}"""));
        Assert.Equal(("tcp/22-65535 from 10.0.0.0/8", "to_port known only after apply, assumed 65535"), (to.Display, to.Assumed));

        var both = Assert.Single(Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"],"from_port":null,"to_port":null
            """), """{"from_port":true,"to_port":true}"""));
        Assert.Equal(
            ("tcp/0-65535 from 10.0.0.0/8", "from_port known only after apply, assumed 0; to_port known only after apply, assumed 65535"),
            (both.Display, both.Assumed));
    }

    [Fact]
    public void The_mask_wins_over_a_value_after_still_holds()
    {
        // after_unknown is the truth: a stale value under an unknown leaf is not read, not even as an extra rule.
        var rules = Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"],"ipv6_cidr_blocks":["2001:db8::/32"],"prefix_list_ids":["pl-0a1b2c3d"],"security_groups":["sg-0123456789abcdef0"]
            """, from: 443, to: 443),
            """{"from_port":true,"to_port":true,"cidr_blocks":true,"ipv6_cidr_blocks":true,"prefix_list_ids":true,"security_groups":true}""");
        const string Ports = "from_port known only after apply, assumed 0; to_port known only after apply, assumed 65535; ";
        Assert.Equal(
            [
                ("tcp/0-65535 from 0.0.0.0/0", Ports + "cidr_blocks known only after apply, assumed 0.0.0.0/0"),
                ("tcp/0-65535 from ::/0", Ports + "ipv6_cidr_blocks known only after apply, assumed ::/0"),
                ("tcp/0-65535 from (known after apply)", Ports + "prefix_list_ids known only after apply"),
                ("tcp/0-65535 from (known after apply)", Ports + "security_groups known only after apply"),
            ],
            Shown(rules));
        Assert.IsType<PrefixListSource>(rules[2].Source);
        Assert.Equal(new SecurityGroupSource(null, TerraformRuleReader.KnownAfterApply, null, null, null, null), rules[3].Source);
    }

    [Fact]
    public void A_whole_list_unknown_is_one_widened_rule()
    {
        var rules = Block(Tcp("""
            "cidr_blocks":null,"ipv6_cidr_blocks":null,"prefix_list_ids":null,"security_groups":null
            """), """{"cidr_blocks":true,"ipv6_cidr_blocks":true,"prefix_list_ids":true,"security_groups":true}""");
        Assert.Equal(
            [
                ("tcp/22 from 0.0.0.0/0", "cidr_blocks known only after apply, assumed 0.0.0.0/0"),
                ("tcp/22 from ::/0", "ipv6_cidr_blocks known only after apply, assumed ::/0"),
                ("tcp/22 from (known after apply)", "prefix_list_ids known only after apply"),
                ("tcp/22 from (known after apply)", (string?)"security_groups known only after apply"),
            ],
            Shown(rules));
    }

    [Fact]
    public void One_unknown_item_among_known_ones_is_widened_alone()
    {
        var rules = Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8",null,"192.168.0.0/16"],"ipv6_cidr_blocks":[null,"2001:db8::/32"],
            "prefix_list_ids":["pl-0a1b2c3d",null],"security_groups":[null,"sg-0123456789abcdef0","web-servers"]
            """), """
            {"cidr_blocks":[false,true,false],"ipv6_cidr_blocks":[true,false],"prefix_list_ids":[false,true],"security_groups":[true,false,false]}
            """);
        Assert.Equal(
            [
                ("tcp/22 from 10.0.0.0/8", null),
                ("tcp/22 from 0.0.0.0/0", "cidr_blocks[1] known only after apply, assumed 0.0.0.0/0"),
                ("tcp/22 from 192.168.0.0/16", null),
                ("tcp/22 from ::/0", "ipv6_cidr_blocks[0] known only after apply, assumed ::/0"),
                ("tcp/22 from 2001:db8::/32", null),
                ("tcp/22 from pl-0a1b2c3d", null),
                ("tcp/22 from (known after apply)", "prefix_list_ids[1] known only after apply"),
                ("tcp/22 from (known after apply)", "security_groups[0] known only after apply"),
                ("tcp/22 from sg-0123456789abcdef0", null),
                ("tcp/22 from web-servers", (string?)null),
            ],
            Shown(rules));
    }

    [Fact]
    public void An_unknown_item_the_after_list_leaves_out_is_still_widened()
    {
        var rules = Block(Tcp("""
            "cidr_blocks":["10.0.0.0/8"],"prefix_list_ids":["pl-0a1b2c3d"],"security_groups":["sg-0123456789abcdef0"]
            """), """{"cidr_blocks":[false,true],"prefix_list_ids":[false,true],"security_groups":[false,true]}""");
        Assert.Equal(
            [
                ("tcp/22 from 10.0.0.0/8", null),
                ("tcp/22 from 0.0.0.0/0", "cidr_blocks[1] known only after apply, assumed 0.0.0.0/0"),
                ("tcp/22 from pl-0a1b2c3d", null),
                ("tcp/22 from (known after apply)", "prefix_list_ids[1] known only after apply"),
                ("tcp/22 from sg-0123456789abcdef0", null),
                ("tcp/22 from (known after apply)", (string?)"security_groups[1] known only after apply"),
            ],
            Shown(rules));
    }

    [Fact]
    public void A_known_item_the_after_list_leaves_out_is_refused()
    {
        Assert.Equal(("$.after.ingress[0].cidr_blocks", "a CIDR block must not be null"),
            Error(() => Block(Tcp("""
                "cidr_blocks":["10.0.0.0/8"]
                """), """{"cidr_blocks":[false,false]}""")));
        Assert.Equal(("$.after.ingress[0].prefix_list_ids", "after_unknown lists item 1, which the list does not have"),
            Error(() => Block(Tcp("""
                "prefix_list_ids":["pl-0a1b2c3d"]
                """), """{"prefix_list_ids":[false,false]}""")));
        Assert.Equal(("$.after.ingress[0].security_groups", "after_unknown lists item 1, which the list does not have"),
            Error(() => Block(Tcp("""
                "security_groups":["sg-0123456789abcdef0"]
                """), """{"security_groups":[false,false]}""")));
    }

    [Fact]
    public void A_known_null_or_empty_item_is_refused_with_its_path()
    {
        Assert.Equal(("$.after.ingress[0].cidr_blocks[1]", "a CIDR block must not be null"),
            Error(() => Block(Tcp("""
                "cidr_blocks":["10.0.0.0/8",null]
                """))));
        Assert.Equal(("$.after.ingress[0].ipv6_cidr_blocks[0]", "a CIDR block must not be null"),
            Error(() => Block(Tcp("""
                "ipv6_cidr_blocks":[null]
                """), """{"ipv6_cidr_blocks":[false]}""")));
        Assert.Equal(("$.after.ingress[0].prefix_list_ids[1]", "must not be empty"),
            Error(() => Block(Tcp("""
                "prefix_list_ids":["pl-0a1b2c3d",""]
                """))));
        Assert.Equal(("$.after.ingress[0].security_groups[0]", "must not be empty"),
            Error(() => Block(Tcp("""
                "security_groups":[""]
                """))));
    }

    [Fact]
    public void Self_adds_the_group_itself_and_an_unknown_self_is_assumed_true()
    {
        Assert.Empty(Block(Tcp("")));
        var self = Assert.Single(Block(Tcp("\"self\":true")));
        Assert.Equal((Self, (string?)null), (self.Source, self.Assumed));
        var unknown = Assert.Single(Block(Tcp("\"self\":null"), """{"self":true}"""));
        Assert.Equal(("tcp/22 from sg-0self0000000000000", "self known only after apply, assumed true"), (unknown.Display, unknown.Assumed));
    }

    [Fact]
    public void Port_errors_name_the_port_at_fault()
    {
        Assert.Equal(("$.after.ingress[0].from_port", "from_port 70000 is outside 0-65535 (or -1 for all)"),
            Error(() => Block(Tcp("\"cidr_blocks\":[\"10.0.0.0/8\"]", from: 70000, to: 22))));
        Assert.Equal(("$.after.ingress[0].to_port", "to_port 70000 is outside 0-65535 (or -1 for all)"),
            Error(() => Block(Tcp("\"cidr_blocks\":[\"10.0.0.0/8\"]", from: 22, to: 70000))));
        Assert.Equal(("$.after.ingress[0].from_port", "from_port 100 is greater than to_port 20"),
            Error(() => Block(Tcp("\"cidr_blocks\":[\"10.0.0.0/8\"]", from: 100, to: 20))));
        Assert.Equal(("$.after.to_port", "ICMP type/code 300 is outside -1..255"),
            Error(() => VpcRule("""{"ip_protocol":"icmp","from_port":8,"to_port":300,"cidr_ipv4":"10.0.0.0/8"}""")));
    }

    [Fact]
    public void An_ingress_block_that_is_not_an_object_is_refused()
    {
        Assert.Equal(("$.after.ingress[0]", "an ingress block must be an object, not a string"), Error(() => Block("\"tcp/22\"")));
        Assert.Equal(("$.after.ingress[0]", "an ingress block must be an object, not null"), Error(() => Block("null")));
    }

    [Fact]
    public void A_security_group_rule_reads_ingress_skips_egress_and_refuses_any_other_type()
    {
        const string Rule = """
            "protocol":"tcp","from_port":3389,"to_port":3389,"cidr_blocks":["0.0.0.0/0"],"ipv6_cidr_blocks":null,"prefix_list_ids":[],
            "source_security_group_id":null,"self":false,"description":"rdp"
            """;
        var ingress = Assert.Single(SgRule($$"""{"type":"ingress",{{Rule}}}"""));
        Assert.Equal(("tcp/3389 from 0.0.0.0/0", "rdp", (string?)null), (ingress.Display, ingress.Description, ingress.Assumed));
        Assert.Empty(SgRule($$"""{"type":"egress",{{Rule}}}"""));
        Assert.Equal(("$.after.type", "'inbound' is not a rule type: expected ingress or egress"),
            Error(() => SgRule($$"""{"type":"inbound",{{Rule}}}""")));
        // A direction known only after apply may be inbound: the rule is read as one.
        Assert.Equal("tcp/3389 from 0.0.0.0/0", Assert.Single(SgRule($$"""{"type":null,{{Rule}}}""", """{"type":true}""")).Display);
    }

    [Fact]
    public void A_security_group_rule_reads_its_source_group_and_self()
    {
        const string Rule = """
            "type":"ingress","protocol":"-1","from_port":0,"to_port":0,"cidr_blocks":null,"ipv6_cidr_blocks":null,"prefix_list_ids":[]
            """;
        var group = Assert.Single(SgRule($$"""{{{Rule}},"source_security_group_id":"sg-0123456789abcdef0","self":false}"""));
        Assert.Equal(new SecurityGroupSource("sg-0123456789abcdef0", null, null, null, null, null), group.Source);
        var unknown = Assert.Single(SgRule($$"""{{{Rule}},"source_security_group_id":null,"self":false}""", """{"source_security_group_id":true}"""));
        Assert.Equal(("all traffic from (known after apply)", "source_security_group_id known only after apply"), (unknown.Display, unknown.Assumed));
        var self = Assert.Single(SgRule($$"""{{{Rule}},"source_security_group_id":null,"self":true}"""));
        Assert.Equal(("all traffic from sg-0self0000000000000", (string?)null), (self.Display, self.Assumed));
    }

    [Fact]
    public void A_vpc_ingress_rule_has_exactly_one_source_widened_when_unknown()
    {
        const string Traffic = """ "ip_protocol":"tcp","from_port":443,"to_port":443,"description":"https" """;
        var prefix = Assert.Single(VpcRule($$"""{{{Traffic}},"prefix_list_id":"pl-0a1b2c3d"}"""));
        Assert.Equal(("tcp/443 from pl-0a1b2c3d", "https", (string?)null), (prefix.Display, prefix.Description, prefix.Assumed));
        Assert.Equal(
            [
                ("tcp/443 from 0.0.0.0/0", "cidr_ipv4 known only after apply, assumed 0.0.0.0/0"),
                ("tcp/443 from ::/0", "cidr_ipv6 known only after apply, assumed ::/0"),
                ("tcp/443 from (known after apply)", "prefix_list_id known only after apply"),
                ("tcp/443 from (known after apply)", (string?)"referenced_security_group_id known only after apply"),
            ],
            Shown(
            [
                .. VpcRule($$"""{{{Traffic}},"cidr_ipv4":null}""", """{"cidr_ipv4":true}"""),
                .. VpcRule($$"""{{{Traffic}},"cidr_ipv6":null}""", """{"cidr_ipv6":true}"""),
                .. VpcRule($$"""{{{Traffic}},"prefix_list_id":null}""", """{"prefix_list_id":true}"""),
                .. VpcRule($$"""{{{Traffic}},"referenced_security_group_id":null}""", """{"referenced_security_group_id":true}"""),
            ]));
        var named = Assert.Single(VpcRule($$"""{{{Traffic}},"referenced_security_group_id":"web-servers"}"""));
        Assert.Equal(new SecurityGroupSource(null, "web-servers", null, null, null, null), named.Source);
        // Unknown protocol and unknown source: both notes, the traffic's first.
        var both = Assert.Single(VpcRule("""{"ip_protocol":null,"cidr_ipv4":null}""", """{"ip_protocol":true,"cidr_ipv4":true}"""));
        Assert.Equal("ip_protocol known only after apply, assumed all traffic; cidr_ipv4 known only after apply, assumed 0.0.0.0/0", both.Assumed);
    }

    [Fact]
    public void A_vpc_ingress_rule_without_a_source_is_refused()
    {
        Assert.Equal(("$.after", "the rule has none of cidr_ipv4, cidr_ipv6, prefix_list_id and referenced_security_group_id"),
            Error(() => VpcRule("""{"ip_protocol":"tcp","from_port":22,"to_port":22,"cidr_ipv4":null,"cidr_ipv6":"","prefix_list_id":"","referenced_security_group_id":null}""")));
    }
}
