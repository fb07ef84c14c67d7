using System.Globalization;
using System.Text;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.FakeAws.Infrastructure.Reply;

namespace SgConfigRule.FakeAws.Ec2;

/// <summary>One source of an EC2 security group rule: exactly one of the four is set.</summary>
public sealed record Ec2Source(string? CidrIpv4 = null, string? CidrIpv6 = null, string? PrefixListId = null,
                               string? GroupId = null, string? UserId = null)
{
    public static Ec2Source Ipv4(string cidr) => new(CidrIpv4: cidr);
    public static Ec2Source Ipv6(string cidr) => new(CidrIpv6: cidr);
    public static Ec2Source PrefixList(string id) => new(PrefixListId: id);
    public static Ec2Source Group(string id, string userId = FakeEc2.DefaultAccount) => new(GroupId: id, UserId: userId);

    public override string ToString() => CidrIpv4 ?? CidrIpv6 ?? PrefixListId ?? GroupId ?? "?";
}

/// <summary>A rule as EC2 keeps it: one source, an <c>sgr-</c> id, protocol normalised, ports -1 when not applicable.</summary>
public sealed record Ec2Rule(string RuleId, string GroupId, bool IsEgress, string Protocol, int FromPort, int ToPort,
                             Ec2Source Source, string? Description)
{
    public bool SameRuleAs(string protocol, int from, int to, Ec2Source source) =>
        Protocol == protocol && FromPort == from && ToPort == to && Source with { UserId = null } == source with { UserId = null };
}

public sealed class Ec2Group(string groupId, string name, string description, string vpcId, string ownerId, bool inDefaultVpc)
{
    public string GroupId { get; } = groupId;
    public string GroupName { get; } = name;
    public string Description { get; } = description;
    public string VpcId { get; } = vpcId;
    public string OwnerId { get; } = ownerId;
    public bool InDefaultVpc { get; } = inDefaultVpc;
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    public List<Ec2Rule> Rules { get; } = [];
}

public sealed record Ec2PrefixList(string PrefixListId, string Name, string OwnerId, string AddressFamily, IReadOnlyList<(string Cidr, string? Description)> Entries);

/// <summary>
/// EC2's security group API over the Query protocol: DescribeSecurityGroups, DescribeSecurityGroupRules,
/// AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress, DescribeManagedPrefixLists, GetManagedPrefixListEntries.
/// Keeps rules one per source with <c>sgr-</c> ids and canonical CIDRs, and answers errors with EC2's codes.
/// </summary>
public sealed class FakeEc2
{
    public const string DefaultAccount = "111122223333";
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private readonly Lock gate = new();
    private readonly Dictionary<string, Ec2Group> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ec2PrefixList> prefixLists = new(StringComparer.Ordinal);
    private long nextRule = 0x1000;

    public string Region { get; set; } = "us-east-1";

    /// <summary>Answer revokes as successful without removing anything (a broken or eventually consistent endpoint).</summary>
    public bool RevokeIsNoOp { get; set; }

    // ---- state, for tests to arrange and inspect ----

    public Ec2Group AddGroup(string groupId, string name, string description = "test group", string vpcId = "vpc-0a1b2c3d4e5f67890",
                             string ownerId = DefaultAccount, bool inDefaultVpc = false)
    {
        lock (gate)
        {
            var group = new Ec2Group(groupId, name, description, vpcId, ownerId, inDefaultVpc);
            groups[groupId] = group;
            return group;
        }
    }

    /// <summary>Adds an ingress rule as AuthorizeSecurityGroupIngress would, returning it with its new id.</summary>
    public Ec2Rule AddIngress(string groupId, string protocol, int from, int to, Ec2Source source, string? description = null)
    {
        lock (gate)
        {
            var group = groups[groupId];
            return AddRule(group, false, NormaliseProtocol(protocol), from, to, Canonical(source), description);
        }
    }

    public Ec2Rule AddEgress(string groupId, string protocol, int from, int to, Ec2Source source)
    {
        lock (gate) return AddRule(groups[groupId], true, NormaliseProtocol(protocol), from, to, Canonical(source), null);
    }

    public void SetTag(string groupId, string key, string value)
    {
        lock (gate) groups[groupId].Tags[key] = value;
    }

    public void RemoveTag(string groupId, string key)
    {
        lock (gate) groups[groupId].Tags.Remove(key);
    }

    public void DeleteGroup(string groupId)
    {
        lock (gate) groups.Remove(groupId);
    }

    public bool RemoveRule(string groupId, string ruleId)
    {
        lock (gate) return groups.TryGetValue(groupId, out var g) && g.Rules.RemoveAll(r => r.RuleId == ruleId) > 0;
    }

    public IReadOnlyList<Ec2Rule> Rules(string groupId)
    {
        lock (gate) return groups.TryGetValue(groupId, out var g) ? [.. g.Rules] : [];
    }

    public IReadOnlyList<Ec2Group> Groups()
    {
        lock (gate) return [.. groups.Values];
    }

    public Ec2Group? FindGroup(string groupId)
    {
        lock (gate) return groups.GetValueOrDefault(groupId);
    }

    public void ClearPrefixLists()
    {
        lock (gate) prefixLists.Clear();
    }

    public void AddPrefixList(string prefixListId, string name, string ownerId, params (string Cidr, string? Description)[] entries)
    {
        lock (gate)
        {
            var family = entries.Any(e => e.Cidr.Contains(':')) ? "IPv6" : "IPv4";
            prefixLists[prefixListId] = new Ec2PrefixList(prefixListId, name, ownerId, family, entries);
        }
    }

    // ---- the API ----

    /// <param name="q">The request.</param>
    /// <param name="onAuthorized">Called (under the lock) with the rules a successful AuthorizeSecurityGroupIngress added.</param>
    public Reply Handle(QueryParameters q, Action<string, IReadOnlyList<Ec2Rule>>? onAuthorized = null)
    {
        lock (gate)
        {
            return q.Action switch
            {
                "DescribeSecurityGroups" => DescribeSecurityGroups(q),
                "DescribeSecurityGroupRules" => DescribeSecurityGroupRules(q),
                "AuthorizeSecurityGroupIngress" => AuthorizeIngress(q, onAuthorized),
                "RevokeSecurityGroupIngress" => RevokeIngress(q),
                "DescribeManagedPrefixLists" => DescribeManagedPrefixLists(q),
                "GetManagedPrefixListEntries" => GetManagedPrefixListEntries(q),
                "CreateTags" => CreateTags(q),
                _ => Ec2Error(400, "InvalidAction", $"The action {q.Action} is not valid for this web service."),
            };
        }
    }

    /// <summary>Tag keys CreateTags refuses with UnauthorizedOperation, as an IAM policy without that permission would.</summary>
    public HashSet<string> DeniedTagKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>CreateTags on security groups: overwrites values, EC2's limits on keys and values, all or nothing.</summary>
    private Reply CreateTags(QueryParameters q)
    {
        var resources = q.List("ResourceId");
        if (resources.Count == 0) return Ec2Error(400, "MissingParameter", "The request must contain the parameter resourceIdSet");
        var tags = q.Indices("Tag").Select(i => (Key: q[$"Tag.{i}.Key"] ?? "", Value: q[$"Tag.{i}.Value"] ?? "")).ToList();
        if (tags.Count == 0) return Ec2Error(400, "MissingParameter", "The request must contain the parameter tagSet");
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 128 || value.Length > 256) return Ec2Error(400, "InvalidParameterValue", $"Tag key or value too long: {key}");
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) return Ec2Error(400, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
            if (DeniedTagKeys.Contains(key)) return Ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.");
        }
        var missing = resources.FirstOrDefault(r => !groups.ContainsKey(r));
        if (missing is not null) return Ec2Error(400, "InvalidGroup.NotFound", $"The security group '{missing}' does not exist");
        foreach (var id in resources)
        {
            foreach (var (key, value) in tags) groups[id].Tags[key] = value;
        }
        return Xml($"<CreateTagsResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return></CreateTagsResponse>");
    }

    public string? Tag(string groupId, string key)
    {
        lock (gate) return groups[groupId].Tags.TryGetValue(key, out var value) ? value : null;
    }

    private Reply DescribeSecurityGroups(QueryParameters q)
    {
        var ids = q.List("GroupId");
        ids.AddRange(FilterValues(q, "group-id"));
        var missing = ids.FirstOrDefault(id => !groups.ContainsKey(id));
        if (missing is not null && q.List("GroupId").Contains(missing))
        {
            return Ec2Error(400, "InvalidGroup.NotFound", $"The security group '{missing}' does not exist");
        }
        var selected = (ids.Count == 0 ? groups.Values.OrderBy(g => g.GroupId, StringComparer.Ordinal) : ids.Distinct().Where(groups.ContainsKey).Select(id => groups[id])).ToList();
        if (q.Number("MaxResults") is not null && q.List("GroupId").Count > 0)
        {
            return Ec2Error(400, "InvalidParameterValue", "MaxResults cannot be combined with GroupId");
        }
        if (Page(q, selected) is not ({ } page, var next)) return Ec2Error(400, "InvalidParameterValue", "MaxResults must be between 5 and 1000");
        var items = page.Select(g =>
            Element("ownerId", g.OwnerId) + Element("groupId", g.GroupId) + Element("groupName", g.GroupName) +
            Element("groupDescription", g.Description) + Element("vpcId", g.VpcId) +
            Permissions("ipPermissions", g.Rules.Where(r => !r.IsEgress)) +
            Permissions("ipPermissionsEgress", g.Rules.Where(r => r.IsEgress)) +
            Set("tagSet", g.Tags.Select(t => Element("key", t.Key) + Element("value", t.Value))) +
            Element("securityGroupArn", Arn(g)));
        return Xml($"<DescribeSecurityGroupsResponse xmlns=\"{Namespace}\">{RequestId()}{Set("securityGroupInfo", items)}{next}</DescribeSecurityGroupsResponse>");
    }

    private static string Permissions(string name, IEnumerable<Ec2Rule> rules) =>
        Set(name, rules.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort)).Select(p =>
            Element("ipProtocol", p.Key.Protocol) +
            (p.Key.Protocol == "-1" ? "" : Element("fromPort", p.Key.FromPort) + Element("toPort", p.Key.ToPort)) +
            Set("groups", p.Where(r => r.Source.GroupId is not null).Select(r => Element("userId", r.Source.UserId) + Element("groupId", r.Source.GroupId) + Element("description", r.Description))) +
            Set("ipRanges", p.Where(r => r.Source.CidrIpv4 is not null).Select(r => Element("cidrIp", r.Source.CidrIpv4) + Element("description", r.Description))) +
            Set("ipv6Ranges", p.Where(r => r.Source.CidrIpv6 is not null).Select(r => Element("cidrIpv6", r.Source.CidrIpv6) + Element("description", r.Description))) +
            Set("prefixListIds", p.Where(r => r.Source.PrefixListId is not null).Select(r => Element("prefixListId", r.Source.PrefixListId) + Element("description", r.Description)))));

    /// <summary>
    /// One page of a Describe answer as EC2 pages it: everything without MaxResults, else MaxResults (5-1000) items
    /// from NextToken (an offset here), with the nextToken element when more remain. No page for a MaxResults out of range.
    /// </summary>
    private static (List<T>? Page, string NextTokenElement) Page<T>(QueryParameters q, List<T> all)
    {
        if (q.Number("MaxResults") is < 5 or > 1000) return (null, "");
        var start = q["NextToken"] is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = all.Skip(start).Take(q.Number("MaxResults") ?? int.MaxValue).ToList();
        return (page, start + page.Count < all.Count ? Element("nextToken", (start + page.Count).ToString(CultureInfo.InvariantCulture)) : "");
    }

    private Reply DescribeSecurityGroupRules(QueryParameters q)
    {
        var groupFilter = FilterValues(q, "group-id");
        var ruleIds = q.List("SecurityGroupRuleId");
        ruleIds.AddRange(FilterValues(q, "security-group-rule-id"));
        var all = groups.Values.OrderBy(g => g.GroupId, StringComparer.Ordinal).SelectMany(g => g.Rules)
            .Where(r => groupFilter.Count == 0 || groupFilter.Contains(r.GroupId))
            .Where(r => ruleIds.Count == 0 || ruleIds.Contains(r.RuleId)).ToList();
        if (q.List("SecurityGroupRuleId").FirstOrDefault(id => all.All(r => r.RuleId != id)) is { } unknown)
        {
            return Ec2Error(400, "InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{unknown}' does not exist");
        }
        if (Page(q, all) is not ({ } page, var next)) return Ec2Error(400, "InvalidParameterValue", "MaxResults must be between 5 and 1000");
        return Xml($"<DescribeSecurityGroupRulesResponse xmlns=\"{Namespace}\">{RequestId()}{Set("securityGroupRuleSet", page.Select(RuleXml))}{next}</DescribeSecurityGroupRulesResponse>");
    }

    private string RuleXml(Ec2Rule r) =>
        Element("securityGroupRuleId", r.RuleId) + Element("groupId", r.GroupId) +
        Element("groupOwnerId", groups.TryGetValue(r.GroupId, out var g) ? g.OwnerId : DefaultAccount) +
        Element("isEgress", r.IsEgress) + Element("ipProtocol", r.Protocol) + Element("fromPort", r.FromPort) + Element("toPort", r.ToPort) +
        Element("cidrIpv4", r.Source.CidrIpv4) + Element("cidrIpv6", r.Source.CidrIpv6) + Element("prefixListId", r.Source.PrefixListId) +
        (r.Source.GroupId is null ? "" : $"<referencedGroupInfo>{Element("groupId", r.Source.GroupId)}{Element("userId", r.Source.UserId)}</referencedGroupInfo>") +
        Element("description", r.Description) + "<tagSet/>" +
        Element("securityGroupRuleArn", $"arn:aws:ec2:{Region}:{DefaultAccount}:security-group-rule/{r.RuleId}");

    private Reply AuthorizeIngress(QueryParameters q, Action<string, IReadOnlyList<Ec2Rule>>? onAuthorized)
    {
        var group = RequireGroup(q);
        var requested = ReadPermissions(q);
        if (requested.Count == 0) return Ec2Error(400, "MissingParameter", "No permissions were specified");
        foreach (var (protocol, from, to, source, _) in requested)
        {
            if (group.Rules.Any(r => !r.IsEgress && r.SameRuleAs(protocol, from, to, source)))
            {
                return Ec2Error(400, "InvalidPermission.Duplicate",
                    $"the specified rule \"peer: {source}, {protocol.ToUpperInvariant()}, from port: {from}, to port: {to}, ALLOW\" already exists");
            }
        }
        var added = requested.Select(p => AddRule(group, false, p.Protocol, p.From, p.To, p.Source, p.Description)).ToList();
        onAuthorized?.Invoke(group.GroupId, added);
        return Xml($"<AuthorizeSecurityGroupIngressResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return>{Set("securityGroupRuleSet", added.Select(RuleXml))}</AuthorizeSecurityGroupIngressResponse>");
    }

    private Reply RevokeIngress(QueryParameters q)
    {
        var group = RequireGroup(q);
        var ruleIds = q.List("SecurityGroupRuleId");
        List<Ec2Rule> revoked;
        var unknown = new List<(string Protocol, int From, int To, Ec2Source Source, string? Description)>();
        if (ruleIds.Count > 0)
        {
            // By id: all or nothing; an id that is not an ingress rule of this group is an error.
            var found = ruleIds.Select(id => group.Rules.FirstOrDefault(r => r.RuleId == id && !r.IsEgress)).ToList();
            var missingIndex = found.FindIndex(r => r is null);
            if (missingIndex >= 0)
            {
                return Ec2Error(400, "InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{ruleIds[missingIndex]}' does not exist");
            }
            revoked = found!.Distinct().ToList()!;
        }
        else
        {
            var requested = ReadPermissions(q);
            if (requested.Count == 0) return Ec2Error(400, "MissingParameter", "No permissions were specified");
            revoked = [];
            foreach (var p in requested)
            {
                var rule = group.Rules.FirstOrDefault(r => !r.IsEgress && r.SameRuleAs(p.Protocol, p.From, p.To, p.Source));
                if (rule is null) unknown.Add(p);
                else revoked.Add(rule);
            }
            if (unknown.Count > 0 && !group.InDefaultVpc)
            {
                return Ec2Error(400, "InvalidPermission.NotFound",
                    "The specified rule does not exist in this security group.");
            }
        }
        if (!RevokeIsNoOp)
        {
            foreach (var rule in revoked) group.Rules.Remove(rule);
        }
        var unknownXml = unknown.Count == 0 ? "" : Set("unknownIpPermissionSet", unknown.Select(p =>
            Element("ipProtocol", p.Protocol) + Element("fromPort", p.From) + Element("toPort", p.To) +
            Set("ipRanges", p.Source.CidrIpv4 is null ? [] : [Element("cidrIp", p.Source.CidrIpv4)])));
        var revokedXml = Set("revokedSecurityGroupRuleSet", revoked.Select(r =>
            Element("securityGroupRuleId", r.RuleId) + Element("groupId", r.GroupId) + Element("isEgress", false) +
            Element("ipProtocol", r.Protocol) + Element("fromPort", r.FromPort) + Element("toPort", r.ToPort) +
            Element("cidrIpv4", r.Source.CidrIpv4) + Element("cidrIpv6", r.Source.CidrIpv6) + Element("prefixListId", r.Source.PrefixListId) +
            Element("referencedGroupId", r.Source.GroupId) + Element("description", r.Description)));
        return Xml($"<RevokeSecurityGroupIngressResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return>{unknownXml}{revokedXml}</RevokeSecurityGroupIngressResponse>");
    }

    private Reply DescribeManagedPrefixLists(QueryParameters q)
    {
        var ids = q.List("PrefixListId");
        ids.AddRange(FilterValues(q, "prefix-list-id"));
        if (ids.FirstOrDefault(id => !prefixLists.ContainsKey(id)) is { } missing && q.List("PrefixListId").Contains(missing))
        {
            return Ec2Error(400, "InvalidPrefixListID.NotFound", $"The prefix list ID '{missing}' does not exist");
        }
        var lists = ids.Count == 0 ? prefixLists.Values : ids.Where(prefixLists.ContainsKey).Select(id => prefixLists[id]);
        var items = lists.Select(l =>
            Element("prefixListId", l.PrefixListId) + Element("addressFamily", l.AddressFamily) + Element("state", "create-complete") +
            Element("prefixListArn", $"arn:aws:ec2:{Region}:{l.OwnerId}:prefix-list/{l.PrefixListId}") +
            Element("prefixListName", l.Name) + Element("maxEntries", l.Entries.Count + 5) + Element("version", 1) + "<tagSet/>" +
            Element("ownerId", l.OwnerId));
        return Xml($"<DescribeManagedPrefixListsResponse xmlns=\"{Namespace}\">{RequestId()}{Set("prefixListSet", items)}</DescribeManagedPrefixListsResponse>");
    }

    private Reply GetManagedPrefixListEntries(QueryParameters q)
    {
        var id = q["PrefixListId"] ?? "";
        if (!prefixLists.TryGetValue(id, out var list))
        {
            return Ec2Error(400, "InvalidPrefixListID.NotFound", $"The prefix list ID '{id}' does not exist");
        }
        var items = list.Entries.Select(e => Element("cidr", e.Cidr) + Element("description", e.Description));
        return Xml($"<GetManagedPrefixListEntriesResponse xmlns=\"{Namespace}\">{RequestId()}{Set("entrySet", items)}</GetManagedPrefixListEntriesResponse>");
    }

    // ---- helpers ----

    private Ec2Group RequireGroup(QueryParameters q)
    {
        var id = q["GroupId"];
        if (id is null) throw new ServiceFaultException(Ec2Error(400, "MissingParameter", "The request must contain the parameter groupId"));
        return groups.TryGetValue(id, out var group)
            ? group
            : throw new ServiceFaultException(Ec2Error(400, "InvalidGroup.NotFound", $"The security group '{id}' does not exist"));
    }

    private static List<string> FilterValues(QueryParameters q, string name)
    {
        var values = new List<string>();
        foreach (var i in q.Indices("Filter"))
        {
            if (q[$"Filter.{i}.Name"] == name) values.AddRange(q.List($"Filter.{i}.Value"));
        }
        return values;
    }

    private static List<(string Protocol, int From, int To, Ec2Source Source, string? Description)> ReadPermissions(QueryParameters q)
    {
        var result = new List<(string, int, int, Ec2Source, string?)>();
        foreach (var i in q.Indices("IpPermissions"))
        {
            var prefix = $"IpPermissions.{i}";
            var protocol = NormaliseProtocol(q[$"{prefix}.IpProtocol"] ?? throw new ServiceFaultException(Ec2Error(400, "MissingParameter", "IpProtocol is required")));
            var from = protocol == "-1" ? -1 : q.Number($"{prefix}.FromPort") ?? -1;
            var to = protocol == "-1" ? -1 : q.Number($"{prefix}.ToPort") ?? -1;
            if (protocol is "tcp" or "udp" && (from < 0 || to > 65535 || from > to))
            {
                throw new ServiceFaultException(Ec2Error(400, "InvalidParameterValue", $"Invalid port range {from}-{to}"));
            }
            foreach (var j in q.Indices($"{prefix}.IpRanges"))
                result.Add((protocol, from, to, Canonical(Ec2Source.Ipv4(q[$"{prefix}.IpRanges.{j}.CidrIp"] ?? ""))!, q[$"{prefix}.IpRanges.{j}.Description"]));
            foreach (var j in q.Indices($"{prefix}.Ipv6Ranges"))
                result.Add((protocol, from, to, Canonical(Ec2Source.Ipv6(q[$"{prefix}.Ipv6Ranges.{j}.CidrIpv6"] ?? ""))!, q[$"{prefix}.Ipv6Ranges.{j}.Description"]));
            foreach (var j in q.Indices($"{prefix}.PrefixListIds"))
                result.Add((protocol, from, to, Ec2Source.PrefixList(q[$"{prefix}.PrefixListIds.{j}.PrefixListId"] ?? ""), q[$"{prefix}.PrefixListIds.{j}.Description"]));
            foreach (var j in q.Indices($"{prefix}.Groups"))
                result.Add((protocol, from, to, Ec2Source.Group(q[$"{prefix}.Groups.{j}.GroupId"] ?? "", q[$"{prefix}.Groups.{j}.UserId"] ?? DefaultAccount), q[$"{prefix}.Groups.{j}.Description"]));
        }
        return result;
    }

    private static Ec2Source Canonical(Ec2Source source)
    {
        if (source.CidrIpv4 is { } v4) return source with { CidrIpv4 = CidrText.Canonical(v4) ?? throw BadCidr(v4) };
        if (source.CidrIpv6 is { } v6) return source with { CidrIpv6 = CidrText.Canonical(v6) ?? throw BadCidr(v6) };
        return source;
    }

    private static ServiceFaultException BadCidr(string cidr) =>
        new(Ec2Error(400, "InvalidParameterValue", $"Value ({cidr}) for parameter cidrIp is invalid. This is not a valid CIDR block."));

    public static string NormaliseProtocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        "all" => "-1",
        var p => p,
    };

    private Ec2Rule AddRule(Ec2Group group, bool egress, string protocol, int from, int to, Ec2Source source, string? description)
    {
        var (f, t) = protocol == "-1" ? (-1, -1) : (from, to);
        var rule = new Ec2Rule($"sgr-{nextRule++:x17}", group.GroupId, egress, protocol, f, t, source, description);
        group.Rules.Add(rule);
        return rule;
    }

    private string Arn(Ec2Group g) => $"arn:aws:ec2:{Region}:{g.OwnerId}:security-group/{g.GroupId}";

    private static string RequestId() => $"<requestId>{Guid.NewGuid()}</requestId>";
}
