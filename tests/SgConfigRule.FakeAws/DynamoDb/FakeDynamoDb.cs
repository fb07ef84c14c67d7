using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;

namespace SgConfigRule.FakeAws.DynamoDb;

/// <summary>A table as the fake keeps it: one partition key (S, N or B), no sort key, no indexes, on-demand.</summary>
public sealed record DynamoTable(string Name, string PartitionKey, string PartitionKeyType, DateTime CreatedAt, string TableId);

/// <summary>
/// DynamoDB over AWS JSON 1.0 (<c>X-Amz-Target: DynamoDB_20120810.&lt;Operation&gt;</c>) for the remediation ledger:
/// GetItem, PutItem, DeleteItem and DescribeTable on tables a test creates, items as DynamoDB-JSON attribute values.
/// Requests are validated in DynamoDB's order with its wording; errors carry its <c>__type</c> namespaces; every
/// reply carries <c>x-amz-crc32</c>, which the SDK checks. ConditionExpression is evaluated for
/// <see cref="ConditionRules.Supported"/>; any other valid expression is refused with a ValidationException that names
/// the fake, so code relying on it fails here rather than passing silently. Each item operation is atomic per table.
/// </summary>
public sealed partial class FakeDynamoDb
{
    public const string ContentType = "application/x-amz-json-1.0";

    // The namespaces DynamoDB puts in __type: its own errors, Coral's validation, Coral's service (auth, wire) and availability.
    private const string DynamoNs = "com.amazonaws.dynamodb.v20120810";
    private const string ValidateNs = "com.amazon.coral.validate";
    private const string ServiceNs = "com.amazon.coral.service";
    private const string AvailabilityNs = "com.amazon.coral.availability";

    private const int MaxHashKeyBytes = 2048;
    private const int MaxExpressionBytes = 4096;

    private readonly ConcurrentDictionary<string, TableState> tables = new(StringComparer.Ordinal);

    public string Region { get; set; } = "us-east-1";

    public string AccountId { get; set; } = FakeEc2.DefaultAccount;

    /// <summary>Send a wrong <c>x-amz-crc32</c> with operation replies (to show that the SDK checks it).</summary>
    public bool CorruptCrc32 { get; set; }

    public IReadOnlyList<DynamoTable> Tables => [.. tables.Values.Select(t => t.Definition).OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>Creates an empty, active table keyed by one partition key of type S, N or B.</summary>
    public DynamoTable CreateTable(string name, string partitionKeyName, string partitionKeyType = "S")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(partitionKeyName);
        if (partitionKeyType is not ("S" or "N" or "B")) throw new ArgumentException("a key is of type S, N or B", nameof(partitionKeyType));
        var table = new DynamoTable(name, partitionKeyName, partitionKeyType, DateTime.UtcNow, Guid.NewGuid().ToString());
        if (!tables.TryAdd(name, new TableState(table))) throw new InvalidOperationException($"table {name} already exists");
        return table;
    }

    /// <summary>The stored item whose partition key is <paramref name="partitionKey"/> (S text, N number, B base64), or null.</summary>
    public JsonObject? Item(string table, string partitionKey)
    {
        var state = State(table);
        var key = state.Definition.PartitionKeyType == "N" ? DynamoNumber.Parse(partitionKey).Text : partitionKey;
        lock (state.Gate) return state.Items.GetValueOrDefault(key)?.DeepClone().AsObject();
    }

    /// <summary>Every stored item of <paramref name="table"/>, as DynamoDB-JSON.</summary>
    public IReadOnlyList<JsonObject> Items(string table)
    {
        var state = State(table);
        lock (state.Gate) return [.. state.Items.Values.Select(i => i.DeepClone().AsObject())];
    }

    /// <summary>Stores <paramref name="item"/> (DynamoDB-JSON) unconditionally, with the checks PutItem applies: a test's starting state.</summary>
    public void Put(string table, JsonObject item)
    {
        var state = State(table);
        JsonObject stored;
        try
        {
            stored = DynamoValues.NormalizeMap(item);
        }
        catch (ValueProblem problem)
        {
            throw new ArgumentException(problem.Message, nameof(item));
        }
        string key;
        try
        {
            key = ItemKey(state.Definition, stored);
        }
        catch (ServiceFaultException fault)
        {
            throw new ArgumentException(fault.Reply.Body, nameof(item));
        }
        lock (state.Gate) state.Items[key] = stored;
    }

    private TableState State(string table) =>
        tables.TryGetValue(table, out var state) ? state : throw new KeyNotFoundException($"no table {table}; CreateTable it first");

    private sealed class TableState(DynamoTable definition)
    {
        public DynamoTable Definition { get; } = definition;

        public Lock Gate { get; } = new();

        /// <summary>Items by the normal text of their partition key.</summary>
        public Dictionary<string, JsonObject> Items { get; } = new(StringComparer.Ordinal);
    }

    public Reply Handle(string operation, string body)
    {
        Reply reply;
        try
        {
            var request = JsonNode.Parse(body) as JsonObject ?? throw new ShapeProblem("the request body is not a JSON object");
            reply = operation switch
            {
                "GetItem" => GetItem(request),
                "PutItem" => PutItem(request),
                "DeleteItem" => DeleteItem(request),
                "DescribeTable" => DescribeTable(request),
                _ => Error(400, ServiceNs, "UnknownOperationException", $"FakeDynamoDb does not implement {operation}"),
            };
        }
        catch (Exception e) when (e is JsonException or ShapeProblem)
        {
            reply = Error(400, ServiceNs, "SerializationException", e.Message);
        }
        catch (ServiceFaultException fault)
        {
            reply = fault.Reply;
        }
        return CorruptCrc32 ? reply with { Headers = new Dictionary<string, string>(reply.Headers) { ["x-amz-crc32"] = "12345" } } : reply;
    }

    private Reply GetItem(JsonObject request)
    {
        CheckMembers(request, "GetItem", required: "Key");
        ExpressionParameters(request, "ProjectionExpression");
        Supported(request, "GetItem", "TableName", "Key", "ConsistentRead", "ReturnConsumedCapacity");
        if (request["ConsistentRead"] is { } consistent && consistent.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new ShapeProblem("ConsistentRead must be true or false");
        }
        var key = Values(request["Key"]!);
        var table = Table(request);
        var id = KeyOf(table.Definition, key);
        lock (table.Gate)
        {
            var item = table.Items.GetValueOrDefault(id);
            return Json(item is null ? new JsonObject() : new JsonObject { ["Item"] = item.DeepClone() });
        }
    }

    private Reply PutItem(JsonObject request)
    {
        CheckMembers(request, "PutItem", required: "Item");
        ExpressionParameters(request, "ConditionExpression");
        Supported(request, "PutItem", WriteMembers("Item"));
        var item = Values(request["Item"]!);
        var returnValues = ReturnValues(request);
        if (DynamoValues.ItemSize(item) > DynamoValues.MaxItemBytes) throw Invalid("Item size has exceeded the maximum allowed size");
        var condition = Condition(request);
        var table = Table(request);
        var id = ItemKey(table.Definition, item);
        lock (table.Gate)
        {
            var old = table.Items.GetValueOrDefault(id);
            condition?.Require(old, request);
            table.Items[id] = item;
            return Json(returnValues == "ALL_OLD" && old is not null ? new JsonObject { ["Attributes"] = old.DeepClone() } : new JsonObject());
        }
    }

    private Reply DeleteItem(JsonObject request)
    {
        CheckMembers(request, "DeleteItem", required: "Key");
        ExpressionParameters(request, "ConditionExpression");
        Supported(request, "DeleteItem", WriteMembers("Key"));
        var key = Values(request["Key"]!);
        var returnValues = ReturnValues(request);
        var condition = Condition(request);
        var table = Table(request);
        var id = KeyOf(table.Definition, key);
        lock (table.Gate)
        {
            var old = table.Items.GetValueOrDefault(id);
            condition?.Require(old, request);
            table.Items.Remove(id);
            return Json(returnValues == "ALL_OLD" && old is not null ? new JsonObject { ["Attributes"] = old.DeepClone() } : new JsonObject());
        }
    }

    /// <remarks>ItemCount and TableSizeBytes are current here; DynamoDB refreshes them only about every six hours.</remarks>
    private Reply DescribeTable(JsonObject request)
    {
        CheckMembers(request, "DescribeTable", required: null);
        Supported(request, "DescribeTable", "TableName");
        var name = TableName(request);
        if (!tables.TryGetValue(name, out var state)) throw new ServiceFaultException(ResourceNotFound($"Requested resource not found: Table: {name} not found"));
        var table = state.Definition;
        int count;
        long bytes;
        lock (state.Gate)
        {
            count = state.Items.Count;
            bytes = state.Items.Values.Sum(DynamoValues.ItemSize);
        }
        var created = Math.Round((table.CreatedAt - DateTime.UnixEpoch).TotalMilliseconds) / 1000.0;
        return Json(new JsonObject
        {
            ["Table"] = new JsonObject
            {
                ["AttributeDefinitions"] = new JsonArray(new JsonObject { ["AttributeName"] = table.PartitionKey, ["AttributeType"] = table.PartitionKeyType }),
                ["TableName"] = table.Name,
                ["KeySchema"] = new JsonArray(new JsonObject { ["AttributeName"] = table.PartitionKey, ["KeyType"] = "HASH" }),
                ["TableStatus"] = "ACTIVE",
                ["CreationDateTime"] = created,
                ["ProvisionedThroughput"] = new JsonObject { ["NumberOfDecreasesToday"] = 0, ["ReadCapacityUnits"] = 0, ["WriteCapacityUnits"] = 0 },
                ["TableSizeBytes"] = bytes,
                ["ItemCount"] = count,
                ["TableArn"] = Arn(table.Name),
                ["TableId"] = table.TableId,
                ["BillingModeSummary"] = new JsonObject { ["BillingMode"] = "PAY_PER_REQUEST", ["LastUpdateToPayPerRequestDateTime"] = created },
                ["DeletionProtectionEnabled"] = false,
            },
        });
    }

    private string Arn(string table) => $"arn:aws:dynamodb:{Region}:{AccountId}:table/{table}";

    private static string[] WriteMembers(string itemOrKey) =>
        ["TableName", itemOrKey, "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues", "ReturnValues",
         "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure"];

    /// <summary>
    /// Coral's model validation, which runs first and reports every violation at once: required members, the table
    /// name's pattern and length, and enum values.
    /// </summary>
    private static void CheckMembers(JsonObject request, string operation, string? required)
    {
        var errors = new List<string>();
        var name = OptionalString(request, "TableName");
        if (required is not null && request[required] is null) errors.Add($"Value null at '{Camel(required)}' failed to satisfy constraint: Member must not be null");
        if (name is null)
        {
            errors.Add("Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        }
        else if (!name.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!TableNamePattern().IsMatch(name)) errors.Add($"Value '{name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
            if (name.Length < 3) errors.Add($"Value '{name}' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3");
            if (name.Length > 255) errors.Add($"Value '{name}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255");
        }
        Enum(request, "ReturnConsumedCapacity", errors, "INDEXES", "TOTAL", "NONE");
        if (operation is "PutItem" or "DeleteItem")
        {
            Enum(request, "ReturnValues", errors, "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
            Enum(request, "ReturnItemCollectionMetrics", errors, "SIZE", "NONE");
            Enum(request, "ReturnValuesOnConditionCheckFailure", errors, "ALL_OLD", "NONE");
        }
        if (errors.Count > 0)
        {
            throw Invalid($"{errors.Count} validation error{(errors.Count == 1 ? "" : "s")} detected: {string.Join("; ", errors)}");
        }
    }

    private static void Enum(JsonObject request, string member, List<string> errors, params string[] allowed)
    {
        var value = OptionalString(request, member);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add($"Value '{value}' at '{Camel(member)}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
    }

    private static string Camel(string member) => char.ToLowerInvariant(member[0]) + member[1..];

    /// <summary>Placeholders are only accepted alongside an expression that could use them.</summary>
    private static void ExpressionParameters(JsonObject request, string expressionMember)
    {
        if (request[expressionMember] is not null) return;
        if (request["ExpressionAttributeNames"] is not null) throw Invalid("ExpressionAttributeNames can only be specified when using expressions");
        if (request["ExpressionAttributeValues"] is not null) throw Invalid("ExpressionAttributeValues can only be specified when using expressions");
    }

    /// <summary>Members DynamoDB accepts that this fake does not implement are refused by name, never ignored.</summary>
    private static void Supported(JsonObject request, string operation, params string[] members)
    {
        foreach (var (member, value) in request)
        {
            if (value is null) continue;
            if (!members.Contains(member, StringComparer.Ordinal)) throw Invalid($"FakeDynamoDb does not support {member} in {operation}");
        }
        if (OptionalString(request, "ReturnConsumedCapacity") is { } capacity && capacity != "NONE")
        {
            throw Invalid($"FakeDynamoDb does not support ReturnConsumedCapacity={capacity} in {operation}");
        }
    }

    private static string? ReturnValues(JsonObject request)
    {
        var value = OptionalString(request, "ReturnValues");
        return value is null or "NONE" or "ALL_OLD" ? value : throw Invalid("ReturnValues can only be ALL_OLD or NONE");
    }

    private static JsonObject Values(JsonNode node)
    {
        try
        {
            return DynamoValues.NormalizeMap(node as JsonObject ?? throw new ShapeProblem("expected a map of attribute values"));
        }
        catch (ValueProblem problem)
        {
            throw Invalid(problem.Message);
        }
    }

    private TableState Table(JsonObject request)
    {
        var name = TableName(request);
        return tables.TryGetValue(name, out var state) ? state : throw new ServiceFaultException(ResourceNotFound("Requested resource not found"));
    }

    /// <summary>The table a request names, by name or by its ARN in this account and Region.</summary>
    private string TableName(JsonObject request)
    {
        var name = OptionalString(request, "TableName")!;
        var prefix = Arn("");
        return name.StartsWith("arn:", StringComparison.Ordinal) && name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    /// <summary>A Key map must be exactly the key schema; then the key value's own limits apply.</summary>
    private static string KeyOf(DynamoTable table, JsonObject key)
    {
        if (key.Count != 1 || key[table.PartitionKey] is not JsonObject value || DynamoValues.TypeOf(value) != table.PartitionKeyType)
        {
            throw Invalid("The provided key element does not match the schema");
        }
        return KeyText(table, value);
    }

    private static string ItemKey(DynamoTable table, JsonObject item)
    {
        if (item[table.PartitionKey] is not JsonObject value) throw Invalid($"One or more parameter values were invalid: Missing the key {table.PartitionKey} in the item");
        var type = DynamoValues.TypeOf(value);
        if (type != table.PartitionKeyType)
        {
            throw Invalid($"One or more parameter values were invalid: Type mismatch for key {table.PartitionKey} expected: {table.PartitionKeyType} actual: {type}");
        }
        return KeyText(table, value);
    }

    private static string KeyText(DynamoTable table, JsonObject value)
    {
        var text = value[table.PartitionKeyType]!.GetValue<string>();
        var bytes = table.PartitionKeyType switch
        {
            "S" => Encoding.UTF8.GetByteCount(text),
            "B" => Convert.FromBase64String(text).Length,
            _ => 1,
        };
        if (bytes == 0)
        {
            throw Invalid($"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {(table.PartitionKeyType == "S" ? "string" : "binary")} value. Key: {table.PartitionKey}");
        }
        if (bytes > MaxHashKeyBytes) throw Invalid($"One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of{MaxHashKeyBytes} bytes");
        return text;
    }

    /// <summary>A checked ConditionExpression with its placeholders, ready to be evaluated against the current item.</summary>
    private sealed record CheckedCondition(ConditionNode Root, IReadOnlyDictionary<string, string> Names, IReadOnlyDictionary<string, JsonObject> Values)
    {
        /// <summary>Throws ConditionalCheckFailedException unless the condition holds for <paramref name="current"/> (null: no item).</summary>
        public void Require(JsonObject? current, JsonObject request)
        {
            if (ConditionRules.Evaluate(Root, current ?? new JsonObject(), Names, Values)) return;
            var extra = OptionalString(request, "ReturnValuesOnConditionCheckFailure") == "ALL_OLD" && current is not null
                ? new JsonObject { ["Item"] = current.DeepClone() }
                : null;
            throw new ServiceFaultException(Error(400, DynamoNs, "ConditionalCheckFailedException", "The conditional request failed", extra));
        }
    }

    /// <summary>
    /// DynamoDB's checks on ConditionExpression and its placeholder maps, in its order: the maps' own shape, the
    /// expression's emptiness and size, syntax, names and values used, then placeholders left unused.
    /// </summary>
    private static CheckedCondition? Condition(JsonObject request)
    {
        var expression = OptionalString(request, "ConditionExpression");
        if (expression is null) return null;
        var names = Names(request["ExpressionAttributeNames"]);
        var values = ExpressionValues(request["ExpressionAttributeValues"]);
        if (expression.Length == 0) throw Invalid("Invalid ConditionExpression: The expression can not be empty;");
        var size = Encoding.UTF8.GetByteCount(expression);
        if (size > MaxExpressionBytes) throw Invalid($"Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: {size}");
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var usedValues = new HashSet<string>(StringComparer.Ordinal);
        ConditionNode root;
        try
        {
            root = ConditionParser.Parse(expression);
            ConditionRules.Check(root, names, values, usedNames, usedValues);
        }
        catch (Exception e) when (e is SyntaxProblem or ValueProblem)
        {
            throw Invalid($"Invalid ConditionExpression: {e.Message}");
        }
        var unusedNames = names.Keys.Where(k => !usedNames.Contains(k)).ToList();
        if (unusedNames.Count > 0)
        {
            throw Invalid($"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{string.Join(", ", JavaHashSetOrder(unusedNames, names.Count))}}}");
        }
        var unusedValues = values.Keys.Where(k => !usedValues.Contains(k)).ToList();
        if (unusedValues.Count > 0)
        {
            throw Invalid($"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{string.Join(", ", JavaHashSetOrder(unusedValues, values.Count))}}}");
        }
        return new CheckedCondition(root, names, values);
    }

    private static Dictionary<string, string> Names(JsonNode? node)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null) return names;
        var map = node as JsonObject ?? throw new ShapeProblem("ExpressionAttributeNames must be a map");
        if (map.Count == 0) throw Invalid("ExpressionAttributeNames must not be empty");
        foreach (var (key, value) in map)
        {
            if (!NamePlaceholder().IsMatch(key)) throw Invalid($"ExpressionAttributeNames contains invalid key: Syntax error; key: \"{key}\"");
            var name = value is not null && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw new ShapeProblem($"the name for {key} must be a string");
            if (name.Length == 0) throw Invalid($"ExpressionAttributeNames contains invalid value: Empty attribute name for key {key}");
            names[key] = name;
        }
        return names;
    }

    private static Dictionary<string, JsonObject> ExpressionValues(JsonNode? node)
    {
        var values = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (node is null) return values;
        var map = node as JsonObject ?? throw new ShapeProblem("ExpressionAttributeValues must be a map");
        if (map.Count == 0) throw Invalid("ExpressionAttributeValues must not be empty");
        foreach (var (key, _) in map)
        {
            if (!ValuePlaceholder().IsMatch(key)) throw Invalid($"ExpressionAttributeValues contains invalid key: Syntax error; key: \"{key}\"");
        }
        foreach (var (key, value) in map)
        {
            try
            {
                values[key] = DynamoValues.Normalize(value);
            }
            catch (ValueProblem problem)
            {
                throw Invalid($"ExpressionAttributeValues contains invalid value: {problem.Message} for key {key}");
            }
        }
        return values;
    }

    /// <summary>
    /// The order a Java HashSet of <paramref name="total"/> strings iterates <paramref name="keys"/> in: DynamoDB lists
    /// unused placeholders that way, so a message naming several reads as DynamoDB's does.
    /// </summary>
    private static IEnumerable<string> JavaHashSetOrder(IReadOnlyList<string> keys, int total)
    {
        var capacity = 1;
        var wanted = Math.Max((int)(total / 0.75f) + 1, 16);
        while (capacity < wanted) capacity <<= 1;
        return keys.Select((key, index) => (Bucket: Bucket(key), index, key)).OrderBy(k => k.Bucket).ThenBy(k => k.index).Select(k => k.key);

        int Bucket(string key)
        {
            var hash = 0;
            foreach (var c in key) hash = unchecked((31 * hash) + c);
            return (hash ^ (int)((uint)hash >> 16)) & (capacity - 1);
        }
    }

    private static string? OptionalString(JsonObject request, string member) => request[member] switch
    {
        null => null,
        var node when node.GetValueKind() == JsonValueKind.String => node.GetValue<string>(),
        _ => throw new ShapeProblem($"{member} must be a string"),
    };

    [GeneratedRegex("^[a-zA-Z0-9_.-]+$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^#[A-Za-z0-9_]+$")]
    private static partial Regex NamePlaceholder();

    [GeneratedRegex("^:[A-Za-z0-9_]+$")]
    private static partial Regex ValuePlaceholder();

    private static ServiceFaultException Invalid(string message) => new(Error(400, ValidateNs, "ValidationException", message));

    private static Reply ResourceNotFound(string message) => Error(400, DynamoNs, "ResourceNotFoundException", message);

    private static Reply Json(JsonObject body) => WithCrc32(new Reply(200, ContentType, body.ToJsonString()));

    /// <summary>DynamoDB's error document: <c>{"__type": "namespace#Code", "message": "…"}</c>, plus any members the error carries.</summary>
    private static Reply Error(int status, string ns, string code, string message, JsonObject? extra = null)
    {
        var body = new JsonObject { ["__type"] = $"{ns}#{code}", ["message"] = message };
        foreach (var (name, value) in extra ?? new JsonObject()) body[name] = value?.DeepClone();
        return WithCrc32(new Reply(status, ContentType, body.ToJsonString(), code));
    }

    /// <summary>The service's answer to an injected fault: throttling on the data plane is ProvisionedThroughputExceeded.</summary>
    public static Reply FaultReply(FaultKind kind, string operation) => kind switch
    {
        FaultKind.Throttle when operation is "DescribeTable" => Error(400, AvailabilityNs, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
        FaultKind.Throttle => Error(400, DynamoNs, "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."),
        FaultKind.ServerError => Error(500, DynamoNs, "InternalServerError", "Internal server error"),
        _ => Error(503, DynamoNs, "ServiceUnavailable", "The service is currently unavailable or busy."),
    };

    /// <summary>A refused signature as DynamoDB answers it: HTTP 400 with Coral's service errors.</summary>
    public static Reply AuthError(string verifierCode, string detail) => verifierCode switch
    {
        "InvalidClientTokenId" => Error(400, ServiceNs, "UnrecognizedClientException", "The security token included in the request is invalid."),
        "SignatureDoesNotMatch" => Error(400, ServiceNs, "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" + detail),
        "MissingAuthenticationToken" => Error(400, ServiceNs, "MissingAuthenticationTokenException", "Request is missing Authentication Token"),
        _ => Error(400, ServiceNs, "IncompleteSignatureException", detail),
    };

    /// <summary>
    /// The checksum DynamoDB sends with every reply, and a Content-Length: the SDK only checks the CRC of a body whose
    /// length was announced (a chunked reply would pass unchecked).
    /// </summary>
    private static Reply WithCrc32(Reply reply)
    {
        var body = Encoding.UTF8.GetBytes(reply.Body);
        return reply with
        {
            Headers = new Dictionary<string, string>
            {
                ["x-amz-crc32"] = Crc32(body).ToString(CultureInfo.InvariantCulture),
                ["Content-Length"] = body.Length.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static readonly uint[] Crc32Table = [.. Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    })];

    /// <summary>CRC-32 (IEEE) of the body bytes, which the SDK compares with <c>x-amz-crc32</c>.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Crc32Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
