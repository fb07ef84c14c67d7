using System.Text.Json;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Recognises every input shape of DESIGN §3 and §7 and reads the resources in it, in input order:
/// <list type="bullet">
/// <item>EC2 <c>DescribeSecurityGroups</c> responses (<c>SecurityGroups</c>) and single groups;</item>
/// <item>EC2 <c>DescribeSecurityGroupRules</c> responses (<c>SecurityGroupRules</c>) and lists of rules, gathered per group;</item>
/// <item>Config items in event or API form, alone or in <c>configurationItems</c> (GetResourceConfigHistory, history and
/// snapshot files: the newest item per resource is evaluated), <c>baseConfigurationItems</c> (BatchGetResourceConfig) and
/// <c>Results</c> (SelectResourceConfig rows, JSON strings);</item>
/// <item>Config rule events (<c>invokingEvent</c>) and decoded invoking events;</item>
/// <item>bare Config <c>configuration</c> objects; and JSON arrays of any of these.</item>
/// </list>
/// Errors are reported per resource where the shape allows it; the other resources are still read.
/// </summary>
public static class InputReader
{
    public static IEnumerable<ReadResult> Read(JsonElement root) => Read(new JsonCursor(root, JsonPath.Root));

    /// <summary>
    /// The resources of one input. A shape that is wrong as a whole (<c>"SecurityGroups": 5</c>) is one error result,
    /// like any other input error, never an exception.
    /// </summary>
    public static IEnumerable<ReadResult> Read(JsonCursor value) => Guarded(value);

    /// <summary>
    /// The configuration item of a change notification whose invoking event is already decoded (the rule function's):
    /// read from that element, not from the event's text a second time, with the paths of the event
    /// (<c>$.invokingEvent(json).configurationItem…</c>).
    /// </summary>
    public static ReadResult ReadChangeNotificationItem(JsonElement configurationItem, bool eventLeftScope)
    {
        var item = new JsonCursor(configurationItem, JsonPath.Root.Property("invokingEvent").Embedded().Property("configurationItem"));
        try
        {
            return ReadResult.Read(ConfigEventReader.ReadChangeItem(item, eventLeftScope));
        }
        catch (InputException e)
        {
            return ReadResult.Failed(e);
        }
    }

    private static IEnumerable<ReadResult> Guarded(JsonCursor value)
    {
        IEnumerator<ReadResult>? results = null;
        try
        {
            while (true)
            {
                InputException? failure = null;
                var more = false;
                try
                {
                    results ??= ReadShape(value).GetEnumerator();
                    more = results.MoveNext();
                }
                catch (InputException e)
                {
                    failure = e;
                }
                if (failure is not null)
                {
                    yield return ReadResult.Failed(failure);
                    yield break;
                }
                if (!more) yield break;
                yield return results!.Current;
            }
        }
        finally
        {
            results?.Dispose();
        }
    }

    private static IEnumerable<ReadResult> ReadShape(JsonCursor value)
    {
        if (value.IsArray) return ReadList(value.Items());
        if (!value.IsObject)
        {
            return [ReadResult.Failed(value.Error($"expected a JSON object or array of security groups, not {JsonCursor.Describe(value.Kind)}"))];
        }
        if (Terraform.TerraformPlanReader.LooksLikeTerraform(value)) return Terraform.TerraformPlanReader.Read(value);
        if (value.Get("SecurityGroups") is { } groups) return ReadList(groups.Items());
        if (value.Get("SecurityGroupRules") is { } rules) return ReadRulesResponse(value, rules);
        if (value.Get("configurationItems") is { } history) return ReadNewestPerResource(history);
        if (value.Get("baseConfigurationItems") is { } batch) return ReadBatch(value, batch);
        if (value.Get("Results") is { } selected) return ReadSelectResults(selected);
        if (value.Has("resourceIdentifiers"))
        {
            return [ReadResult.Failed(value.Error("a ListDiscoveredResources response names resources without their configuration; use BatchGetResourceConfig or DescribeSecurityGroups output"))];
        }
        return ReadList([value]);
    }

    private static IEnumerable<ReadResult> ReadList(IEnumerable<JsonCursor> items) =>
        ReadEntries(items.Select(item => new ListEntry(item, null)));

    /// <summary>
    /// Reads the items of a list in order. An entry may come already read (by a fast reader of the stream, or
    /// as an error that kept it from being read); rules of DescribeSecurityGroupRules items are gathered per group
    /// and given after the other items.
    /// </summary>
    internal static IEnumerable<ReadResult> ReadEntries(IEnumerable<ListEntry> entries)
    {
        var ruleCollector = new SecurityGroupRuleCollector();
        foreach (var entry in entries)
        {
            if (entry.Outcome is { } known)
            {
                yield return known;
                continue;
            }
            var item = entry.Cursor;
            if (SecurityGroupRuleCollector.LooksLikeRule(item))
            {
                ruleCollector.Add(item);
                continue;
            }
            if (item.IsArray || IsContainer(item))
            {
                foreach (var nested in Read(item)) yield return nested;
                continue;
            }
            yield return ReadSingle(item);
        }
        foreach (var grouped in ruleCollector.Results()) yield return grouped;
    }

    private static bool IsContainer(JsonCursor item) =>
        item.IsObject && (item.Has("SecurityGroups") || item.Has("SecurityGroupRules") || item.Has("configurationItems")
                          || item.Has("baseConfigurationItems") || item.Has("Results") || item.Has("resourceIdentifiers"));

    private static ReadResult ReadSingle(JsonCursor item)
    {
        try
        {
            if (!item.IsObject) throw item.Error($"expected a security group, configuration item or event, not {JsonCursor.Describe(item.Kind)}");
            if (ConfigEventReader.LooksLikeEvent(item)) return ReadResult.Read(ConfigEventReader.ReadEvent(item));
            if (ConfigEventReader.LooksLikeInvokingEvent(item)) return ReadResult.Read(ConfigEventReader.ReadInvokingEvent(item, eventLeftScope: false));
            if (item.Has("GroupId")) return ReadResult.Read(ReadEc2Group(item));
            if (item.Has("groupId") && !ConfigItemReader.LooksLikeItem(item))
            {
                var group = SecurityGroupReader.Read(item, GroupFieldNames.Config, []);
                return ReadResult.Read(ResourceItem.ForGroup(group, new ResourceContext(group.OwnerId, null, null, null)));
            }
            if (ConfigItemReader.LooksLikeItem(item)) return ReadResult.Read(ConfigItemReader.Read(item));
            throw item.Error("unrecognised input: expected EC2 DescribeSecurityGroups or DescribeSecurityGroupRules output, " +
                             "an AWS Config configuration item or API response, or an AWS Config rule event");
        }
        catch (InputException e)
        {
            return ReadResult.Failed(e);
        }
    }

    private static ResourceItem ReadEc2Group(JsonCursor item)
    {
        var group = SecurityGroupReader.Read(item, GroupFieldNames.Ec2, []);
        return ResourceItem.ForGroup(group, new ResourceContext(group.OwnerId, null, item.OptionalString("SecurityGroupArn"), null));
    }

    private static IEnumerable<ReadResult> ReadRulesResponse(JsonCursor response, JsonCursor rules)
    {
        if (response.OptionalString("NextToken") is { Length: > 0 })
        {
            // A group's rules may continue on the next page; evaluating the part we have could wrongly pass it.
            return [ReadResult.Failed(response.Require("NextToken").Error(
                "this DescribeSecurityGroupRules response is one page of several and a group's rules may continue on the next, " +
                "so none of its groups is evaluated; give the complete output (the AWS CLI paginates for you)"))];
        }
        return ReadList(rules.Items());
    }

    private static IEnumerable<ReadResult> ReadBatch(JsonCursor response, JsonCursor items)
    {
        foreach (var result in ReadList(items.Items())) yield return result;
        foreach (var failure in ReadUnprocessedKeys(response.Items("unprocessedResourceKeys"))) yield return failure;
    }

    /// <summary>BatchGetResourceConfig's <c>unprocessedResourceKeys</c>: each one a resource that was not evaluated.</summary>
    internal static IEnumerable<ReadResult> ReadUnprocessedKeys(IEnumerable<JsonCursor> keys)
    {
        foreach (var key in keys)
        {
            yield return ReadResult.Failed(key.Error(
                $"resource '{(key.IsObject ? key.OptionalString("resourceId") : null) ?? "?"}' was not processed by BatchGetResourceConfig, so it is not evaluated; request it again"));
        }
    }

    private static IEnumerable<ReadResult> ReadSelectResults(JsonCursor results)
    {
        foreach (var row in results.Items())
        {
            if (row.Kind != JsonValueKind.String)
            {
                foreach (var result in ReadList([row])) yield return result;
                continue;
            }
            foreach (var result in ReadSelectRow(row.AsString(), row.Path)) yield return result;
        }
    }

    /// <summary>
    /// The rows of a SelectResourceConfig or SelectAggregateResourceConfig page as the API returns them (each a JSON
    /// text; <c>configuration</c> inside it an object), read as the same rows of an output file are; each row's path is
    /// <paramref name="results"/>[<paramref name="firstIndex"/> + i] (rows numbered across the pages of one query).
    /// </summary>
    public static IEnumerable<ReadResult> ReadSelectRows(IReadOnlyList<string> rows, JsonPath results, int firstIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(results);
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var result in ReadSelectRow(rows[i], results.Index(firstIndex + i))) yield return result;
        }
    }

    private static IEnumerable<ReadResult> ReadSelectRow(string text, JsonPath path)
    {
        var (document, error) = JsonText.TryParse(System.Text.Encoding.UTF8.GetBytes(text), path.Embedded());
        if (document is null)
        {
            yield return ReadResult.Failed(error!);
            yield break;
        }
        using (document)
        {
            foreach (var result in ReadList([new JsonCursor(document.RootElement, path.Embedded())])) yield return result;
        }
    }

    /// <summary>
    /// A history lists one resource at several times (and snapshot files list many resources once): evaluate each
    /// resource at its newest item, by capture time, the first listed winning ties (the API returns newest first).
    /// </summary>
    private static IEnumerable<ReadResult> ReadNewestPerResource(JsonCursor items)
    {
        var newest = new Dictionary<string, (JsonCursor Item, DateTimeOffset? Time)>(StringComparer.Ordinal);
        var order = new List<string>();
        var failures = new List<ReadResult>();
        var unnamed = new List<JsonCursor>();
        foreach (var item in items.Items())
        {
            try
            {
                item.ExpectObject("a configuration item");
                var envelope = ConfigItemReader.ReadEnvelope(item);
                if (envelope.ResourceId is not { } id)
                {
                    unnamed.Add(item);
                    continue;
                }
                var time = envelope.Context.CaptureTime;
                if (!newest.TryGetValue(id, out var current))
                {
                    newest[id] = (item, time);
                    order.Add(id);
                }
                else if (time is not null && (current.Time is null || time > current.Time))
                {
                    newest[id] = (item, time);
                }
            }
            catch (InputException e)
            {
                failures.Add(ReadResult.Failed(e));
            }
        }
        foreach (var id in order) yield return ReadSingle(newest[id].Item);
        foreach (var item in unnamed) yield return ReadSingle(item);
        foreach (var failure in failures) yield return failure;
    }
}

/// <summary>One item of a list being read: a value to read, or its outcome when that is already known.</summary>
internal readonly record struct ListEntry(JsonCursor Cursor, ReadResult? Outcome);
