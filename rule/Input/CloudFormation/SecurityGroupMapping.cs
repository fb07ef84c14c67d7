using System.Collections.Immutable;
using System.Globalization;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input.CloudFormation;

/// <summary>
/// The one mapping from CloudFormation's resource properties to the policy's model, used by the template reader
/// (<c>scan template.yaml</c>) and by the deploy-time hook alike, so both judge a group the same way:
/// <c>AWS::EC2::SecurityGroup</c> (<c>SecurityGroupIngress</c>, <c>Tags</c>) and <c>AWS::EC2::SecurityGroupIngress</c>.
/// A value the resolver cannot know is assumed the worst for its rule — all protocols, every port on that side, any
/// address — and named in <see cref="IngressRule.Assumed"/>, so the finding says what was unknown.
/// </summary>
public static class SecurityGroupMapping
{
    public const string SecurityGroupType = "AWS::EC2::SecurityGroup";
    public const string IngressType = "AWS::EC2::SecurityGroupIngress";

    /// <summary>A security group resource: its tags and inbound rules. <paramref name="file"/> locates rules in a template (null for a hook).</summary>
    public static SecurityGroup Group(string logicalId, TemplateMap properties, TemplateResolver resolver, string? file)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(resolver);
        var rules = ImmutableArray.CreateBuilder<IngressRule>();
        var index = 0;
        foreach (var (list, listCondition) in resolver.Branches(properties["SecurityGroupIngress"] ?? new TemplateNull(0)))
        {
            if (list is not TemplateList items) throw new TemplateException("SecurityGroupIngress must be a list of rules", list.Line);
            foreach (var item in items.Items)
            {
                foreach (var (entry, condition) in resolver.Branches(item))
                {
                    if (entry is not TemplateMap map) throw new TemplateException("a SecurityGroupIngress rule must be a mapping", entry.Line);
                    rules.Add(Rule(map, resolver, $"{logicalId}.SecurityGroupIngress[{index}]", file, condition ?? listCondition));
                }
                index++;
            }
        }
        return new SecurityGroup(logicalId, Text(properties["GroupName"], resolver), Text(properties["GroupDescription"], resolver),
            Text(properties["VpcId"], resolver), null, Tags(properties["Tags"], resolver), rules.ToImmutable());
    }

    /// <summary>
    /// The group an <c>AWS::EC2::SecurityGroupIngress</c> adds its rule to: a group of the template
    /// (<see cref="TemplateValueKind.Resource"/>), an id, or unknown.
    /// </summary>
    public static TemplateValue TargetGroup(TemplateMap properties, TemplateResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(resolver);
        var byId = resolver.Resolve(properties["GroupId"]);
        return byId.Kind != TemplateValueKind.Absent ? byId : resolver.Resolve(properties["GroupName"]);
    }

    /// <summary>
    /// One inbound rule: an item of <c>SecurityGroupIngress</c>, or an <c>AWS::EC2::SecurityGroupIngress</c>'s
    /// properties (the same fields). <paramref name="condition"/> names a condition the rule's existence depends on.
    /// </summary>
    public static IngressRule Rule(TemplateMap entry, TemplateResolver resolver, string ruleId, string? file, string? condition = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(resolver);
        var unknown = new List<string>();
        if (condition is not null) unknown.Add($"present under {condition}");

        var protocolValue = resolver.Resolve(entry["IpProtocol"]);
        IpProtocol protocol;
        switch (protocolValue.Kind)
        {
            case TemplateValueKind.Text:
                protocol = Field(entry, () => WireRuleFields.Protocol(protocolValue.Text));
                break;
            case TemplateValueKind.Unknown:
                protocol = IpProtocol.All;
                unknown.Add($"IpProtocol is {protocolValue.Text}");
                break;
            default:
                throw new TemplateException("the rule has no IpProtocol", entry.Line);
        }
        var from = Port(entry, "FromPort", resolver, unknown);
        var to = Port(entry, "ToPort", resolver, unknown);
        var (ports, icmp) = Field(entry, () => WireRuleFields.Ports(protocol, from, to, "FromPort", "ToPort"));
        var source = Source(entry, resolver, unknown);
        var description = Text(entry["Description"], resolver);
        // Not yet deployed, a rule has no sgr- id: its name in the template goes with its location.
        return new IngressRule(protocol, ports, icmp, source, description, null)
        {
            Assumed = unknown.Count == 0 ? null : "assumed the worst: " + string.Join("; ", unknown),
            Location = file is null ? null : new SourceLocation(file, entry.Line, ruleId),
        };
    }

    private static int? Port(TemplateMap entry, string name, TemplateResolver resolver, List<string> unknown)
    {
        var value = resolver.Resolve(entry[name]);
        switch (value.Kind)
        {
            case TemplateValueKind.Text:
                return int.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port)
                    ? port
                    : throw new TemplateException($"{name} '{value.Text}' is not a number", entry[name]!.Line);
            case TemplateValueKind.Unknown:
                // An unknown bound is the end of its side: every port a deployment could give it (fail closed).
                unknown.Add($"{name} is {value.Text}");
                return null;
            default:
                return null;
        }
    }

    private static IngressSource Source(TemplateMap entry, TemplateResolver resolver, List<string> unknown)
    {
        var found = new List<(string Field, TemplateValue Value)>();
        foreach (var field in (string[])["CidrIp", "CidrIpv6", "SourcePrefixListId", "SourceSecurityGroupId", "SourceSecurityGroupName"])
        {
            var value = resolver.Resolve(entry[field]);
            if (value.Kind != TemplateValueKind.Absent) found.Add((field, value));
        }
        // A group may be named by id and by name together; any other pair is two sources, which EC2 refuses.
        if (found is [("SourceSecurityGroupId", _), ("SourceSecurityGroupName", _)]) found.RemoveAt(1);
        if (found.Count != 1)
        {
            throw new TemplateException(found.Count == 0
                ? "the rule has no source: CidrIp, CidrIpv6, SourcePrefixListId or SourceSecurityGroupId"
                : $"the rule has more than one source: {string.Join(", ", found.Select(f => f.Field))}", entry.Line);
        }
        var (name, source) = found[0];
        if (source.IsUnknown) unknown.Add($"{name} is {source.Text}");
        return name switch
        {
            "CidrIp" or "CidrIpv6" when source.IsKnown => Cidr.TryParse(source.Text, out var cidr, out var error)
                ? new CidrSource(cidr)
                : throw new TemplateException($"{name}: {error}", entry[name]!.Line),
            "CidrIp" or "CidrIpv6" => new UnresolvedSource($"{name} {source.Text}"),
            // An unknown list stays a list the policy cannot resolve: it fails closed on it already.
            "SourcePrefixListId" => new PrefixListSource(source.Text),
            "SourceSecurityGroupId" => new SecurityGroupSource(source.Text, null, Text(entry["SourceSecurityGroupOwnerId"], resolver), null, null, null),
            _ => new SecurityGroupSource(null, source.Text, Text(entry["SourceSecurityGroupOwnerId"], resolver), null, null, null),
        };
    }

    /// <summary>
    /// Tags as <c>[{Key, Value}]</c>. A value unknown before deployment is kept as its description: it never
    /// matches an exemption date (so it exempts nothing) nor a scope value.
    /// </summary>
    private static ImmutableArray<ResourceTag> Tags(TemplateNode? node, TemplateResolver resolver)
    {
        if (node is null or TemplateNull) return [];
        if (node is not TemplateList list) throw new TemplateException("Tags must be a list of {Key, Value}", node.Line);
        var tags = ImmutableArray.CreateBuilder<ResourceTag>();
        foreach (var item in list.Items)
        {
            if (item is not TemplateMap tag) throw new TemplateException("a tag must be a mapping of Key and Value", item.Line);
            var key = resolver.Resolve(tag["Key"]);
            if (!key.IsKnown) continue;
            var value = resolver.Resolve(tag["Value"]);
            var unknown = !value.IsKnown && value.Kind != TemplateValueKind.Absent;
            tags.Add(new ResourceTag(key.Text, value.IsKnown ? value.Text : unknown ? $"(unknown: {value.Text})" : "") { ValueUnknown = unknown });
        }
        return tags.ToImmutable();
    }

    private static string? Text(TemplateNode? node, TemplateResolver resolver) =>
        resolver.Resolve(node) is { IsKnown: true } value ? value.Text : null;

    /// <summary>Reads a rule field; a problem is reported at the line of the field it is in (a bad ToPort at ToPort's line).</summary>
    private static T Field<T>(TemplateMap entry, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (RuleFieldException e)
        {
            var name = e.Field switch
            {
                RuleField.FromPort => "FromPort",
                RuleField.ToPort => "ToPort",
                _ => "IpProtocol",
            };
            throw new TemplateException(e.Message, (entry[name] ?? entry).Line);
        }
    }
}
