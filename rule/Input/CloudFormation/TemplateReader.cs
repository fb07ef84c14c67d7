using System.Collections.Immutable;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input.CloudFormation;

/// <summary>
/// Reads the security groups a CloudFormation template declares, joined with the
/// <c>AWS::EC2::SecurityGroupIngress</c> resources that add rules to them, as the policy will see them once deployed.
/// Each group is named by its logical id and located at its line; an ingress resource whose group is not in the
/// template is evaluated as a group of its own (named by its logical id), since the target's tags are not known here.
/// A resource that cannot be read is an error for that resource only.
/// </summary>
public static class TemplateReader
{
    /// <summary>Whether a parsed document is a CloudFormation template: a format version, or resources with AWS types.</summary>
    public static bool IsTemplate(TemplateNode root) =>
        root is TemplateMap map
        && (map["AWSTemplateFormatVersion"] is not null
            || (map["Resources"] is TemplateMap resources && resources.Entries.Any(r => r.Value is TemplateMap m && m["Type"] is TemplateScalar { Value: var type } && type.StartsWith("AWS::", StringComparison.Ordinal))));

    /// <param name="root">The parsed template.</param>
    /// <param name="file">The template's name, for locations.</param>
    /// <param name="givenParameters">Parameter values (and pseudo parameters such as <c>AWS::Region</c>) given for this run; others take their Default.</param>
    public static IEnumerable<ReadResult> Read(TemplateNode root, string file, IReadOnlyDictionary<string, string> givenParameters)
    {
        ArgumentNullException.ThrowIfNull(givenParameters);
        if (root is not TemplateMap template || template["Resources"] is not TemplateMap resources)
        {
            return [ReadResult.Failed(new InputException("$", "not a CloudFormation template: there is no Resources section"))];
        }
        var unknownParameters = givenParameters.Keys.Where(k => !k.StartsWith("AWS::", StringComparison.Ordinal)
            && (template["Parameters"] as TemplateMap)?[k] is null).ToList();
        if (unknownParameters.Count > 0)
        {
            return [ReadResult.Failed(new InputException("Parameters", $"the template has no parameter {string.Join(", ", unknownParameters)} (--template-parameters)"))];
        }
        var resolver = new TemplateResolver(ParameterValues(template, givenParameters),
            resources.Entries.Select(r => r.Key).ToImmutableHashSet(StringComparer.Ordinal),
            template["Mappings"] as TemplateMap, template["Conditions"] as TemplateMap);
        return ReadResources(resources, resolver, file);
    }

    private static IEnumerable<ReadResult> ReadResources(TemplateMap resources, TemplateResolver resolver, string file)
    {
        var groups = new Dictionary<string, (SecurityGroup? Group, ReadResult? Failure, int Line)>(StringComparer.Ordinal);
        var order = new List<string>();
        var standalone = new List<ReadResult>();
        for (var index = 0; index < resources.Entries.Length; index++)
        {
            var (logicalId, node) = resources.Entries[index];
            if (node is not TemplateMap resource || resource["Type"] is not TemplateScalar { Value: SecurityGroupMapping.SecurityGroupType }) continue;
            order.Add(logicalId);
            try
            {
                groups[logicalId] = (SecurityGroupMapping.Group(logicalId, Properties(resource), resolver, file), null, resources.KeyLine(index));
            }
            catch (TemplateException e)
            {
                groups[logicalId] = (null, Failure(logicalId, e), resources.KeyLine(index));
            }
        }
        for (var index = 0; index < resources.Entries.Length; index++)
        {
            var (logicalId, node) = resources.Entries[index];
            if (node is not TemplateMap resource || resource["Type"] is not TemplateScalar { Value: SecurityGroupMapping.IngressType }) continue;
            try
            {
                var properties = Properties(resource);
                var target = SecurityGroupMapping.TargetGroup(properties, resolver);
                var rule = SecurityGroupMapping.Rule(properties, resolver, logicalId, file, resource["Condition"] is TemplateScalar c ? $"Condition {c.Value}" : null)
                    with { Location = new SourceLocation(file, resources.KeyLine(index), logicalId) };
                if (target.Kind == TemplateValueKind.Resource && groups.TryGetValue(target.Text, out var joined))
                {
                    if (joined.Group is { } group) groups[target.Text] = joined with { Group = group with { Ingress = group.Ingress.Add(rule) } };
                    continue;
                }
                var name = target.Kind switch
                {
                    TemplateValueKind.Text => $"ingress to {target.Text} (a group outside this template)",
                    TemplateValueKind.Resource => $"ingress to {target.Text} (not a security group of this template)",
                    _ => $"ingress to a group unknown before deployment ({target.Text})",
                };
                var own = SecurityGroup.OfRulesAlone(logicalId, name, [rule]);
                standalone.Add(ReadResult.Read(ResourceItem.ForGroup(own, ResourceContext.Unknown) with { Location = new SourceLocation(file, resources.KeyLine(index), logicalId) }));
            }
            catch (TemplateException e)
            {
                standalone.Add(Failure(logicalId, e));
            }
        }
        foreach (var logicalId in order)
        {
            var (group, failure, line) = groups[logicalId];
            yield return failure ?? ReadResult.Read(ResourceItem.ForGroup(group!, ResourceContext.Unknown) with { Location = new SourceLocation(file, line, logicalId) });
        }
        foreach (var result in standalone) yield return result;
    }

    private static TemplateMap Properties(TemplateMap resource) => resource["Properties"] switch
    {
        TemplateMap properties => properties,
        null or TemplateNull => new TemplateMap([], resource.Line),
        var other => throw new TemplateException("Properties must be a mapping", other.Line),
    };

    private static ReadResult Failure(string logicalId, TemplateException e) =>
        ReadResult.Failed(new InputException($"Resources.{logicalId}", e.Message));

    /// <summary>Each parameter's value for this run: the one given, else its Default (a list Default joined by commas).</summary>
    private static Dictionary<string, string> ParameterValues(TemplateMap template, IReadOnlyDictionary<string, string> given)
    {
        var values = new Dictionary<string, string>(given, StringComparer.Ordinal);
        if (template["Parameters"] is not TemplateMap parameters) return values;
        foreach (var (name, node) in parameters.Entries)
        {
            if (values.ContainsKey(name) || node is not TemplateMap definition) continue;
            switch (definition["Default"])
            {
                case TemplateScalar scalar:
                    values[name] = scalar.Value;
                    break;
                case TemplateList list when list.Items.All(i => i is TemplateScalar):
                    values[name] = string.Join(",", list.Items.Cast<TemplateScalar>().Select(s => s.Value));
                    break;
            }
        }
        return values;
    }
}
