using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input.Terraform;

/// <summary>
/// Reads the security groups of a Terraform plan or state as <c>terraform show -json</c> writes it (format 1.x,
/// https://developer.hashicorp.com/terraform/internals/json-format): a plan's <c>resource_changes</c> at their
/// <c>after</c> state, unknown values from <c>after_unknown</c>; a state's <c>values.root_module</c> and its child
/// modules. Groups are <c>aws_security_group</c> (and <c>aws_default_security_group</c>) with their <c>ingress</c>
/// blocks; <c>aws_security_group_rule</c> and <c>aws_vpc_security_group_ingress_rule</c> join the group their
/// <c>security_group_id</c> names — by id, or, for a group created by the same plan, through the references of the
/// configuration. A rule whose group cannot be found is evaluated on its own, under its address.
/// Each result is named by the resource address (<c>module.web.aws_security_group.this[0]</c>); a group the plan
/// deletes is not applicable. Pure: the document is already parsed, and its size bounded by the caller.
/// </summary>
public static class TerraformPlanReader
{
    private static readonly string[] GroupTypes = ["aws_security_group", "aws_default_security_group"];
    private const string RuleType = "aws_security_group_rule";
    private const string VpcIngressRuleType = "aws_vpc_security_group_ingress_rule";

    /// <summary>A document <c>terraform show -json</c> wrote: <c>format_version</c> and <c>terraform_version</c> at its root.</summary>
    public static bool LooksLikeTerraform(JsonCursor value) =>
        value.IsObject && value.Has("format_version") && value.Has("terraform_version");

    public static IEnumerable<ReadResult> Read(JsonCursor document)
    {
        CheckVersion(document);
        var isPlan = document.Has("resource_changes") || document.Has("planned_values") || document.Has("prior_state");
        var timestamp = document.Timestamp("timestamp");
        var resources = isPlan ? PlannedResources(document) : StateResources(document);
        var configuration = isPlan ? TerraformConfiguration.Read(document.Get("configuration")) : TerraformConfiguration.Empty;
        return new Assembly(configuration, timestamp).Read(resources);
    }

    private static void CheckVersion(JsonCursor document)
    {
        var version = document.Require("format_version");
        var text = version.AsString();
        var major = text.Split('.')[0];
        if (major is not ("0" or "1"))
        {
            throw version.Error($"format version {text} is not one SgConfigRule reads: it reads terraform show -json format 1.x");
        }
    }

    /// <summary>One resource instance of a type this reader knows, at its planned (or current) state.</summary>
    private sealed record Resource(string Address, string ModuleAddress, string Type, string Name, JsonCursor Entry,
                                   JsonCursor? After, UnknownMask Unknown, JsonCursor? Before, bool Deleted)
    {
        public bool IsGroup => GroupTypes.Contains(Type);
    }

    private static bool IsKnownType(string type) => GroupTypes.Contains(type) || type is RuleType or VpcIngressRuleType;

    private static IEnumerable<Resource> PlannedResources(JsonCursor document)
    {
        foreach (var entry in document.Items("resource_changes"))
        {
            entry.ExpectObject("a resource change");
            if (entry.OptionalString("mode") is { } mode && mode != "managed") continue;
            var type = entry.RequireString("type");
            if (!IsKnownType(type)) continue;
            // A deposed object is an old instance the plan destroys (create_before_destroy): not what will run.
            if (entry.Get("deposed") is not null) continue;
            var change = entry.Require("change").ExpectObject("change");
            var actions = change.Require("actions").Items().Select(a => a.AsString()).ToList();
            if (actions is ["read"]) continue;
            // "forget" (a removed block) leaves the object in AWS but no longer Terraform's: like a deletion, not this plan's to judge.
            var deleted = actions.Contains("forget") || (actions.Contains("delete") && !actions.Contains("create"));
            JsonCursor? after = deleted ? null : change.Require("after").ExpectObject("after");
            var unknown = change.Get("after_unknown") is { } mask ? new UnknownMask(mask.Value) : UnknownMask.None;
            yield return new Resource(entry.RequireString("address"), entry.OptionalString("module_address") ?? "", type,
                entry.RequireString("name"), entry, after, unknown, change.Get("before") is { IsObject: true } b ? b : (JsonCursor?)null, deleted);
        }
    }

    private static IEnumerable<Resource> StateResources(JsonCursor document)
    {
        if (document.Get("values") is not { } values) return [];
        return values.ExpectObject("values").Get("root_module") is { } root ? ModuleResources(root, "") : [];

        static IEnumerable<Resource> ModuleResources(JsonCursor module, string moduleAddress)
        {
            module.ExpectObject("a module");
            foreach (var resource in module.Items("resources"))
            {
                resource.ExpectObject("a resource");
                if (resource.OptionalString("mode") is { } mode && mode != "managed") continue;
                var type = resource.RequireString("type");
                if (!IsKnownType(type)) continue;
                var after = resource.Require("values").ExpectObject("values");
                yield return new Resource(resource.RequireString("address"), moduleAddress, type, resource.RequireString("name"),
                    resource, after, UnknownMask.None, null, Deleted: false);
            }
            foreach (var child in module.Items("child_modules"))
            {
                foreach (var nested in ModuleResources(child, child.ExpectObject("a module").RequireString("address"))) yield return nested;
            }
        }
    }

    /// <summary>Builds the groups, joins the separate rules to them, and gives one result per group or unjoined rule.</summary>
    private sealed class Assembly(TerraformConfiguration configuration, DateTimeOffset? timestamp)
    {
        private sealed class GroupBuilder(Resource resource, string? id)
        {
            public Resource Resource { get; } = resource;
            public string? Id { get; } = id;
            public List<IngressRule> Rules { get; } = [];
            public SecurityGroup? Group { get; set; }
            public InputException? Failure { get; set; }

            /// <summary>The group as a source of its own rules (<c>self</c>): its id, or its address until it has one.</summary>
            public SecurityGroupSource Self => new(Id, Id is null ? Resource.Address : null, null, null, null, null);
        }

        private readonly Dictionary<string, GroupBuilder> byAddress = new(StringComparer.Ordinal);
        private readonly Dictionary<string, GroupBuilder> byId = new(StringComparer.Ordinal);

        public IEnumerable<ReadResult> Read(IEnumerable<Resource> resources)
        {
            var order = new List<object>();
            var rules = new List<Resource>();
            foreach (var resource in resources)
            {
                if (!resource.IsGroup)
                {
                    if (!resource.Deleted) rules.Add(resource);
                    continue;
                }
                if (resource.Deleted)
                {
                    order.Add(resource);
                    continue;
                }
                var builder = new GroupBuilder(resource, KnownString(resource.After!.Value, resource.Unknown, "id"));
                byAddress[resource.Address] = builder;
                if (builder.Id is { } id) byId.TryAdd(id, builder);
                order.Add(builder);
                try
                {
                    builder.Group = ReadGroup(builder);
                }
                catch (InputException e)
                {
                    builder.Failure = e;
                }
            }
            var standalone = new List<ReadResult>();
            foreach (var rule in rules) Join(rule, standalone);

            foreach (var entry in order)
            {
                if (entry is Resource deleted)
                {
                    yield return ReadResult.Read(ResourceItem.NotApplicable(ResourceItem.SecurityGroupType, deleted.Address,
                        deleted.Before?.OptionalString("name"), Context(deleted.Before, UnknownMask.None), "Deleted by this plan"));
                    continue;
                }
                var builder = (GroupBuilder)entry;
                if (builder.Failure is { } failure)
                {
                    yield return ReadResult.Failed(failure);
                    continue;
                }
                var group = builder.Group! with { Ingress = [.. builder.Rules] };
                yield return ReadResult.Read(ResourceItem.ForGroup(group, Context(builder.Resource.After, builder.Resource.Unknown)));
            }
            foreach (var result in standalone) yield return result;
        }

        private SecurityGroup ReadGroup(GroupBuilder builder)
        {
            var resource = builder.Resource;
            var after = resource.After!.Value;
            var mask = resource.Unknown;
            var ingressMask = mask.Property("ingress");
            if (ingressMask.IsUnknown)
            {
                // The provider plans ingress as unknown on create when the configuration sets none: the rules then
                // come from separate rule resources, read below. Set in the configuration and unknown: fail closed.
                var expressions = configuration.Expressions(resource.ModuleAddress, resource.Type, resource.Name);
                if (!configuration.IsPresent || expressions is null || expressions.Value.Has("ingress"))
                {
                    builder.Rules.Add(new IngressRule(IpProtocol.All, null, null, new CidrSource(Cidr.IPv4(0, 0)), null, null)
                        { Assumed = "ingress known only after apply, assumed all traffic from anywhere" });
                    builder.Rules.Add(new IngressRule(IpProtocol.All, null, null, new CidrSource(Cidr.IPv6(UInt128.Zero, 0)), null, null)
                        { Assumed = "ingress known only after apply, assumed all traffic from anywhere" });
                }
            }
            else if (after.Get("ingress") is { } ingress)
            {
                foreach (var (block, blockMask) in TerraformRuleReader.ItemsWithMask(ingress, ingressMask))
                {
                    TerraformRuleReader.ReadIngressBlock(block, blockMask, builder.Self, builder.Rules);
                }
            }
            return new SecurityGroup(resource.Address, KnownString(after, mask, "name"), KnownString(after, mask, "description"),
                KnownString(after, mask, "vpc_id"), KnownString(after, mask, "owner_id"), Tags(after, mask), []);
        }

        /// <summary>
        /// <c>tags_all</c> (with the provider's default tags) when known, else <c>tags</c>. A tag whose value is known
        /// only after apply is kept with that as its value: as an exemption it is malformed, so it exempts nothing.
        /// </summary>
        private static System.Collections.Immutable.ImmutableArray<ResourceTag> Tags(JsonCursor after, UnknownMask mask)
        {
            var field = !mask.Property("tags_all").IsUnknown && after.Get("tags_all") is not null ? "tags_all"
                : !mask.Property("tags").IsUnknown ? "tags"
                : null;
            if (field is null) return [];
            var tags = new List<ResourceTag>();
            var unknown = mask.Property(field);
            if (after.Get(field) is { } map)
            {
                foreach (var (key, value) in map.ExpectObject(field).Properties())
                {
                    if (!value.IsNull && !unknown.Property(key).IsUnknown) GroupAssembly.SetTag(tags, key, value.AsString());
                }
            }
            foreach (var key in unknown.UnknownNames()) GroupAssembly.SetTag(tags, key, TerraformRuleReader.KnownAfterApply, valueUnknown: true);
            return [.. tags];
        }

        private void Join(Resource rule, List<ReadResult> standalone)
        {
            var after = rule.After!.Value;
            var (target, note) = FindGroup(rule, after);
            var mask = rule.Unknown;
            if (configuration.Expressions(rule.ModuleAddress, rule.Type, rule.Name) is { } expressions)
            {
                mask = mask.WithConfiguration(expressions.Has);
            }
            var self = target?.Self ?? new SecurityGroupSource(null, rule.Address, null, null, null, null);
            var rules = new List<IngressRule>();
            try
            {
                if (rule.Type == RuleType) TerraformRuleReader.ReadSecurityGroupRule(after, mask, self, rules);
                else TerraformRuleReader.ReadVpcIngressRule(after, mask, rules);
            }
            catch (InputException e)
            {
                // A group missing one of its rules would be judged on part of it: the group fails with the rule.
                if (target is not null) target.Failure ??= e;
                else standalone.Add(ReadResult.Failed(e));
                return;
            }
            if (target is not null)
            {
                foreach (var added in rules)
                {
                    // A refreshed group lists the rules of separate resources in its own ingress too: one rule is one rule.
                    if (!target.Rules.Exists(r => SameRule(r, added))) target.Rules.Add(added);
                }
                return;
            }
            if (rule.Type == RuleType && rules.Count == 0) return; // an egress rule of a group not in the plan
            var group = SecurityGroup.OfRulesAlone(rule.Address, note, [.. rules]);
            standalone.Add(ReadResult.Read(ResourceItem.ForGroup(group, Context(rule.After, rule.Unknown))));
        }

        /// <summary>The group a rule belongs to, or null and what to call the rule's own item.</summary>
        private (GroupBuilder? Group, string Note) FindGroup(Resource rule, JsonCursor after)
        {
            if (KnownString(after, rule.Unknown, "security_group_id") is { } id)
            {
                return byId.TryGetValue(id, out var known) ? (known, "") : (null, $"{id} (group not in this plan)");
            }
            var expressions = configuration.Expressions(rule.ModuleAddress, rule.Type, rule.Name);
            var references = TerraformConfiguration.References(expressions, "security_group_id")
                .Select(r => TerraformAddress.ResourceReference(r, GroupTypes))
                .OfType<(string Address, bool HasKey)>()
                .OrderByDescending(r => r.HasKey)
                .ToList();
            var prefix = rule.ModuleAddress.Length == 0 ? "" : rule.ModuleAddress + ".";
            foreach (var (address, hasKey) in references)
            {
                var full = prefix + address;
                if (hasKey)
                {
                    if (byAddress.TryGetValue(full, out var exact)) return (exact, "");
                    continue;
                }
                var instances = byAddress.Where(g => g.Key == full || (g.Key.StartsWith(full + "[", StringComparison.Ordinal)
                                                                         && TerraformAddress.SkipInstanceKey(g.Key, full.Length) == g.Key.Length))
                                         .ToList();
                if (instances.Count == 1) return (instances[0].Value, "");
                if (instances.Count > 1) return (null, $"group unresolved: {address} has {instances.Count} instances");
            }
            return (null, "group unresolved: security_group_id known only after apply");
        }

        private static bool SameRule(IngressRule a, IngressRule b) =>
            a.Protocol == b.Protocol && a.Ports == b.Ports && a.Icmp == b.Icmp && a.Source == b.Source
            && a.Assumed is null && b.Assumed is null;

        /// <summary>Account and Region from the group's ARN when known, the plan's time as the capture time.</summary>
        private ResourceContext Context(JsonCursor? after, UnknownMask mask)
        {
            string? account = null, region = null, arn = null;
            if (after is { } values)
            {
                arn = KnownString(values, mask, "arn");
                var parts = arn?.Split(':');
                if (parts is { Length: >= 6 })
                {
                    region = parts[3].Length > 0 ? parts[3] : null;
                    account = parts[4].Length > 0 ? parts[4] : null;
                }
                region ??= KnownString(values, mask, "region");
                account ??= KnownString(values, mask, "owner_id");
            }
            return new ResourceContext(account, region, arn, timestamp);
        }
    }

    /// <summary>A string attribute when it is known and set.</summary>
    private static string? KnownString(JsonCursor values, UnknownMask mask, string name) =>
        mask.Property(name).IsUnknown ? null : values.OptionalString(name) is { Length: > 0 } text ? text : null;

}
