using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Reads a security group in the permission-list structure shared by Config's <c>configuration</c> and EC2's
/// <c>DescribeSecurityGroups</c>, splitting each permission into one <see cref="IngressRule"/> per source.
/// A missing inbound list is an error, not an empty group: the group's exposure would be unknown.
/// </summary>
internal static class SecurityGroupReader
{
    public static SecurityGroup Read(JsonCursor group, GroupFieldNames names, IReadOnlyList<ResourceTag> extraTags)
    {
        group.ExpectObject("a security group");
        var groupId = group.RequireString(names.GroupId);
        if (!group.Has(names.IpPermissions) || group.Get(names.IpPermissions) is null)
        {
            throw group.Error($"'{names.IpPermissions}' is missing: the group's inbound rules are unknown");
        }
        var rules = ImmutableArray.CreateBuilder<IngressRule>();
        foreach (var permission in group.Items(names.IpPermissions))
        {
            ReadPermission(permission, names, rules);
        }
        return new SecurityGroup(
            GroupId: groupId,
            GroupName: group.OptionalString(names.GroupName),
            Description: group.OptionalString(names.Description),
            VpcId: group.OptionalString(names.VpcId),
            OwnerId: group.OptionalString(names.OwnerId),
            Tags: ReadTags(group, names, extraTags),
            Ingress: rules.ToImmutable());
    }

    private static void ReadPermission(JsonCursor permission, GroupFieldNames names, ImmutableArray<IngressRule>.Builder rules)
    {
        permission.ExpectObject("a permission");
        var protocol = RuleParts.ReadProtocol(permission, names.IpProtocol);
        var (ports, icmp) = RuleParts.ReadPorts(permission, protocol, names.FromPort, names.ToPort);
        var sources = new List<(IngressSource Source, string? Description)>();

        foreach (var range in permission.Items(names.IpRanges))
        {
            // Config's legacy ipRanges are plain strings; EC2's IpRanges are objects. Either is accepted in both.
            sources.Add(range.Kind == JsonValueKind.String
                ? (RuleParts.ReadCidrSource(range, expectIPv6: false), null)
                : (RuleParts.ReadCidrSource(range.ExpectObject("an IPv4 range").Require(names.CidrIp), expectIPv6: false),
                   range.OptionalString(names.Description)));
        }
        if (names.Ipv4Ranges is not null)
        {
            foreach (var range in permission.Items(names.Ipv4Ranges))
            {
                range.ExpectObject("an IPv4 range");
                sources.Add((RuleParts.ReadCidrSource(range.Require(names.CidrIp), expectIPv6: false), range.OptionalString(names.Description)));
            }
        }
        foreach (var range in permission.Items(names.Ipv6Ranges))
        {
            sources.Add(range.Kind == JsonValueKind.String
                ? (RuleParts.ReadCidrSource(range, expectIPv6: true), null)
                : (RuleParts.ReadCidrSource(range.ExpectObject("an IPv6 range").Require(names.CidrIpv6), expectIPv6: true),
                   range.OptionalString(names.Description)));
        }
        foreach (var list in permission.Items(names.PrefixListIds))
        {
            sources.Add(list.Kind == JsonValueKind.String
                ? (new PrefixListSource(NonEmpty(list, list.AsString())), null)
                : (new PrefixListSource(list.ExpectObject("a prefix list reference").RequireString(names.PrefixListId)),
                   list.OptionalString(names.Description)));
        }
        foreach (var pair in permission.Items(names.UserIdGroupPairs))
        {
            pair.ExpectObject("a referenced group");
            var groupId = pair.OptionalString(names.PairGroupId);
            var groupName = pair.OptionalString(names.PairGroupName);
            if (string.IsNullOrEmpty(groupId) && string.IsNullOrEmpty(groupName))
            {
                throw pair.Error($"a referenced group needs '{names.PairGroupId}' or '{names.PairGroupName}'");
            }
            sources.Add((new SecurityGroupSource(
                GroupId: string.IsNullOrEmpty(groupId) ? null : groupId,
                GroupName: groupName,
                UserId: pair.OptionalString(names.UserId),
                VpcId: pair.OptionalString(names.PairVpcId),
                VpcPeeringConnectionId: pair.OptionalString(names.VpcPeeringConnectionId),
                PeeringStatus: pair.OptionalString(names.PeeringStatus)), pair.OptionalString(names.Description)));
        }

        GroupAssembly.AddPermission(rules, protocol, ports, icmp, CollectionsMarshal.AsSpan(sources));
    }

    private static string NonEmpty(JsonCursor at, string value) =>
        value.Length > 0 ? value : throw at.Error("must not be empty");

    private static ImmutableArray<ResourceTag> ReadTags(JsonCursor group, GroupFieldNames names, IReadOnlyList<ResourceTag> extraTags)
    {
        var tags = new List<ResourceTag>(extraTags);
        foreach (var tag in group.Items(names.Tags))
        {
            tag.ExpectObject("a tag");
            var key = tag.RequireString(names.TagKey);
            GroupAssembly.SetTag(tags, key, tag.OptionalString(names.TagValue) ?? "");
        }
        return [.. tags];
    }
}
