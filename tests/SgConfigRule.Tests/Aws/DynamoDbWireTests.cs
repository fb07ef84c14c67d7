using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using SgConfigRule.Aws;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.DynamoDb;
using SgConfigRule.FakeAws.Infrastructure;
using static SgConfigRule.Tests.Aws.AwsTestSupport;

namespace SgConfigRule.Tests.Aws;

/// <summary>
/// The official AWSSDK.DynamoDBv2 client, built as the remediation ledger builds it, against the loopback DynamoDB:
/// the JSON 1.0 wire format, conditional writes for optimistic concurrency, DynamoDB's errors as the SDK surfaces
/// them, and what retries do to a conditional write whose answer was lost.
/// </summary>
public class DynamoDbWireTests
{
    private const string Ledger = "sg-config-rule-ledger";
    private const string Group = "sg-0f3c6a1e2b4d58a90";

    private static async Task<FakeAwsServer> StartAsync()
    {
        var server = await FakeAwsServer.StartAsync();
        server.DynamoDb.CreateTable(Ledger, "pk");
        return server;
    }

    private static IAmazonDynamoDB Client(FakeAwsServer server, RetrySettings? retry = null) => AwsClients.DynamoDb(Options(server, retry));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(string value) => new() { N = value };

    private static Dictionary<string, AttributeValue> Key(string pk) => new() { ["pk"] = S(pk) };

    /// <summary>A ledger entry: the group's key, a version for optimistic concurrency and a loop-guard count.</summary>
    private static Dictionary<string, AttributeValue> Entry(string pk, int version, int count) => new()
    {
        ["pk"] = S(pk),
        ["version"] = N(version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ["count"] = N(count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>The ledger's write: replace the item only if its version is still the one that was read (or there is none yet).</summary>
    private static PutItemRequest VersionedPut(Dictionary<string, AttributeValue> item, int? expected) => expected is { } v
        ? new PutItemRequest
        {
            TableName = Ledger,
            Item = item,
            ConditionExpression = "#version = :expected",
            ExpressionAttributeNames = new() { ["#version"] = "version" },
            ExpressionAttributeValues = new() { [":expected"] = N(v.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        }
        : new PutItemRequest { TableName = Ledger, Item = item, ConditionExpression = "attribute_not_exists(pk)" };

    private static async Task<string> ValidationMessage(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(call);
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
        return e.Message;
    }

    [Fact]
    public async Task Every_attribute_type_round_trips_in_the_form_DynamoDB_returns_it()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S(Group),
            ["s"] = S("ünïcode ✓ and \"quotes\""),
            ["empty"] = S(""),
            ["n"] = N("12345678901234567890.123456789"),
            ["trimmed"] = N("001.50"),
            ["exponent"] = N("1E2"),
            ["negative"] = N("-0.000123"),
            ["b"] = new() { B = new MemoryStream([0, 1, 2, 254, 255]) },
            ["yes"] = new() { BOOL = true },
            ["no"] = new() { BOOL = false },
            ["nothing"] = new() { NULL = true },
            ["m"] = new()
            {
                M = new()
                {
                    ["inner"] = S("x"),
                    ["list"] = new() { L = [N("1"), S("two"), new() { M = new() { ["deep"] = new() { BOOL = false } } }] },
                },
            },
            ["l"] = new() { L = [S("a"), N("2"), new() { NULL = true }] },
            ["ss"] = new() { SS = ["b", "a"] },
            ["ns"] = new() { NS = ["10", "9.5"] },
            ["bs"] = new() { BS = [new MemoryStream([1]), new MemoryStream([2, 3])] },
        };
        await db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = item }, Ct);

        var got = (await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group), ConsistentRead = true }, Ct)).Item;

        Assert.Equal(item.Keys.Order(), got.Keys.Order());
        Assert.Equal("ünïcode ✓ and \"quotes\"", got["s"].S);
        Assert.Equal("", got["empty"].S);
        Assert.Equal("12345678901234567890.123456789", got["n"].N);
        // DynamoDB keeps numbers without redundant zeros or exponents.
        Assert.Equal(("1.5", "100", "-0.000123"), (got["trimmed"].N, got["exponent"].N, got["negative"].N));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, got["b"].B.ToArray());
        Assert.Equal((true, false), (got["yes"].BOOL, got["no"].BOOL));
        Assert.True(got["nothing"].NULL);
        Assert.Equal("x", got["m"].M["inner"].S);
        var list = got["m"].M["list"].L;
        Assert.Equal(("1", "two", false), (list[0].N, list[1].S, list[2].M["deep"].BOOL));
        Assert.Equal(("a", "2", true), (got["l"].L[0].S, got["l"].L[1].N, got["l"].L[2].NULL));
        Assert.Equal(["a", "b"], got["ss"].SS.Order());
        Assert.Equal(["10", "9.5"], got["ns"].NS.Order());
        Assert.Equal(new byte[][] { [1], [2, 3] }, got["bs"].BS.Select(b => b.ToArray()).OrderBy(b => b.Length));

        // What the fake stored is DynamoDB-JSON, so a test can inspect the ledger independently of the SDK.
        var stored = server.DynamoDb.Item(Ledger, Group)!;
        Assert.Equal("1.5", stored["trimmed"]!["N"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String([0, 1, 2, 254, 255]), stored["b"]!["B"]!.GetValue<string>());
        Assert.Equal(["PutItem", "GetItem"], server.Calls.Select(c => c.Operation));
    }

    [Fact]
    public async Task An_absent_item_reads_as_no_item()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        var response = await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key("sg-absent"), ConsistentRead = true }, Ct);
        Assert.True(response.Item is null or { Count: 0 });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatusCode);
    }

    [Fact]
    public async Task A_conditional_put_succeeds_while_its_condition_holds_and_fails_after()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        await db.PutItemAsync(VersionedPut(Entry(Group, 1, 1), expected: null), Ct);

        var e = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => db.PutItemAsync(VersionedPut(Entry(Group, 1, 99), expected: null), Ct));
        Assert.Equal("The conditional request failed", e.Message);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("1", server.DynamoDb.Item(Ledger, Group)!["count"]!["N"]!.GetValue<string>());

        // With ReturnValuesOnConditionCheckFailure the refusal carries the item that stood in the way.
        var request = VersionedPut(Entry(Group, 2, 2), expected: 7);
        request.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        e = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => db.PutItemAsync(request, Ct));
        Assert.Equal("1", e.Item["version"].N);

        var replace = VersionedPut(Entry(Group, 2, 2), expected: 1);
        replace.ReturnValues = ReturnValue.ALL_OLD;
        var old = await db.PutItemAsync(replace, Ct);
        Assert.Equal("1", old.Attributes["version"].N);
        Assert.Equal("2", server.DynamoDb.Item(Ledger, Group)!["version"]!["N"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_writers_race_one_wins_and_the_loser_rereads_and_retries()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        await db.PutItemAsync(VersionedPut(Entry(Group, 1, 0), expected: null), Ct);

        // Both read version 1 …
        var readByA = (await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group), ConsistentRead = true }, Ct)).Item;
        var readByB = (await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group), ConsistentRead = true }, Ct)).Item;
        Assert.Equal(readByA["version"].N, readByB["version"].N);

        // … A writes first and wins; B's write names a version that is gone.
        await db.PutItemAsync(VersionedPut(Entry(Group, 2, int.Parse(readByA["count"].N, System.Globalization.CultureInfo.InvariantCulture) + 1), expected: 1), Ct);
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() =>
            db.PutItemAsync(VersionedPut(Entry(Group, 2, int.Parse(readByB["count"].N, System.Globalization.CultureInfo.InvariantCulture) + 1), expected: 1), Ct));

        // B re-reads, applies its change to what A left, and its retry lands.
        var reread = (await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group), ConsistentRead = true }, Ct)).Item;
        Assert.Equal("2", reread["version"].N);
        await db.PutItemAsync(VersionedPut(Entry(Group, 3, int.Parse(reread["count"].N, System.Globalization.CultureInfo.InvariantCulture) + 1), expected: 2), Ct);

        var final = server.DynamoDb.Item(Ledger, Group)!;
        Assert.Equal(("3", "2"), (final["version"]!["N"]!.GetValue<string>(), final["count"]!["N"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Concurrent_writers_retrying_on_conflict_lose_no_update()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        await db.PutItemAsync(VersionedPut(Entry(Group, 0, 0), expected: null), Ct);
        var conflicts = 0;

        async Task IncrementAsync()
        {
            while (true)
            {
                var current = (await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group), ConsistentRead = true }, Ct)).Item;
                var version = int.Parse(current["version"].N, System.Globalization.CultureInfo.InvariantCulture);
                var count = int.Parse(current["count"].N, System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await db.PutItemAsync(VersionedPut(Entry(Group, version + 1, count + 1), expected: version), Ct);
                    return;
                }
                catch (ConditionalCheckFailedException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        const int Writers = 8, Increments = 10;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Increments; i++) await IncrementAsync();
        }, Ct)));

        // Had a read-check-write in the fake not been atomic, two writers could both have passed the same version.
        var final = server.DynamoDb.Item(Ledger, Group)!;
        Assert.Equal(Writers * Increments, int.Parse(final["count"]!["N"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Writers * Increments, int.Parse(final["version"]!["N"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(conflicts, server.Calls.Count(c => c.ErrorCode == "ConditionalCheckFailedException"));
    }

    [Fact]
    public async Task Conditions_compare_numbers_numerically_and_treat_missing_attributes_as_DynamoDB_does()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        server.DynamoDb.Put(Ledger, System.Text.Json.Nodes.JsonNode.Parse("""{"pk": {"S": "g"}, "n": {"N": "10"}}""")!.AsObject());

        async Task<bool> Holds(string condition, Dictionary<string, AttributeValue> values)
        {
            var names = new Dictionary<string, string>();
            foreach (var name in new[] { "#n", "#s", "#e", "#missing", "#flag" }.Where(condition.Contains)) names[name] = name[1..];
            try
            {
                await db.PutItemAsync(new PutItemRequest
                {
                    TableName = Ledger,
                    Item = new() { ["pk"] = S("g"), ["n"] = N("10"), ["s"] = S("b"), ["e"] = S("\uFF61"), ["flag"] = new() { BOOL = true } },
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names.Count > 0 ? names : null,
                    ExpressionAttributeValues = values.Count > 0 ? values : null,
                }, Ct);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }

        Assert.True(await Holds("#n > :nine", new() { [":nine"] = N("9") }));       // as text "10" < "9"
        Assert.False(await Holds("#n < :nine", new() { [":nine"] = N("9") }));
        Assert.True(await Holds("#n = :ten", new() { [":ten"] = N("10.000") }));     // numbers, not their spelling
        Assert.True(await Holds("#n >= :ten AND #n <= :ten", new() { [":ten"] = N("1e1") }));
        Assert.False(await Holds("#n = :text", new() { [":text"] = S("10") }));      // different types are never equal
        Assert.False(await Holds("#n > :text", new() { [":text"] = S("1") }));       // nor ordered
        Assert.True(await Holds("#s < :c AND #s > :a", new() { [":c"] = S("c"), [":a"] = S("a") }));
        // Strings order by UTF-8 bytes: U+1F600 (F0 9F …) sorts after U+FF61 (EF BD A1), though not in UTF-16.
        Assert.True(await Holds("#e < :emoji", new() { [":emoji"] = S("\U0001F600") }));
        Assert.False(await Holds("#missing = :ten", new() { [":ten"] = N("10") }));
        Assert.True(await Holds("#missing <> :ten", new() { [":ten"] = N("10") }));  // a missing attribute equals nothing
        Assert.False(await Holds("#missing < :ten", new() { [":ten"] = N("10") }));
        Assert.True(await Holds("#flag = :yes", new() { [":yes"] = new() { BOOL = true } }));
        Assert.True(await Holds("attribute_exists(pk) AND attribute_not_exists(#missing)", []));
        Assert.False(await Holds("NOT attribute_exists(pk)", []));
        Assert.True(await Holds("(attribute_not_exists(pk) OR #n = :ten) AND NOT (#s = :a)", new() { [":ten"] = N("10"), [":a"] = S("a") }));
        Assert.False(await Holds("attribute_not_exists(pk) OR (#n <> :ten)", new() { [":ten"] = N("10") }));
    }

    [Fact]
    public async Task A_delete_removes_the_item_only_while_its_condition_holds()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        await db.PutItemAsync(VersionedPut(Entry(Group, 4, 1), expected: null), Ct);

        var stale = new DeleteItemRequest
        {
            TableName = Ledger,
            Key = Key(Group),
            ConditionExpression = "#version = :expected",
            ExpressionAttributeNames = new() { ["#version"] = "version" },
            ExpressionAttributeValues = new() { [":expected"] = N("3") },
        };
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => db.DeleteItemAsync(stale, Ct));
        Assert.NotNull(server.DynamoDb.Item(Ledger, Group));

        stale.ExpressionAttributeValues[":expected"] = N("4");
        stale.ReturnValues = ReturnValue.ALL_OLD;
        var deleted = await db.DeleteItemAsync(stale, Ct);
        Assert.Equal("4", deleted.Attributes["version"].N);
        Assert.Null(server.DynamoDb.Item(Ledger, Group));

        // Deleting what is not there is not an error, and returns nothing.
        var again = await db.DeleteItemAsync(new DeleteItemRequest { TableName = Ledger, Key = Key(Group), ReturnValues = ReturnValue.ALL_OLD }, Ct);
        Assert.True(again.Attributes is null or { Count: 0 });
    }

    [Fact]
    public async Task An_unknown_table_is_ResourceNotFoundException_and_DescribeTable_describes_a_known_one()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        var e = await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            db.GetItemAsync(new GetItemRequest { TableName = "no-such-table", Key = Key(Group) }, Ct));
        Assert.Equal("Requested resource not found", e.Message);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            db.PutItemAsync(new PutItemRequest { TableName = "no-such-table", Item = Entry(Group, 1, 1) }, Ct));
        e = await Assert.ThrowsAsync<ResourceNotFoundException>(() => db.DescribeTableAsync("no-such-table", Ct));
        Assert.Equal("Requested resource not found: Table: no-such-table not found", e.Message);

        await db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = Entry(Group, 1, 1) }, Ct);
        var table = (await db.DescribeTableAsync(Ledger, Ct)).Table;
        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal(("pk", KeyType.HASH), (table.KeySchema.Single().AttributeName, table.KeySchema.Single().KeyType));
        Assert.Equal(ScalarAttributeType.S, table.AttributeDefinitions.Single().AttributeType);
        Assert.NotEmpty(table.TableId);
        Assert.Equal($"arn:aws:dynamodb:us-east-1:{SgConfigRule.FakeAws.Ec2.FakeEc2.DefaultAccount}:table/{Ledger}", table.TableArn);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary.BillingMode);
    }

    [Fact]
    public async Task Key_errors_name_the_key_in_DynamoDBs_words()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        Assert.Equal("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
            await ValidationMessage(() => db.GetItemAsync(new GetItemRequest { Key = Key(Group) }, Ct)));
        Assert.Equal("One or more parameter values were invalid: Missing the key pk in the item",
            await ValidationMessage(() => db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = new() { ["id"] = S(Group) } }, Ct)));
        Assert.Equal("One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
            await ValidationMessage(() => db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = new() { ["pk"] = N("1") } }, Ct)));
        Assert.Equal("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
            await ValidationMessage(() => db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = new() { ["pk"] = S("") } }, Ct)));
        Assert.Equal("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
            await ValidationMessage(() => db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(new string('k', 2049)) }, Ct)));
        foreach (var key in new Dictionary<string, AttributeValue>[] { new() { ["id"] = S(Group) }, new() { ["pk"] = N("1") }, new() { ["pk"] = S(Group), ["version"] = N("1") } })
        {
            Assert.Equal("The provided key element does not match the schema",
                await ValidationMessage(() => db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = key }, Ct)));
        }
        Assert.Equal("The provided key element does not match the schema",
            await ValidationMessage(() => db.DeleteItemAsync(new DeleteItemRequest { TableName = Ledger, Key = new() { ["pk"] = N("1") } }, Ct)));
        Assert.Empty(server.DynamoDb.Items(Ledger));
    }

    [Fact]
    public async Task Expression_errors_name_the_placeholder_word_or_token()
    {
        await using var server = await StartAsync();
        using var db = Client(server);

        Task Put(string condition, Dictionary<string, string>? names = null, Dictionary<string, AttributeValue>? values = null) =>
            db.PutItemAsync(new PutItemRequest
            {
                TableName = Ledger,
                Item = Entry(Group, 1, 1),
                ConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, Ct);

        Assert.Equal("Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
            await ValidationMessage(() => Put("attribute_not_exists(pk)", new() { ["#unused"] = "version" })));
        Assert.Equal("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
            await ValidationMessage(() => Put("attribute_not_exists(pk)", values: new() { [":unused"] = N("1") })));
        Assert.Equal("Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :expected",
            await ValidationMessage(() => Put("#version = :expected", new() { ["#version"] = "version" }, new() { [":other"] = N("1") })));
        Assert.Equal("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #v",
            await ValidationMessage(() => Put("#v = :expected", values: new() { [":expected"] = N("1") })));
        // "count" is one of DynamoDB's reserved words: the ledger must write #count.
        Assert.Equal("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: count",
            await ValidationMessage(() => Put("count < :limit", values: new() { [":limit"] = N("3") })));
        Assert.Equal("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"foo\"", await ValidationMessage(() => Put("foo")));
        Assert.Equal("Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"",
            await ValidationMessage(() => Put("pk = = :v", values: new() { [":v"] = S("x") })));
        Assert.Equal("Invalid ConditionExpression: The expression has redundant parentheses;",
            await ValidationMessage(() => Put("((attribute_exists(pk)))")));
        Assert.Equal("Invalid ConditionExpression: Invalid function name; function: attribute_exist",
            await ValidationMessage(() => Put("attribute_exist(pk)")));
        Assert.Equal("Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [version]",
            await ValidationMessage(() => Put("#version = version", new() { ["#version"] = "version" })));
        Assert.Equal("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL",
            await ValidationMessage(() => Put("#version < :flag", new() { ["#version"] = "version" }, new() { [":flag"] = new() { BOOL = true } })));
        Assert.Equal("ExpressionAttributeValues can only be specified when using expressions",
            await ValidationMessage(() => db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = Entry(Group, 1, 1), ExpressionAttributeValues = new() { [":v"] = N("1") } }, Ct)));
        Assert.Equal("ExpressionAttributeNames contains invalid key: Syntax error; key: \"version\"",
            await ValidationMessage(() => Put("attribute_not_exists(pk)", new() { ["version"] = "version" })));
        Assert.Empty(server.DynamoDb.Items(Ledger));
    }

    [Fact]
    public async Task Item_errors_use_DynamoDBs_wording()
    {
        await using var server = await StartAsync();
        using var db = Client(server);

        Task Put(string name, AttributeValue value, PutItemRequest? request = null)
        {
            request ??= new PutItemRequest { TableName = Ledger };
            request.Item = new() { ["pk"] = S(Group), [name] = value };
            return db.PutItemAsync(request, Ct);
        }

        Assert.Equal("Item size has exceeded the maximum allowed size", await ValidationMessage(() => Put("journal", S(new string('x', 400 * 1024)))));
        Assert.Equal("One or more parameter values were invalid: An string set  may not be empty", await ValidationMessage(() => Put("ss", new() { SS = [] })));
        Assert.Equal("One or more parameter values were invalid: Input collection [a, a] contains duplicates.", await ValidationMessage(() => Put("ss", new() { SS = ["a", "a"] })));
        Assert.Equal("Input collection contains duplicates", await ValidationMessage(() => Put("ns", new() { NS = ["1", "1.0"] })));
        Assert.Equal("The parameter cannot be converted to a numeric value: ten", await ValidationMessage(() => Put("n", N("ten"))));
        Assert.Equal("Attempting to store more than 38 significant digits in a Number",
            await ValidationMessage(() => Put("n", N("123456789012345678901234567890123456789"))));
        Assert.Equal("Number overflow. Attempting to store a number with magnitude larger than supported range", await ValidationMessage(() => Put("n", N("1e126"))));
        Assert.Equal("ReturnValues can only be ALL_OLD or NONE",
            await ValidationMessage(() => Put("n", N("1"), new PutItemRequest { TableName = Ledger, ReturnValues = ReturnValue.ALL_NEW })));
        Assert.Empty(server.DynamoDb.Items(Ledger));

        // The limit counts names and values: an item just under 400 KB is stored.
        await Put("journal", S(new string('x', (400 * 1024) - "pk".Length - Group.Length - "journal".Length)));
        Assert.Single(server.DynamoDb.Items(Ledger));
    }

    [Fact]
    public async Task Valid_conditions_the_fake_does_not_evaluate_fail_loudly_instead_of_passing()
    {
        await using var server = await StartAsync();
        using var db = Client(server);
        var values = new Dictionary<string, AttributeValue> { [":a"] = N("1"), [":b"] = N("2") };
        foreach (var (condition, what) in new[]
                 {
                     ("#version BETWEEN :a AND :b", "BETWEEN"),
                     ("#version IN (:a, :b)", "IN"),
                     ("begins_with(pk, :a) OR #version = :b", "the function begins_with"),
                     ("size(pk) > :a AND #version = :b", "the function size"),
                     ("#version.part = :a OR #version = :b", "the nested document path [version, part]"),
                 })
        {
            var message = await ValidationMessage(() => db.PutItemAsync(new PutItemRequest
            {
                TableName = Ledger,
                Item = Entry(Group, 1, 1),
                ConditionExpression = condition,
                ExpressionAttributeNames = new() { ["#version"] = "version" },
                ExpressionAttributeValues = values,
            }, Ct));
            Assert.StartsWith($"Invalid ConditionExpression: FakeDynamoDb does not support {what}; ", message);
        }
        Assert.Empty(server.DynamoDb.Items(Ledger));

        // Request members the fake does not implement are refused by name too.
        Assert.Equal("FakeDynamoDb does not support ProjectionExpression in GetItem",
            await ValidationMessage(() => db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group), ProjectionExpression = "pk" }, Ct)));
        Assert.Equal("FakeDynamoDb does not support ReturnConsumedCapacity=TOTAL in PutItem",
            await ValidationMessage(() => db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = Entry(Group, 1, 1), ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, Ct)));
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_by_the_SDK_until_the_write_lands()
    {
        await using var server = await StartAsync();
        server.Faults.Add(FaultRule.Count("dynamodb", "PutItem", FaultKind.Throttle, 2));
        server.Faults.Add(FaultRule.Count("dynamodb", "PutItem", FaultKind.ServerError, 1));
        server.Faults.Add(FaultRule.Count("dynamodb", "PutItem", FaultKind.Unavailable, 1));
        using var db = Client(server);

        await db.PutItemAsync(VersionedPut(Entry(Group, 1, 1), expected: null), Ct);

        Assert.Equal(
            ["ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException", "InternalServerError", "ServiceUnavailable", null],
            server.Calls.Select(c => c.ErrorCode));
        Assert.Equal([400, 400, 500, 503, 200], server.Calls.Select(c => c.StatusCode));
        Assert.Equal("1", server.DynamoDb.Item(Ledger, Group)!["version"]!["N"]!.GetValue<string>());

        // The control plane throttles with ThrottlingException, which the SDK retries as well.
        server.ClearCalls();
        server.Faults.Add(FaultRule.Count("dynamodb", "DescribeTable", FaultKind.Throttle, 1));
        await db.DescribeTableAsync(Ledger, Ct);
        Assert.Equal(["ThrottlingException", null], server.Calls.Select(c => c.ErrorCode));
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_surfaces_as_ProvisionedThroughputExceededException()
    {
        await using var server = await StartAsync();
        server.Faults.Add(FaultRule.Always("dynamodb", "PutItem", FaultKind.Throttle));
        using var db = Client(server, FastRetry with { MaxAttempts = 3 });

        var e = await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => db.PutItemAsync(VersionedPut(Entry(Group, 1, 1), expected: null), Ct));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal(3, server.CountCalls("dynamodb", "PutItem"));
        Assert.Empty(server.DynamoDb.Items(Ledger));
    }

    /// <summary>
    /// The ledger's hazard: the first attempt of a conditional create is applied but its answer is lost; the SDK sends
    /// the same request again, and now the condition fails on the item the first attempt wrote. So a
    /// ConditionalCheckFailedException does not prove someone else wrote: with ALL_OLD the refusal carries the item,
    /// and the ledger can see that it is its own write.
    /// </summary>
    [Fact]
    public async Task A_lost_reply_to_a_conditional_put_is_retried_and_the_retry_fails_its_condition()
    {
        await using var server = await StartAsync();
        server.Faults.Add(FaultRule.Count("dynamodb", "PutItem", FaultKind.LostReply, 1));
        using var db = Client(server);
        var mine = Entry(Group, 1, 1);
        mine["journal"] = S("revoke sgr-0123456789abcdef0 pending");
        var request = VersionedPut(mine, expected: null);
        request.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;

        var e = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => db.PutItemAsync(request, Ct));

        Assert.Equal(2, server.CountCalls("dynamodb", "PutItem"));
        Assert.Equal([FaultKind.LostReply, null], server.Calls.Select(c => c.Fault));
        Assert.Equal(server.Calls[0].Body, server.Calls[1].Body);
        Assert.Equal("ConditionalCheckFailedException", server.Calls[1].ErrorCode);
        // The write did happen, and the refusal shows it is exactly the item this writer sent.
        Assert.Equal("revoke sgr-0123456789abcdef0 pending", server.DynamoDb.Item(Ledger, Group)!["journal"]!["S"]!.GetValue<string>());
        Assert.Equal(mine.Keys.Order(), e.Item.Keys.Order());
        Assert.Equal(mine["journal"].S, e.Item["journal"].S);
        Assert.Equal(mine["version"].N, e.Item["version"].N);
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_key_is_refused_and_nothing_is_written()
    {
        await using var server = await StartAsync();
        using var wrongSecret = AwsClients.DynamoDb(Options(server) with { Credentials = new BasicAWSCredentials(FakeAwsServer.AccessKey, "wrong") });
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => wrongSecret.PutItemAsync(VersionedPut(Entry(Group, 1, 1), expected: null), Ct));
        Assert.Equal("InvalidSignatureException", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", e.Message);

        using var unknownKey = AwsClients.DynamoDb(Options(server) with { Credentials = new BasicAWSCredentials("AKIAUNKNOWN000000000", "x") });
        e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => unknownKey.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group) }, Ct));
        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
        Assert.Equal("The security token included in the request is invalid.", e.Message);

        Assert.Empty(server.DynamoDb.Items(Ledger));
        Assert.All(server.Calls, c => Assert.Equal(400, c.StatusCode));
    }

    [Fact]
    public async Task Replies_carry_a_CRC32_that_the_SDK_checks()
    {
        await using var server = await StartAsync();
        using var db = Client(server, FastRetry with { MaxAttempts = 2 });
        await db.PutItemAsync(new PutItemRequest { TableName = Ledger, Item = Entry(Group, 1, 1) }, Ct);

        // A reply whose checksum does not match is an I/O fault to the SDK, retried like a dropped connection.
        server.ClearCalls();
        server.DynamoDb.CorruptCrc32 = true;
        var e = await Assert.ThrowsAsync<IOException>(() => db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group) }, Ct));
        Assert.StartsWith("CRC value returned with response does not match the computed CRC value", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.CountCalls("dynamodb", "GetItem"));

        server.DynamoDb.CorruptCrc32 = false;
        Assert.Equal("1", (await db.GetItemAsync(new GetItemRequest { TableName = Ledger, Key = Key(Group) }, Ct)).Item["version"].N);
        Assert.Equal(0xCBF43926u, FakeDynamoDb.Crc32(Encoding.ASCII.GetBytes("123456789"))); // CRC-32's published check value
    }
}
