using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.FakeAws.Infrastructure.Reply;

namespace SgConfigRule.FakeAws.Config;

/// <summary>One recorded configuration of a resource (a version in its history).</summary>
public sealed record FakeConfigItem(
    string ResourceType,
    string ResourceId,
    string? ResourceName,
    string Status,
    DateTime CaptureTime,
    string? Configuration,
    IReadOnlyDictionary<string, string> Tags,
    string AccountId,
    string Region);

/// <summary>A Config rule as DescribeConfigRules returns it (InputParameters is JSON text).</summary>
public sealed record FakeConfigRule(string Name, string? InputParameters, string SourceIdentifier, string? CreatedBy = null);

/// <summary>An evaluation as PutEvaluations received it.</summary>
public sealed record PostedEvaluation(string ResultToken, bool TestMode, string ResourceType, string ResourceId,
                                      string ComplianceType, string? Annotation, DateTime OrderingTimestamp)
{
    /// <summary>The rule the result token belongs to.</summary>
    public string ConfigRuleName { get; init; } = FakeConfig.DefaultRuleName;

    /// <summary>When the service recorded it (<see cref="FakeConfig.Clock"/> at the PutEvaluations call): the result's ResultRecordedTime.</summary>
    public DateTime RecordedTime { get; init; }
}

/// <summary>
/// AWS Config over JSON 1.1 (PutEvaluations, GetResourceConfigHistory, BatchGetResourceConfig, ListDiscoveredResources,
/// SelectAggregateResourceConfig over configuration aggregators) with the service's limits, casing, pagination and error codes.
/// </summary>
public sealed class FakeConfig
{
    private const string Ns = "com.amazonaws.starlingdove";
    private readonly Lock gate = new();
    private readonly Dictionary<(string Type, string Id), List<FakeConfigItem>> history = [];
    private readonly List<(string Type, string Id)> order = [];
    private readonly ConcurrentQueue<PostedEvaluation> evaluations = new();
    // The result per rule and resource, kept as evaluations arrive (GetComplianceDetailsByConfigRule pages through it).
    private readonly Dictionary<(string Rule, string Type, string Id), PostedEvaluation> latest = [];
    private readonly List<(string Rule, string Type, string Id)> latestOrder = [];
    private readonly ConcurrentDictionary<string, bool> invalidTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> tokenRules = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeConfigRule> rules = new(StringComparer.Ordinal);
    private int unprocessedOnNextBatch;

    /// <summary>Adds or replaces a rule (DescribeConfigRules).</summary>
    public void PutConfigRule(FakeConfigRule rule) => rules[rule.Name] = rule;

    /// <summary>Rules DescribeConfigRules returns per page when no names are given (the service pages them too).</summary>
    public int RulesPageSize { get; set; } = 25;

    public const string DefaultRuleName = "sg-config-rule";

    /// <summary>Ties a result token to a rule (tokens not registered belong to <see cref="DefaultRuleName"/>).</summary>
    public void RegisterResultToken(string token, string configRuleName) => tokenRules[token] = configRuleName;

    /// <summary>The service's clock: what it stamps as ResultRecordedTime. Tests that move their function's clock move this one.</summary>
    public Func<DateTime> Clock { get; set; } = () => DateTime.UtcNow;

    /// <summary>
    /// The latest evaluation of each resource for a rule, as GetComplianceDetailsByConfigRule sees them: the one with the
    /// latest OrderingTimestamp, the one posted last among equals.
    /// </summary>
    public IReadOnlyList<PostedEvaluation> LatestResults(string configRuleName = DefaultRuleName)
    {
        lock (gate) return [.. latestOrder.Where(k => k.Rule == configRuleName).Select(k => latest[k])];
    }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Every evaluation stored (TestMode ones are validated but not stored, as the service does).</summary>
    public IReadOnlyList<PostedEvaluation> Evaluations => [.. evaluations];

    /// <summary>Evaluations for which PutEvaluations reports a failure (returned in FailedEvaluations, not stored).</summary>
    public Func<string, bool> FailEvaluationFor { get; set; } = _ => false;

    public void RejectResultToken(string token) => invalidTokens[token] = true;

    /// <summary>The next BatchGetResourceConfig leaves its last <paramref name="count"/> keys unprocessed.</summary>
    public void LeaveUnprocessedOnNextBatch(int count) => Interlocked.Exchange(ref unprocessedOnNextBatch, count);

    public void Record(FakeConfigItem item)
    {
        lock (gate)
        {
            var key = (item.ResourceType, item.ResourceId);
            if (!history.TryGetValue(key, out var versions))
            {
                history[key] = versions = [];
                order.Add(key);
            }
            versions.Add(item);
            versions.Sort((a, b) => a.CaptureTime.CompareTo(b.CaptureTime));
        }
    }

    /// <summary>Records the current state of every group in <paramref name="ec2"/>, as the configuration recorder would.</summary>
    public void RecordAll(FakeEc2 ec2, DateTime at)
    {
        foreach (var group in ec2.Groups()) Record(SecurityGroupItem(group, at));
    }

    public void RecordDeletion(string resourceId, DateTime at, string resourceType = "AWS::EC2::SecurityGroup")
    {
        FakeConfigItem? last;
        lock (gate) last = history.GetValueOrDefault((resourceType, resourceId))?.LastOrDefault();
        Record(new FakeConfigItem(resourceType, resourceId, last?.ResourceName, "ResourceDeleted", at, null,
            new Dictionary<string, string>(), last?.AccountId ?? FakeEc2.DefaultAccount, Region));
    }

    /// <summary>A configuration item for an EC2 group, in Config's camelCase shape with legacy ipRanges as well.</summary>
    public FakeConfigItem SecurityGroupItem(Ec2Group group, DateTime at, string? region = null)
    {
        static JsonArray Permissions(IEnumerable<Ec2Rule> rules) => new([.. rules.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort)).Select(p =>
        {
            var permission = new JsonObject { ["ipProtocol"] = p.Key.Protocol };
            if (p.Key.Protocol != "-1")
            {
                permission["fromPort"] = p.Key.FromPort;
                permission["toPort"] = p.Key.ToPort;
            }
            var v4 = p.Where(r => r.Source.CidrIpv4 is not null).ToList();
            permission["ipRanges"] = new JsonArray([.. v4.Select(r => (JsonNode)r.Source.CidrIpv4!)]);
            permission["ipv4Ranges"] = new JsonArray([.. v4.Select(r => (JsonNode)Described("cidrIp", r.Source.CidrIpv4!, r.Description))]);
            permission["ipv6Ranges"] = new JsonArray([.. p.Where(r => r.Source.CidrIpv6 is not null).Select(r => (JsonNode)Described("cidrIpv6", r.Source.CidrIpv6!, r.Description))]);
            permission["prefixListIds"] = new JsonArray([.. p.Where(r => r.Source.PrefixListId is not null).Select(r => (JsonNode)Described("prefixListId", r.Source.PrefixListId!, r.Description))]);
            permission["userIdGroupPairs"] = new JsonArray([.. p.Where(r => r.Source.GroupId is not null).Select(r =>
            {
                var pair = Described("groupId", r.Source.GroupId!, r.Description);
                pair["userId"] = r.Source.UserId;
                return (JsonNode)pair;
            })]);
            return (JsonNode)permission;
        })]);

        var configuration = new JsonObject
        {
            ["groupId"] = group.GroupId,
            ["groupName"] = group.GroupName,
            ["description"] = group.Description,
            ["ownerId"] = group.OwnerId,
            ["vpcId"] = group.VpcId,
            ["ipPermissions"] = Permissions(group.Rules.Where(r => !r.IsEgress)),
            ["ipPermissionsEgress"] = Permissions(group.Rules.Where(r => r.IsEgress)),
            ["tags"] = new JsonArray([.. group.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]),
        };
        return new FakeConfigItem("AWS::EC2::SecurityGroup", group.GroupId, group.GroupName, "OK", at, configuration.ToJsonString(),
            new Dictionary<string, string>(group.Tags), group.OwnerId, region ?? Region);
    }

    private static JsonObject Described(string key, string value, string? description)
    {
        var o = new JsonObject { [key] = value };
        if (description is not null) o["description"] = description;
        return o;
    }

    public Reply Handle(string operation, JsonObject body) => operation switch
    {
        "PutEvaluations" => PutEvaluations(body),
        "GetResourceConfigHistory" => GetResourceConfigHistory(body),
        "BatchGetResourceConfig" => BatchGetResourceConfig(body),
        "ListDiscoveredResources" => ListDiscoveredResources(body),
        "GetComplianceDetailsByConfigRule" => GetComplianceDetailsByConfigRule(body),
        "DescribeConfigRules" => DescribeConfigRules(body),
        "SelectAggregateResourceConfig" => SelectAggregateResourceConfig(body),
        _ => JsonError(400, "UnknownOperationException", $"Unknown operation {operation}", Ns),
    };

    private Reply PutEvaluations(JsonObject body)
    {
        var token = body["ResultToken"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token)) return Validation("ResultToken is required");
        var testMode = body["TestMode"]?.GetValue<bool>() ?? false;
        var items = body["Evaluations"]?.AsArray() ?? [];
        if (items.Count > 100) return Validation($"1 validation error detected: Value at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to 100");
        if (!testMode && invalidTokens.ContainsKey(token)) return JsonError(400, "InvalidResultTokenException", "The resultToken provided is invalid", Ns);

        var parsed = new List<PostedEvaluation>();
        foreach (var node in items)
        {
            var e = node!.AsObject();
            var type = e["ComplianceResourceType"]?.GetValue<string>();
            var id = e["ComplianceResourceId"]?.GetValue<string>();
            var compliance = e["ComplianceType"]?.GetValue<string>();
            var annotation = e["Annotation"]?.GetValue<string>();
            var ordering = e["OrderingTimestamp"];
            if (string.IsNullOrEmpty(type) || type.Length > 256) return Validation("ComplianceResourceType must have length 1-256");
            if (string.IsNullOrEmpty(id) || id.Length > 768) return Validation("ComplianceResourceId must have length 1-768");
            if (compliance is not ("COMPLIANT" or "NON_COMPLIANT" or "NOT_APPLICABLE"))
            {
                return JsonError(400, "InvalidParameterValueException", $"ComplianceType {compliance} is not supported by PutEvaluations", Ns);
            }
            if (annotation is not null && annotation.Length is 0 or > 256) return Validation("Annotation must have length 1-256");
            if (ordering is null || ordering.GetValueKind() != System.Text.Json.JsonValueKind.Number) return Validation("OrderingTimestamp must be epoch seconds");
            parsed.Add(new PostedEvaluation(token, testMode, type, id, compliance, annotation,
                DateTime.UnixEpoch.AddTicks((long)Math.Round(ordering.GetValue<double>() * TimeSpan.TicksPerSecond)))
            {
                ConfigRuleName = tokenRules.GetValueOrDefault(token, DefaultRuleName),
                RecordedTime = Clock(),
            });
        }
        var failed = new JsonArray();
        foreach (var evaluation in parsed)
        {
            if (FailEvaluationFor(evaluation.ResourceId))
            {
                failed.Add(new JsonObject
                {
                    ["ComplianceResourceType"] = evaluation.ResourceType,
                    ["ComplianceResourceId"] = evaluation.ResourceId,
                    ["ComplianceType"] = evaluation.ComplianceType,
                    ["OrderingTimestamp"] = Epoch(evaluation.OrderingTimestamp),
                });
            }
            else if (!testMode)
            {
                evaluations.Enqueue(evaluation);
                lock (gate)
                {
                    var key = (evaluation.ConfigRuleName, evaluation.ResourceType, evaluation.ResourceId);
                    if (!latest.TryGetValue(key, out var held)) latestOrder.Add(key);
                    if (held is null || evaluation.OrderingTimestamp >= held.OrderingTimestamp) latest[key] = evaluation;
                }
            }
        }
        return Json(new JsonObject { ["FailedEvaluations"] = failed });
    }

    private Reply GetComplianceDetailsByConfigRule(JsonObject body)
    {
        var rule = body["ConfigRuleName"]?.GetValue<string>();
        if (string.IsNullOrEmpty(rule) || rule.Length > 64) return Validation("ConfigRuleName must have length 1-64");
        var limit = body["Limit"]?.GetValue<int>() ?? 0;
        if (limit is < 0 or > 100) return JsonError(400, "InvalidLimitException", "Limit must be 0-100", Ns);
        if (limit == 0) limit = 10;
        var types = body["ComplianceTypes"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        // The filter takes at most 3 types; INSUFFICIENT_DATA is returned but cannot be filtered on (API reference).
        if (types is { Count: > 3 }) return Validation("ComplianceTypes has at most 3 members");
        if (types is not null && types.Any(t => t is not ("COMPLIANT" or "NON_COMPLIANT" or "NOT_APPLICABLE")))
        {
            return JsonError(400, "InvalidParameterValueException", "ComplianceTypes can be COMPLIANT, NON_COMPLIANT and NOT_APPLICABLE", Ns);
        }
        var results = LatestResults(rule).Where(e => types is null || types.Count == 0 || types.Contains(e.ComplianceType)).ToList();
        var (page, next) = Page(results, body["NextToken"]?.GetValue<string>(), limit);
        if (page is null) return JsonError(400, "InvalidNextTokenException", "The nextToken is invalid", Ns);
        var response = new JsonObject
        {
            ["EvaluationResults"] = new JsonArray([.. page.Select(e => (JsonNode)new JsonObject
            {
                ["EvaluationResultIdentifier"] = new JsonObject
                {
                    ["EvaluationResultQualifier"] = new JsonObject { ["ConfigRuleName"] = rule, ["ResourceType"] = e.ResourceType, ["ResourceId"] = e.ResourceId, ["EvaluationMode"] = "DETECTIVE" },
                    ["OrderingTimestamp"] = Epoch(e.OrderingTimestamp),
                },
                ["ComplianceType"] = e.ComplianceType,
                ["ResultRecordedTime"] = Epoch(e.RecordedTime),
                ["ConfigRuleInvokedTime"] = Epoch(e.RecordedTime),
                ["Annotation"] = e.Annotation,
            })]),
        };
        if (next is not null) response["NextToken"] = next;
        return Json(response);
    }

    private Reply GetResourceConfigHistory(JsonObject body)
    {
        var type = body["resourceType"]?.GetValue<string>();
        var id = body["resourceId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(type) || string.IsNullOrEmpty(id)) return Validation("resourceType and resourceId are required");
        var limit = body["limit"]?.GetValue<int>() ?? 0;
        if (limit is < 0 or > 100) return JsonError(400, "InvalidLimitException", "limit must be 0-100", Ns);
        if (limit == 0) limit = 10;
        List<FakeConfigItem> versions;
        lock (gate)
        {
            if (!history.TryGetValue((type, id), out var found)) return JsonError(400, "ResourceNotDiscoveredException", $"Resource {id} of resourceType:{type} is unknown or has not been discovered", Ns);
            versions = [.. found];
        }
        var later = Time(body["laterTime"]);
        var earlier = Time(body["earlierTime"]);
        var selected = versions.Where(v => (later is null || v.CaptureTime <= later) && (earlier is null || v.CaptureTime >= earlier));
        selected = body["chronologicalOrder"]?.GetValue<string>() == "Forward" ? selected : selected.Reverse();
        var (page, next) = Page(selected.ToList(), body["nextToken"]?.GetValue<string>(), limit);
        if (page is null) return JsonError(400, "InvalidNextTokenException", "The nextToken is invalid", Ns);
        var response = new JsonObject { ["configurationItems"] = new JsonArray([.. page.Select(v => (JsonNode)ApiItem(v, full: true))]) };
        if (next is not null) response["nextToken"] = next;
        return Json(response);
    }

    private Reply BatchGetResourceConfig(JsonObject body)
    {
        var keys = body["resourceKeys"]?.AsArray() ?? [];
        if (keys.Count is 0 or > 100) return Validation("resourceKeys must have 1-100 members");
        var unprocessedCount = Interlocked.Exchange(ref unprocessedOnNextBatch, 0);
        var items = new JsonArray();
        var unprocessed = new JsonArray();
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i]!.AsObject();
            var type = key["resourceType"]!.GetValue<string>();
            var id = key["resourceId"]!.GetValue<string>();
            if (i >= keys.Count - unprocessedCount)
            {
                unprocessed.Add(new JsonObject { ["resourceType"] = type, ["resourceId"] = id });
                continue;
            }
            FakeConfigItem? latest;
            lock (gate) latest = history.GetValueOrDefault((type, id))?.LastOrDefault();
            if (latest is null || latest.Status.StartsWith("ResourceDeleted", StringComparison.Ordinal)) continue;
            items.Add(ApiItem(latest, full: false));
        }
        return Json(new JsonObject { ["baseConfigurationItems"] = items, ["unprocessedResourceKeys"] = unprocessed });
    }

    private Reply ListDiscoveredResources(JsonObject body)
    {
        var type = body["resourceType"]?.GetValue<string>();
        if (string.IsNullOrEmpty(type)) return Validation("resourceType is required");
        var limit = body["limit"]?.GetValue<int>() ?? 0;
        if (limit is < 0 or > 100) return JsonError(400, "InvalidLimitException", "limit must be 0-100", Ns);
        if (limit == 0) limit = 100;
        var includeDeleted = body["includeDeletedResources"]?.GetValue<bool>() ?? false;
        var ids = body["resourceIds"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        List<FakeConfigItem> latest;
        lock (gate)
        {
            latest = order.Where(k => k.Type == type && (ids is null || ids.Contains(k.Id)))
                .Select(k => history[k][^1])
                .Where(v => includeDeleted || !v.Status.StartsWith("ResourceDeleted", StringComparison.Ordinal)).ToList();
        }
        var (page, next) = Page(latest, body["nextToken"]?.GetValue<string>(), limit);
        if (page is null) return JsonError(400, "InvalidNextTokenException", "The nextToken is invalid", Ns);
        var response = new JsonObject
        {
            ["resourceIdentifiers"] = new JsonArray([.. page.Select(v =>
            {
                var identifier = new JsonObject { ["resourceType"] = v.ResourceType, ["resourceId"] = v.ResourceId, ["resourceName"] = v.ResourceName };
                if (v.Status.StartsWith("ResourceDeleted", StringComparison.Ordinal)) identifier["resourceDeletionTime"] = Epoch(v.CaptureTime);
                return (JsonNode)identifier;
            })]),
        };
        if (next is not null) response["nextToken"] = next;
        return Json(response);
    }

    private Reply DescribeConfigRules(JsonObject body)
    {
        var names = body["ConfigRuleNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToList();
        List<FakeConfigRule> selected;
        if (names is { Count: > 0 })
        {
            if (names.Count > 25) return Validation("ConfigRuleNames has at most 25 names");
            var missing = names.FirstOrDefault(n => !rules.ContainsKey(n));
            if (missing is not null) return JsonError(400, "NoSuchConfigRuleException", $"The ConfigRule '{missing}' provided in the request is invalid. Please check the configRule name", Ns);
            selected = [.. names.Select(n => rules[n])];
        }
        else
        {
            selected = [.. rules.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];
        }
        var (page, next) = Page(selected, body["NextToken"]?.GetValue<string>(), names is { Count: > 0 } ? 25 : RulesPageSize);
        if (page is null) return JsonError(400, "InvalidNextTokenException", "The nextToken is invalid", Ns);
        var response = new JsonObject
        {
            ["ConfigRules"] = new JsonArray([.. page.Select(r =>
            {
                var rule = new JsonObject
                {
                    ["ConfigRuleName"] = r.Name,
                    ["ConfigRuleArn"] = $"arn:aws:config:{Region}:123456789012:config-rule/config-rule-{Math.Abs(r.Name.GetHashCode(StringComparison.Ordinal)) % 1000000:D6}",
                    ["ConfigRuleId"] = $"config-rule-{Math.Abs(r.Name.GetHashCode(StringComparison.Ordinal)) % 1000000:D6}",
                    ["Scope"] = new JsonObject { ["ComplianceResourceTypes"] = new JsonArray("AWS::EC2::SecurityGroup") },
                    ["Source"] = new JsonObject
                    {
                        ["Owner"] = "CUSTOM_LAMBDA",
                        ["SourceIdentifier"] = r.SourceIdentifier,
                        ["SourceDetails"] = new JsonArray(new JsonObject { ["EventSource"] = "aws.config", ["MessageType"] = "ConfigurationItemChangeNotification" }),
                    },
                    ["ConfigRuleState"] = "ACTIVE",
                    ["EvaluationModes"] = new JsonArray(new JsonObject { ["Mode"] = "DETECTIVE" }),
                };
                if (r.InputParameters is not null) rule["InputParameters"] = r.InputParameters;
                if (r.CreatedBy is not null) rule["CreatedBy"] = r.CreatedBy;
                return (JsonNode)rule;
            })]),
        };
        if (next is not null) response["NextToken"] = next;
        return Json(response);
    }

    private readonly Dictionary<string, List<FakeConfigItem>> aggregators = new(StringComparer.Ordinal);

    /// <summary>Creates an aggregator (empty) if there is none of that name; SelectAggregateResourceConfig answers for it.</summary>
    public void AddAggregator(string name)
    {
        lock (gate) aggregators.TryAdd(name, []);
    }

    /// <summary>Items the aggregator has collected from its source accounts and Regions (each item names its own).</summary>
    public void Aggregate(string aggregator, IEnumerable<FakeConfigItem> items)
    {
        lock (gate)
        {
            if (!aggregators.TryGetValue(aggregator, out var list)) aggregators[aggregator] = list = [];
            list.AddRange(items);
        }
    }

    /// <summary>The page sizes SelectAggregateResourceConfig was asked for, in order (null: none given).</summary>
    public IReadOnlyList<int?> SelectLimits => [.. selectLimits];

    private readonly ConcurrentQueue<int?> selectLimits = new();

    private static readonly HashSet<string> SelectableFields = new(StringComparer.Ordinal)
    {
        "accountId", "awsRegion", "resourceId", "resourceName", "resourceType", "tags", "configuration",
        "configurationItemStatus", "configurationItemCaptureTime", "arn", "availabilityZone", "resourceCreationTime",
    };

    /// <summary>
    /// The advanced query subset a scan uses: <c>SELECT f1, f2… WHERE resourceType = 'T'</c>. Each row is a JSON text of
    /// the fields selected, <c>configuration</c> an object and <c>tags</c> a list of key/value objects, as Config writes them.
    /// </summary>
    private Reply SelectAggregateResourceConfig(JsonObject body)
    {
        var name = body["ConfigurationAggregatorName"]?.GetValue<string>();
        var expression = body["Expression"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) || name.Length > 256 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return Validation("1 validation error detected: Value at 'configurationAggregatorName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\-]+");
        }
        if (string.IsNullOrEmpty(expression)) return Validation("Expression is required");
        var limit = body["Limit"]?.GetValue<int>() ?? body["MaxResults"]?.GetValue<int>();
        selectLimits.Enqueue(limit);
        if (limit is < 0 or > 100) return JsonError(400, "InvalidLimitException", "Limit must be 0-100", Ns);
        var size = limit is null or 0 ? 25 : limit.Value;
        var query = System.Text.RegularExpressions.Regex.Match(expression,
            @"^\s*SELECT\s+(?<fields>.+?)\s+WHERE\s+resourceType\s*=\s*'(?<type>[^']+)'\s*$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!query.Success) return JsonError(400, "InvalidExpressionException", $"Invalid expression: {expression}", Ns);
        var fields = query.Groups["fields"].Value.Split(',', StringSplitOptions.TrimEntries);
        if (fields.FirstOrDefault(f => !SelectableFields.Contains(f)) is { } unknown)
        {
            return JsonError(400, "InvalidExpressionException", $"Invalid expression: unknown field {unknown}", Ns);
        }
        var type = query.Groups["type"].Value;
        List<FakeConfigItem> rows;
        lock (gate)
        {
            if (!aggregators.TryGetValue(name, out var items))
            {
                return JsonError(400, "NoSuchConfigurationAggregatorException", $"The configuration aggregator does not exist. Check the configuration aggregator name and try again.", Ns);
            }
            rows = [.. items.Where(i => i.ResourceType == type)];
        }
        var (page, next) = Page(rows, body["NextToken"]?.GetValue<string>(), size);
        if (page is null) return JsonError(400, "InvalidNextTokenException", "The nextToken is invalid", Ns);
        var response = new JsonObject
        {
            ["Results"] = new JsonArray([.. page.Select(item => (JsonNode)SelectRow(item, fields).ToJsonString())]),
            ["QueryInfo"] = new JsonObject { ["SelectFields"] = new JsonArray([.. fields.Select(f => (JsonNode)new JsonObject { ["Name"] = f })]) },
        };
        if (next is not null) response["NextToken"] = next;
        return Json(response);
    }

    private static JsonObject SelectRow(FakeConfigItem item, IEnumerable<string> fields)
    {
        var row = new JsonObject();
        foreach (var field in fields)
        {
            row[field] = field switch
            {
                "accountId" => item.AccountId,
                "awsRegion" => item.Region,
                "resourceId" => item.ResourceId,
                "resourceName" => item.ResourceName,
                "resourceType" => item.ResourceType,
                "configurationItemStatus" => item.Status,
                "configurationItemCaptureTime" => item.CaptureTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                "arn" => $"arn:aws:ec2:{item.Region}:{item.AccountId}:security-group/{item.ResourceId}",
                "availabilityZone" => "Not Applicable",
                "tags" => new JsonArray([.. item.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]),
                "configuration" => item.Configuration is null ? null : JsonNode.Parse(item.Configuration),
                _ => null,
            };
        }
        return row;
    }

    private static JsonObject ApiItem(FakeConfigItem v, bool full)
    {
        var item = new JsonObject
        {
            ["version"] = "1.3",
            ["accountId"] = v.AccountId,
            ["configurationItemCaptureTime"] = Epoch(v.CaptureTime),
            ["configurationItemStatus"] = v.Status,
            ["configurationStateId"] = ((long)(v.CaptureTime - DateTime.UnixEpoch).TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["arn"] = $"arn:aws:ec2:{v.Region}:{v.AccountId}:security-group/{v.ResourceId}",
            ["resourceType"] = v.ResourceType,
            ["resourceId"] = v.ResourceId,
            ["resourceName"] = v.ResourceName,
            ["awsRegion"] = v.Region,
            ["availabilityZone"] = "Not Applicable",
            ["configuration"] = v.Configuration,
            ["supplementaryConfiguration"] = new JsonObject(),
        };
        if (full)
        {
            item["configurationItemMD5Hash"] = "";
            item["tags"] = new JsonObject([.. v.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]);
            item["relatedEvents"] = new JsonArray();
            item["relationships"] = new JsonArray();
        }
        return item;
    }

    private static (List<T>? Page, string? Next) Page<T>(List<T> all, string? token, int limit)
    {
        var start = 0;
        if (!string.IsNullOrEmpty(token))
        {
            try
            {
                start = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                return (null, null);
            }
            if (start < 0 || start > all.Count) return (null, null);
        }
        var page = all.Skip(start).Take(limit).ToList();
        var end = start + page.Count;
        return (page, end < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes(end.ToString(CultureInfo.InvariantCulture))) : null);
    }

    private static DateTime? Time(JsonNode? node) =>
        node is null ? null : DateTime.UnixEpoch.AddTicks((long)Math.Round(node.GetValue<double>() * TimeSpan.TicksPerSecond));

    private static double Epoch(DateTime time) => Math.Round((time - DateTime.UnixEpoch).TotalMilliseconds) / 1000.0;

    private static Reply Validation(string message) => JsonError(400, "ValidationException", message, Ns);
}
