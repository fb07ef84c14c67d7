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

    /// <summary>
    /// Whether this stored source is the one a request names: the same CIDR, prefix list or group; a group named
    /// without a user id is matched on its id alone.
    /// </summary>
    public bool Matches(Ec2Source requested) =>
        requested.GroupId is not null
            ? GroupId == requested.GroupId && (requested.UserId is null || requested.UserId == UserId)
            : GroupId is null && CidrIpv4 == requested.CidrIpv4 && CidrIpv6 == requested.CidrIpv6 && PrefixListId == requested.PrefixListId;
}

/// <summary>A rule as EC2 keeps it: one source, an <c>sgr-</c> id, protocol normalised, ports -1 when not applicable.</summary>
public sealed record Ec2Rule(string RuleId, string GroupId, bool IsEgress, string Protocol, int FromPort, int ToPort,
                             Ec2Source Source, string? Description)
{
    /// <summary>Whether a request naming <paramref name="requested"/> means this rule: its content, whatever the descriptions.</summary>
    public bool Matches(Ec2RuleContent requested) =>
        Protocol == requested.Protocol && FromPort == requested.FromPort && ToPort == requested.ToPort && Source.Matches(requested.Source);

    /// <summary>Same direction, protocol, ports and source: EC2 never holds two such rules in one group.</summary>
    public bool SameContentAs(Ec2Rule other) =>
        IsEgress == other.IsEgress && Protocol == other.Protocol && FromPort == other.FromPort && ToPort == other.ToPort
        && Source with { UserId = null } == other.Source with { UserId = null };
}

/// <summary>One protocol, port range and source as a request names it (IpPermissions, SecurityGroupRuleRequest), with its description.</summary>
public sealed record Ec2RuleContent(string Protocol, int FromPort, int ToPort, Ec2Source Source, string? Description = null);

/// <summary>One item of a ModifySecurityGroupRules request: the rule to change and the content it is to have.</summary>
public sealed record Ec2RuleUpdate(string RuleId, Ec2RuleContent Content);

/// <summary>
/// One RevokeSecurityGroupIngress that removed rules, for property checks: what it removed, and what the group looked
/// like when the call arrived (its tags, its ingress rules), who called and for which Region the call was signed.
/// </summary>
public sealed record Ec2Revocation(
    long Sequence,
    DateTime Time,
    string GroupId,
    IReadOnlyList<Ec2Rule> Removed,
    IReadOnlyDictionary<string, string> TagsAtCall,
    IReadOnlyList<Ec2Rule> IngressBefore,
    string? AccessKey,
    string SigningRegion);

/// <summary>
/// What the server knows of an EC2 call besides its parameters (the caller's access key, the Region it was signed for),
/// and where its effects are to be recorded. The callbacks run under the EC2 lock, in the order of the changes.
/// </summary>
public sealed record Ec2CallContext(string? AccessKey, string SigningRegion)
{
    /// <summary>A successful AuthorizeSecurityGroupIngress: the group and the rules it added.</summary>
    public Action<string, IReadOnlyList<Ec2Rule>>? OnAuthorized { get; init; }

    /// <summary>A successful ModifySecurityGroupRules: the group and the updates as requested.</summary>
    public Action<string, IReadOnlyList<Ec2RuleUpdate>>? OnModified { get; init; }
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
/// EC2's security group API in one Region over the Query protocol: DescribeSecurityGroups, DescribeSecurityGroupRules,
/// AuthorizeSecurityGroupIngress, ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptionsIngress,
/// RevokeSecurityGroupIngress, CreateTags, DescribeManagedPrefixLists, GetManagedPrefixListEntries.
/// Keeps rules one per source with <c>sgr-</c> ids and canonical CIDRs, and answers errors with EC2's codes.
/// </summary>
/// <param name="region">The Region this instance is.</param>
/// <param name="firstRuleNumber">Where its <c>sgr-</c> numbers start: each Region its own range, so ids stay unique across Regions as in AWS.</param>
public sealed class FakeEc2(string region = FakeEc2.DefaultRegion, long firstRuleNumber = 0x1000)
{
    public const string DefaultAccount = "111122223333";
    public const string DefaultRegion = "us-east-1";
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private readonly Lock gate = new();
    private readonly Dictionary<string, Ec2Group> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ec2PrefixList> prefixLists = new(StringComparer.Ordinal);
    private readonly List<Ec2Revocation> revocations = [];
    private long nextRule = firstRuleNumber;

    public string Region { get; } = region;

    /// <summary>Answer revokes as successful without removing anything (a broken or eventually consistent endpoint).</summary>
    public bool RevokeIsNoOp { get; set; }

    /// <summary>
    /// Tag keys that make RevokeSecurityGroupIngress on a group carrying one refused with UnauthorizedOperation, as the
    /// template's deny on <c>aws:ResourceTag/&lt;exemption key&gt;</c> does. Checked at the moment of the call; set it up before the calls.
    /// </summary>
    public HashSet<string> DenyRevokeWhenTagged { get; } = new(StringComparer.Ordinal);

    /// <summary>Every RevokeSecurityGroupIngress that removed at least one rule, in order (a snapshot).</summary>
    public IReadOnlyList<Ec2Revocation> Revocations
    {
        get
        {
            lock (gate) return [.. revocations];
        }
    }

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

    /// <summary>
    /// Changes a rule in place as ModifySecurityGroupRules does (same id, same checks); returns it as it now is.
    /// EC2's errors are thrown as <see cref="ServiceFaultException"/>.
    /// </summary>
    public Ec2Rule ModifyRule(string groupId, string ruleId, string protocol, int from, int to, Ec2Source source, string? description = null)
    {
        lock (gate)
        {
            var update = new Ec2RuleUpdate(ruleId, new Ec2RuleContent(NormaliseProtocol(protocol), from, to, source, description));
            return ApplyModifications(RequireGroup(groupId), [update]).Single();
        }
    }

    /// <summary>Sets (or with null removes) an ingress rule's description as UpdateSecurityGroupRuleDescriptionsIngress does.</summary>
    public Ec2Rule UpdateDescription(string groupId, string ruleId, string? description)
    {
        lock (gate)
        {
            var group = RequireGroup(groupId);
            return ApplyDescriptions(group, [(IngressRuleById(group, ruleId), description)]).Single();
        }
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
    /// <param name="call">Who called, for which Region, and where to record effects; an anonymous call in this Region when null.</param>
    public Reply Handle(QueryParameters q, Ec2CallContext? call = null)
    {
        call ??= new Ec2CallContext(null, Region);
        lock (gate)
        {
            return q.Action switch
            {
                "DescribeSecurityGroups" => DescribeSecurityGroups(q),
                "DescribeSecurityGroupRules" => DescribeSecurityGroupRules(q),
                "AuthorizeSecurityGroupIngress" => AuthorizeIngress(q, call),
                "ModifySecurityGroupRules" => ModifySecurityGroupRules(q, call),
                "UpdateSecurityGroupRuleDescriptionsIngress" => UpdateDescriptionsIngress(q),
                "RevokeSecurityGroupIngress" => RevokeIngress(q, call),
                "DescribeManagedPrefixLists" => DescribeManagedPrefixLists(q),
                "GetManagedPrefixListEntries" => GetManagedPrefixListEntries(q),
                "CreateTags" => CreateTags(q),
                "DescribeRegions" => DescribeRegions(),
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
        Permissions(name, rules.Select(r => new Ec2RuleContent(r.Protocol, r.FromPort, r.ToPort, r.Source, r.Description)));

    /// <summary>EC2's IpPermission list: one item per protocol and port range, its sources under groups, ipRanges, ipv6Ranges, prefixListIds.</summary>
    private static string Permissions(string name, IEnumerable<Ec2RuleContent> permissions) =>
        Set(name, permissions.GroupBy(p => (p.Protocol, p.FromPort, p.ToPort)).Select(p =>
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

    private Reply AuthorizeIngress(QueryParameters q, Ec2CallContext call)
    {
        var group = RequireGroup(q);
        var requested = ReadPermissions(q);
        if (requested.Count == 0) return Ec2Error(400, "MissingParameter", "No permissions were specified");
        foreach (var permission in requested)
        {
            if (group.Rules.Any(r => !r.IsEgress && r.Matches(permission with { Source = permission.Source with { UserId = null } })))
            {
                return Duplicate(permission);
            }
        }
        var added = requested.Select(p => AddRule(group, false, p.Protocol, p.FromPort, p.ToPort, WithOwner(group, p.Source), p.Description)).ToList();
        call.OnAuthorized?.Invoke(group.GroupId, added);
        return Xml($"<AuthorizeSecurityGroupIngressResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return>{Set("securityGroupRuleSet", added.Select(RuleXml))}</AuthorizeSecurityGroupIngressResponse>");
    }

    /// <summary>
    /// ModifySecurityGroupRules: each named rule (ingress or egress, of this group) takes the requested content in
    /// place and keeps its id. The request is the rule's whole new content: a description left out is removed.
    /// </summary>
    private Reply ModifySecurityGroupRules(QueryParameters q, Ec2CallContext call)
    {
        var group = RequireGroup(q);
        var updates = q.Indices("SecurityGroupRule").Select(i => ReadRuleUpdate(q, $"SecurityGroupRule.{i}")).ToList();
        if (updates.Count == 0) return Ec2Error(400, "MissingParameter", "The request must contain the parameter SecurityGroupRule");
        ApplyModifications(group, updates);
        call.OnModified?.Invoke(group.GroupId, updates);
        return Xml($"<ModifySecurityGroupRulesResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return></ModifySecurityGroupRulesResponse>");
    }

    private static Ec2RuleUpdate ReadRuleUpdate(QueryParameters q, string prefix)
    {
        var ruleId = q[$"{prefix}.SecurityGroupRuleId"] ?? throw Fault(400, "MissingParameter", "The request must contain the parameter SecurityGroupRuleId");
        var rule = $"{prefix}.SecurityGroupRule";
        var protocol = q[$"{rule}.IpProtocol"] ?? throw Fault(400, "MissingParameter", "The request must contain the parameter IpProtocol");
        Ec2Source?[] named =
        [
            q[$"{rule}.CidrIpv4"] is { } v4 ? Ec2Source.Ipv4(v4) : null,
            q[$"{rule}.CidrIpv6"] is { } v6 ? Ec2Source.Ipv6(v6) : null,
            q[$"{rule}.PrefixListId"] is { } pl ? Ec2Source.PrefixList(pl) : null,
            q[$"{rule}.ReferencedGroupId"] is { } sg ? new Ec2Source(GroupId: sg) : null,
        ];
        var sources = named.OfType<Ec2Source>().ToList();
        if (sources.Count == 0) throw Fault(400, "MissingParameter", "Specify one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId");
        if (sources.Count > 1) throw Fault(400, "InvalidParameterCombination", "Specify only one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId");
        return new Ec2RuleUpdate(ruleId, new Ec2RuleContent(NormaliseProtocol(protocol), q.Number($"{rule}.FromPort") ?? -1, q.Number($"{rule}.ToPort") ?? -1,
            sources[0], q[$"{rule}.Description"]));
    }

    /// <summary>Checks every update against the group as it will be, then applies them all, or throws and changes nothing.</summary>
    private List<Ec2Rule> ApplyModifications(Ec2Group group, IReadOnlyList<Ec2RuleUpdate> updates)
    {
        var changed = new Dictionary<string, Ec2Rule>(StringComparer.Ordinal);
        foreach (var (ruleId, content) in updates)
        {
            var current = group.Rules.FirstOrDefault(r => r.RuleId == ruleId) ?? throw RuleIdNotFound(ruleId);
            if (changed.ContainsKey(ruleId)) throw Fault(400, "InvalidParameterValue", $"The security group rule ID '{ruleId}' is given more than once");
            var (from, to) = Ports(content.Protocol, content.FromPort, content.ToPort);
            changed[ruleId] = current with
            {
                Protocol = content.Protocol,
                FromPort = from,
                ToPort = to,
                Source = WithOwner(group, Canonical(content.Source)),
                Description = content.Description,
            };
        }
        var after = group.Rules.Select(r => changed.GetValueOrDefault(r.RuleId) ?? r).ToList();
        foreach (var rule in changed.Values)
        {
            if (after.Any(other => other.RuleId != rule.RuleId && other.SameContentAs(rule)))
            {
                throw new ServiceFaultException(Duplicate(new Ec2RuleContent(rule.Protocol, rule.FromPort, rule.ToPort, rule.Source)));
            }
        }
        group.Rules.Clear();
        group.Rules.AddRange(after);
        return [.. updates.Select(u => changed[u.RuleId])];
    }

    /// <summary>
    /// UpdateSecurityGroupRuleDescriptionsIngress, by rule id (SecurityGroupRuleDescription.N) or by content
    /// (IpPermissions.N, the description taken from each range): every rule must exist, or nothing changes.
    /// </summary>
    private Reply UpdateDescriptionsIngress(QueryParameters q)
    {
        var group = RequireGroup(q);
        var targets = new List<(Ec2Rule Rule, string? Description)>();
        foreach (var i in q.Indices("SecurityGroupRuleDescription"))
        {
            var ruleId = q[$"SecurityGroupRuleDescription.{i}.SecurityGroupRuleId"]
                         ?? throw Fault(400, "MissingParameter", "The request must contain the parameter SecurityGroupRuleId");
            targets.Add((IngressRuleById(group, ruleId), q[$"SecurityGroupRuleDescription.{i}.Description"]));
        }
        foreach (var permission in ReadPermissions(q))
        {
            var rule = group.Rules.FirstOrDefault(r => !r.IsEgress && r.Matches(permission)) ?? throw new ServiceFaultException(PermissionNotFound());
            targets.Add((rule, permission.Description));
        }
        if (targets.Count == 0) return Ec2Error(400, "MissingParameter", "Specify either IP permissions or security group rule descriptions");
        ApplyDescriptions(group, targets);
        return Xml($"<UpdateSecurityGroupRuleDescriptionsIngressResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return></UpdateSecurityGroupRuleDescriptionsIngressResponse>");
    }

    private static List<Ec2Rule> ApplyDescriptions(Ec2Group group, IReadOnlyList<(Ec2Rule Rule, string? Description)> targets)
    {
        var updated = new List<Ec2Rule>();
        foreach (var (rule, description) in targets)
        {
            var index = group.Rules.FindIndex(r => r.RuleId == rule.RuleId);
            group.Rules[index] = group.Rules[index] with { Description = description };
            updated.Add(group.Rules[index]);
        }
        return updated;
    }

    /// <summary>
    /// RevokeSecurityGroupIngress as AWS documents it. By id: every id an ingress rule of the group, or an error and
    /// nothing revoked. By content (IpPermissions, descriptions ignored): in a non-default VPC every permission must
    /// match a rule or InvalidPermission.NotFound and nothing revoked; in the default VPC the matched rules go and the
    /// rest come back in unknownIpPermissionSet. Refused while the group carries a tag key of
    /// <see cref="DenyRevokeWhenTagged"/>.
    /// </summary>
    private Reply RevokeIngress(QueryParameters q, Ec2CallContext call)
    {
        var group = RequireGroup(q);
        if (DenyRevokeWhenTagged.FirstOrDefault(group.Tags.ContainsKey) is { } deniedKey)
        {
            return Ec2Error(403, "UnauthorizedOperation",
                $"You are not authorized to perform this operation. The caller is not authorized to perform: ec2:RevokeSecurityGroupIngress on resource: {Arn(group)} "
                + $"with an explicit deny in an identity-based policy (aws:ResourceTag/{deniedKey})");
        }
        var ruleIds = q.List("SecurityGroupRuleId");
        List<Ec2Rule> revoked;
        var unknown = new List<Ec2RuleContent>();
        if (ruleIds.Count > 0)
        {
            revoked = [.. ruleIds.Select(id => IngressRuleById(group, id)).Distinct()];
        }
        else
        {
            var requested = ReadPermissions(q);
            if (requested.Count == 0) return Ec2Error(400, "MissingParameter", "No permissions were specified");
            revoked = [];
            foreach (var permission in requested)
            {
                var rule = group.Rules.FirstOrDefault(r => !r.IsEgress && r.Matches(permission));
                if (rule is null) unknown.Add(permission);
                else if (!revoked.Contains(rule)) revoked.Add(rule);
            }
            if (unknown.Count > 0 && !group.InDefaultVpc) return PermissionNotFound();
        }
        if (!RevokeIsNoOp && revoked.Count > 0)
        {
            var ingressBefore = group.Rules.Where(r => !r.IsEgress).ToList();
            group.Rules.RemoveAll(revoked.Contains);
            revocations.Add(new Ec2Revocation(revocations.Count + 1, DateTime.UtcNow, group.GroupId, revoked,
                new Dictionary<string, string>(group.Tags, StringComparer.Ordinal), ingressBefore, call.AccessKey, call.SigningRegion));
        }
        var unknownXml = unknown.Count == 0 ? "" : Permissions("unknownIpPermissionSet", unknown);
        var revokedXml = Set("revokedSecurityGroupRuleSet", revoked.Select(r =>
            Element("securityGroupRuleId", r.RuleId) + Element("groupId", r.GroupId) + Element("isEgress", r.IsEgress) +
            Element("ipProtocol", r.Protocol) + Element("fromPort", r.FromPort) + Element("toPort", r.ToPort) +
            Element("cidrIpv4", r.Source.CidrIpv4) + Element("cidrIpv6", r.Source.CidrIpv6) + Element("prefixListId", r.Source.PrefixListId) +
            Element("referencedGroupId", r.Source.GroupId) + Element("description", r.Description)));
        return Xml($"<RevokeSecurityGroupIngressResponse xmlns=\"{Namespace}\">{RequestId()}<return>true</return>{unknownXml}{revokedXml}</RevokeSecurityGroupIngressResponse>");
    }

    /// <summary>The Regions DescribeRegions names as enabled for the account (what `--region all` reads).</summary>
    public List<string> EnabledRegions { get; } = [DefaultRegion];

    private Reply DescribeRegions()
    {
        var items = EnabledRegions.Select(r => Element("regionName", r) + Element("regionEndpoint", $"ec2.{r}.amazonaws.com") + Element("optInStatus", "opt-in-not-required"));
        return Xml($"<DescribeRegionsResponse xmlns=\"{Namespace}\">{RequestId()}{Set("regionInfo", items)}</DescribeRegionsResponse>");
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

    private Ec2Group RequireGroup(QueryParameters q) =>
        RequireGroup(q["GroupId"] ?? throw Fault(400, "MissingParameter", "The request must contain the parameter groupId"));

    private Ec2Group RequireGroup(string groupId) =>
        groups.TryGetValue(groupId, out var group) ? group : throw Fault(400, "InvalidGroup.NotFound", $"The security group '{groupId}' does not exist");

    private static Ec2Rule IngressRuleById(Ec2Group group, string ruleId) =>
        group.Rules.FirstOrDefault(r => r.RuleId == ruleId && !r.IsEgress) ?? throw RuleIdNotFound(ruleId);

    private static ServiceFaultException RuleIdNotFound(string ruleId) =>
        Fault(400, "InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{ruleId}' does not exist");

    private static Reply PermissionNotFound() =>
        Ec2Error(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.");

    private static Reply Duplicate(Ec2RuleContent p) =>
        Ec2Error(400, "InvalidPermission.Duplicate",
            $"the specified rule \"peer: {p.Source}, {p.Protocol.ToUpperInvariant()}, from port: {p.FromPort}, to port: {p.ToPort}, ALLOW\" already exists");

    private static ServiceFaultException Fault(int status, string code, string message) => new(Ec2Error(status, code, message));

    /// <summary>A referenced group named without its owner belongs to the group's own account, or to the owner this fake knows.</summary>
    private Ec2Source WithOwner(Ec2Group group, Ec2Source source) =>
        source.GroupId is { } id && source.UserId is null
            ? source with { UserId = groups.GetValueOrDefault(id)?.OwnerId ?? group.OwnerId }
            : source;

    private static List<string> FilterValues(QueryParameters q, string name)
    {
        var values = new List<string>();
        foreach (var i in q.Indices("Filter"))
        {
            if (q[$"Filter.{i}.Name"] == name) values.AddRange(q.List($"Filter.{i}.Value"));
        }
        return values;
    }

    /// <summary>IpPermissions.N, one permission per source, CIDRs canonical; a group's user id stays null when not given.</summary>
    private static List<Ec2RuleContent> ReadPermissions(QueryParameters q)
    {
        var result = new List<Ec2RuleContent>();
        foreach (var i in q.Indices("IpPermissions"))
        {
            var prefix = $"IpPermissions.{i}";
            var protocol = NormaliseProtocol(q[$"{prefix}.IpProtocol"] ?? throw Fault(400, "MissingParameter", "IpProtocol is required"));
            var (from, to) = Ports(protocol, q.Number($"{prefix}.FromPort") ?? -1, q.Number($"{prefix}.ToPort") ?? -1);
            Ec2RuleContent Permission(Ec2Source source, string? description) => new(protocol, from, to, source, description);
            foreach (var j in q.Indices($"{prefix}.IpRanges"))
                result.Add(Permission(Canonical(Ec2Source.Ipv4(q[$"{prefix}.IpRanges.{j}.CidrIp"] ?? "")), q[$"{prefix}.IpRanges.{j}.Description"]));
            foreach (var j in q.Indices($"{prefix}.Ipv6Ranges"))
                result.Add(Permission(Canonical(Ec2Source.Ipv6(q[$"{prefix}.Ipv6Ranges.{j}.CidrIpv6"] ?? "")), q[$"{prefix}.Ipv6Ranges.{j}.Description"]));
            foreach (var j in q.Indices($"{prefix}.PrefixListIds"))
                result.Add(Permission(Ec2Source.PrefixList(q[$"{prefix}.PrefixListIds.{j}.PrefixListId"] ?? ""), q[$"{prefix}.PrefixListIds.{j}.Description"]));
            foreach (var j in q.Indices($"{prefix}.Groups"))
                result.Add(Permission(new Ec2Source(GroupId: q[$"{prefix}.Groups.{j}.GroupId"] ?? "", UserId: q[$"{prefix}.Groups.{j}.UserId"]), q[$"{prefix}.Groups.{j}.Description"]));
        }
        return result;
    }

    /// <summary>
    /// The ports EC2 stores: -1 for all protocols; TCP and UDP need 0-65535 with from &lt;= to; ICMP type and code
    /// are -1 to 255, and all types (-1) means all codes.
    /// </summary>
    private static (int From, int To) Ports(string protocol, int from, int to)
    {
        if (protocol == "-1") return (-1, -1);
        var valid = protocol switch
        {
            "tcp" or "udp" => from is >= 0 and <= 65535 && to is >= 0 and <= 65535 && from <= to,
            "icmp" or "icmpv6" => from is >= -1 and <= 255 && to is >= -1 and <= 255 && (from != -1 || to == -1),
            _ => true,
        };
        return valid ? (from, to) : throw Fault(400, "InvalidParameterValue", $"Invalid port range {from}-{to} for protocol {protocol}");
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
