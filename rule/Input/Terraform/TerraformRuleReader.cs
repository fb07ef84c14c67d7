using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input.Terraform;

/// <summary>
/// The inbound rules of the three AWS provider shapes — an <c>ingress</c> block of <c>aws_security_group</c>, an
/// <c>aws_security_group_rule</c> and an <c>aws_vpc_security_group_ingress_rule</c> — as the policy model: one rule
/// per source, as EC2 would create them. A value known only after apply is replaced by its widest value (all
/// protocols, port 0 or 65535, the whole address space, an unknown prefix list or group) and the rule says so in
/// <see cref="IngressRule.Assumed"/>: the verdict is never better than the value could make it.
/// </summary>
internal static class TerraformRuleReader
{
    /// <summary>What a security group reference known only after apply is shown as.</summary>
    public const string KnownAfterApply = "(known after apply)";

    private static readonly Cidr AnyIPv4 = Cidr.IPv4(0, 0);
    private static readonly Cidr AnyIPv6 = Cidr.IPv6(UInt128.Zero, 0);

    /// <summary>One <c>ingress</c> block of <c>aws_security_group</c>; <paramref name="self"/> is the group itself as a source.</summary>
    public static void ReadIngressBlock(JsonCursor block, UnknownMask mask, SecurityGroupSource self, List<IngressRule> rules)
    {
        block.ExpectObject("an ingress block");
        var traffic = ReadTraffic(block, mask, "protocol");
        var description = Description(block, mask);
        AddCidrs(block, mask, "cidr_blocks", ipv6: false, traffic, description, rules);
        AddCidrs(block, mask, "ipv6_cidr_blocks", ipv6: true, traffic, description, rules);
        AddPrefixLists(block, mask, "prefix_list_ids", traffic, description, rules);
        AddGroups(block, mask, "security_groups", traffic, description, rules);
        AddSelf(block, mask, self, traffic, description, rules);
    }

    /// <summary>An <c>aws_security_group_rule</c>; nothing for an egress rule.</summary>
    public static void ReadSecurityGroupRule(JsonCursor after, UnknownMask mask, SecurityGroupSource self, List<IngressRule> rules)
    {
        // A rule whose direction is not known yet may be inbound: read it as one.
        if (!mask.Property("type").IsUnknown && after.RequireString("type") is var type && type != "ingress")
        {
            if (type == "egress") return;
            throw after.Require("type").Error($"'{type}' is not a rule type: expected ingress or egress");
        }
        var traffic = ReadTraffic(after, mask, "protocol");
        var description = Description(after, mask);
        AddCidrs(after, mask, "cidr_blocks", ipv6: false, traffic, description, rules);
        AddCidrs(after, mask, "ipv6_cidr_blocks", ipv6: true, traffic, description, rules);
        AddPrefixLists(after, mask, "prefix_list_ids", traffic, description, rules);
        AddGroup(after, mask, "source_security_group_id", traffic, description, rules);
        AddSelf(after, mask, self, traffic, description, rules);
    }

    /// <summary>An <c>aws_vpc_security_group_ingress_rule</c>: exactly one source.</summary>
    public static void ReadVpcIngressRule(JsonCursor after, UnknownMask mask, List<IngressRule> rules)
    {
        var traffic = ReadTraffic(after, mask, "ip_protocol");
        var description = Description(after, mask);
        var before = rules.Count;
        AddCidr(after, mask, "cidr_ipv4", ipv6: false, traffic, description, rules);
        AddCidr(after, mask, "cidr_ipv6", ipv6: true, traffic, description, rules);
        if (mask.Property("prefix_list_id").IsUnknown) Add(rules, traffic, new PrefixListSource(KnownAfterApply), description, "prefix_list_id known only after apply");
        else if (after.OptionalString("prefix_list_id") is { Length: > 0 } list) Add(rules, traffic, new PrefixListSource(list), description, null);
        AddGroup(after, mask, "referenced_security_group_id", traffic, description, rules);
        if (rules.Count == before)
        {
            throw after.Error("the rule has none of cidr_ipv4, cidr_ipv6, prefix_list_id and referenced_security_group_id");
        }
    }

    /// <summary>The protocol and ports, widened where unknown, and what was assumed.</summary>
    private sealed record Traffic(IpProtocol Protocol, PortRange? Ports, IcmpTypeCode? Icmp, string? Assumed);

    private static Traffic ReadTraffic(JsonCursor owner, UnknownMask mask, string protocolField)
    {
        var assumed = new List<string>();
        IpProtocol protocol;
        if (mask.Property(protocolField).IsUnknown)
        {
            protocol = IpProtocol.All;
            assumed.Add($"{protocolField} known only after apply, assumed all traffic");
        }
        else
        {
            protocol = RuleParts.ReadProtocol(owner, protocolField);
        }
        // An absent bound is the end of its side (WireRuleFields): the widest value of an unknown port.
        var fromUnknown = mask.Property("from_port").IsUnknown;
        var toUnknown = mask.Property("to_port").IsUnknown;
        var from = fromUnknown ? null : owner.OptionalInt("from_port");
        var to = toUnknown ? null : owner.OptionalInt("to_port");
        if (protocol.IsTcpOrUdp)
        {
            if (fromUnknown) assumed.Add("from_port known only after apply, assumed 0");
            if (toUnknown) assumed.Add("to_port known only after apply, assumed 65535");
        }
        try
        {
            var (ports, icmp) = WireRuleFields.Ports(protocol, from, to, "from_port", "to_port");
            return new Traffic(protocol, ports, icmp, assumed.Count == 0 ? null : string.Join("; ", assumed));
        }
        catch (RuleFieldException e)
        {
            throw owner.Get(e.Field == RuleField.ToPort ? "to_port" : "from_port")!.Value.Error(e.Message);
        }
    }

    private static string? Description(JsonCursor owner, UnknownMask mask) =>
        mask.Property("description").IsUnknown ? null : owner.OptionalString("description") is { Length: > 0 } d ? d : null;

    private static void AddCidrs(JsonCursor owner, UnknownMask mask, string field, bool ipv6, Traffic traffic, string? description, List<IngressRule> rules)
    {
        var any = ipv6 ? AnyIPv6 : AnyIPv4;
        var listMask = mask.Property(field);
        if (listMask.IsUnknown)
        {
            Add(rules, traffic, new CidrSource(any), description, $"{field} known only after apply, assumed {any}");
            return;
        }
        var items = owner.Get(field) is { } list ? list.Items().ToList() : [];
        for (var i = 0; i < Math.Max(items.Count, listMask.Length); i++)
        {
            if (listMask.Index(i).IsUnknown || i >= items.Count || items[i].IsNull)
            {
                if (!listMask.Index(i).IsUnknown) throw (i < items.Count ? items[i] : owner.Require(field)).Error("a CIDR block must not be null");
                Add(rules, traffic, new CidrSource(any), description, $"{field}[{i}] known only after apply, assumed {any}");
                continue;
            }
            Add(rules, traffic, RuleParts.ReadCidrSource(items[i], ipv6), description, null);
        }
    }

    private static void AddCidr(JsonCursor owner, UnknownMask mask, string field, bool ipv6, Traffic traffic, string? description, List<IngressRule> rules)
    {
        if (mask.Property(field).IsUnknown)
        {
            var any = ipv6 ? AnyIPv6 : AnyIPv4;
            Add(rules, traffic, new CidrSource(any), description, $"{field} known only after apply, assumed {any}");
        }
        else if (owner.Get(field) is { } value && value.AsString().Length > 0)
        {
            Add(rules, traffic, RuleParts.ReadCidrSource(value, ipv6), description, null);
        }
    }

    private static void AddPrefixLists(JsonCursor owner, UnknownMask mask, string field, Traffic traffic, string? description, List<IngressRule> rules) =>
        AddIds(owner, mask, field, new PrefixListSource(KnownAfterApply), id => new PrefixListSource(id), traffic, description, rules);

    private static void AddGroups(JsonCursor owner, UnknownMask mask, string field, Traffic traffic, string? description, List<IngressRule> rules) =>
        AddIds(owner, mask, field, UnknownGroup, Group, traffic, description, rules);

    /// <summary>
    /// A list of ids (prefix lists, groups): one rule per id; an id known only after apply is <paramref name="unknown"/>,
    /// and a whole list known only after apply is one such rule.
    /// </summary>
    private static void AddIds(JsonCursor owner, UnknownMask mask, string field, IngressSource unknown, Func<string, IngressSource> known,
                               Traffic traffic, string? description, List<IngressRule> rules)
    {
        var listMask = mask.Property(field);
        if (listMask.IsUnknown)
        {
            Add(rules, traffic, unknown, description, $"{field} known only after apply");
            return;
        }
        var items = owner.Get(field) is { } list ? list.Items().ToList() : [];
        for (var i = 0; i < Math.Max(items.Count, listMask.Length); i++)
        {
            if (listMask.Index(i).IsUnknown)
            {
                Add(rules, traffic, unknown, description, $"{field}[{i}] known only after apply");
                continue;
            }
            Add(rules, traffic, known(NonEmpty(KnownItem(owner, field, items, i))), description, null);
        }
    }

    private static void AddGroup(JsonCursor owner, UnknownMask mask, string field, Traffic traffic, string? description, List<IngressRule> rules)
    {
        if (mask.Property(field).IsUnknown) Add(rules, traffic, UnknownGroup, description, $"{field} known only after apply");
        else if (owner.OptionalString(field) is { Length: > 0 } id) Add(rules, traffic, Group(id), description, null);
    }

    private static void AddSelf(JsonCursor owner, UnknownMask mask, SecurityGroupSource self, Traffic traffic, string? description, List<IngressRule> rules)
    {
        if (mask.Property("self").IsUnknown) Add(rules, traffic, self, description, "self known only after apply, assumed true");
        else if (owner.OptionalBool("self") == true) Add(rules, traffic, self, description, null);
    }

    private static SecurityGroupSource UnknownGroup { get; } = new(null, KnownAfterApply, null, null, null, null);

    /// <summary>A referenced group: an id, or (default VPC and EC2-Classic style) a name.</summary>
    private static SecurityGroupSource Group(string value) =>
        value.StartsWith("sg-", StringComparison.Ordinal) ? new(value, null, null, null, null, null) : new(null, value, null, null, null, null);

    /// <summary>
    /// Item <paramref name="i"/> of a list the mask says is known: a mask listing more items than <c>after</c> has is
    /// a broken plan, refused rather than read as fewer sources (fail closed).
    /// </summary>
    private static JsonCursor KnownItem(JsonCursor owner, string field, List<JsonCursor> items, int i) =>
        i < items.Count ? items[i] : throw owner.Require(field).Error($"after_unknown lists item {i}, which the list does not have");

    private static string NonEmpty(JsonCursor value)
    {
        var text = value.AsString();
        return text.Length > 0 ? text : throw value.Error("must not be empty");
    }

    private static void Add(List<IngressRule> rules, Traffic traffic, IngressSource source, string? description, string? assumedSource)
    {
        var assumed = (traffic.Assumed, assumedSource) switch
        {
            (null, null) => null,
            ({ } t, null) => t,
            (null, { } s) => s,
            ({ } t, { } s) => t + "; " + s,
        };
        rules.Add(new IngressRule(traffic.Protocol, traffic.Ports, traffic.Icmp, source, description, RuleId: null) { Assumed = assumed });
    }

    /// <summary>The item of a JSON array that the mask marks, for callers reading lists of blocks.</summary>
    public static IEnumerable<(JsonCursor Item, UnknownMask Mask)> ItemsWithMask(JsonCursor list, UnknownMask mask) =>
        list.Items().Select((item, i) => (item, mask.Index(i)));
}
