using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// How a group's parts become the model, shared by every reader of the permission-list shape so that they cannot
/// disagree: one rule per distinct source of a permission, and the last value of a repeated tag key.
/// </summary>
internal static class GroupAssembly
{
    /// <summary>
    /// Adds one rule per distinct source, in the order given. Config lists IPv4 sources twice (ipRanges and
    /// ipv4Ranges): a repeated source is one rule, keeping a description if either copy has one.
    /// </summary>
    public static void AddPermission(ICollection<IngressRule> rules, IpProtocol protocol, PortRange? ports,
                                     IcmpTypeCode? icmp, ReadOnlySpan<(IngressSource Source, string? Description)> sources)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            var (source, description) = sources[i];
            if (SeenBefore(sources, i)) continue;
            for (var later = i + 1; description is null && later < sources.Length; later++)
            {
                if (sources[later].Source == source) description = sources[later].Description;
            }
            rules.Add(new IngressRule(protocol, ports, icmp, source, description, RuleId: null));
        }

        static bool SeenBefore(ReadOnlySpan<(IngressSource Source, string? Description)> sources, int index)
        {
            for (var earlier = 0; earlier < index; earlier++)
            {
                if (sources[earlier].Source == sources[index].Source) return true;
            }
            return false;
        }
    }

    /// <summary>Sets a tag, replacing the value of a key already present (in place, so tag order stays as read).</summary>
    public static void SetTag(List<ResourceTag> tags, string key, string value, bool valueUnknown = false)
    {
        var existing = -1;
        for (var i = 0; i < tags.Count && existing < 0; i++)
        {
            if (tags[i].Key == key) existing = i;
        }
        var tag = new ResourceTag(key, value) { ValueUnknown = valueUnknown };
        if (existing >= 0) tags[existing] = tag;
        else tags.Add(tag);
    }
}
