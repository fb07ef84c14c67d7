using System.Collections.Immutable;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// A security group reduced to what the policy needs: identity, tags and its inbound rules, one per source.
/// Outbound rules are not part of the policy and are not kept.
/// </summary>
public sealed record SecurityGroup(
    string GroupId,
    string? GroupName,
    string? Description,
    string? VpcId,
    string? OwnerId,
    ImmutableArray<ResourceTag> Tags,
    ImmutableArray<IngressRule> Ingress)
{
    /// <summary>
    /// Ingress rules whose group is not in the input (infrastructure code that adds rules to a group it does not
    /// define, or a hook request for one rule), judged as a group of their own: no tags, so no exemption applies.
    /// </summary>
    public static SecurityGroup OfRulesAlone(string id, string? name, ImmutableArray<IngressRule> rules) =>
        new(id, name, null, null, null, [], rules);

    /// <summary>Whether the tag <paramref name="key"/> is there with a value known only at deployment.</summary>
    public bool TagValueUnknown(string key)
    {
        foreach (var tag in Tags)
        {
            if (tag.Key == key) return tag.ValueUnknown;
        }
        return false;
    }

    public string? FindTag(string key)
    {
        foreach (var tag in Tags)
        {
            if (tag.Key == key) return tag.Value;
        }
        return null;
    }
}
