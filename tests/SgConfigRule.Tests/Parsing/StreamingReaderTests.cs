using System.Text;
using System.Text.Json.Nodes;
using SgConfigRule.Policy.Model;
using SgConfigRule.Input;
using SgConfigRule.Tests.Reliability;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The streaming reader (what <c>scan</c> uses on files) against the whole-text reader (what the functions use):
/// the same resources and the same errors for every recorded input, at every buffer size, and for mutations of them;
/// and the fast EC2 group reader against the canonical one: it reads a group the same way or leaves it alone.
/// </summary>
public sealed class StreamingReaderTests
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FUZZ_CASES"), out var n) && n > 0 ? n : 4000;

    /// <summary>Every recorded input of every shape, and the CLI's sample account.</summary>
    private static readonly Lazy<List<(string Name, byte[] Bytes)>> Inputs = new(() =>
    [
        .. new[] { "ec2_api", "config_items", "lambda_events" }
            .SelectMany(TestData.RecordedFiles)
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))),
        ("sample-account.json", File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "cli", "samples", "sample-account.json"))),
    ]);

    public static TheoryData<int> BufferSizes => [1, 7, 64, 4096, InputStreamReader.DefaultBufferSize];

    [Theory]
    [MemberData(nameof(BufferSizes))]
    public void Every_recorded_input_reads_the_same_streamed_as_whole(int bufferSize)
    {
        var compared = 0;
        foreach (var (name, bytes) in Inputs.Value)
        {
            var whole = Describe(ReadWhole(bytes));
            var streamed = Describe(ReadStreamed(bytes, bufferSize));
            Assert.True(whole.SequenceEqual(streamed), $"{name} (buffer {bufferSize}):\nwhole:\n{string.Join("\n", whole)}\nstreamed:\n{string.Join("\n", streamed)}");
            compared += whole.Count;
        }
        Assert.True(compared > 100, $"only {compared} resources compared");
    }

    [Fact]
    public void The_fast_reader_reads_every_recorded_EC2_group_and_as_the_canonical_reader_does()
    {
        var groups = 0;
        foreach (var file in TestData.RecordedFiles("ec2_api").Where(f => f.Contains("describe_security_groups", StringComparison.Ordinal)))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var group in root["SecurityGroups"]!.AsArray())
            {
                var json = group!.ToJsonString();
                var fast = Ec2GroupFastReader.TryRead(Encoding.UTF8.GetBytes(json));
                Assert.True(fast is not null, $"{Path.GetFileName(file)}: the fast reader left a plain recorded group to the canonical reader: {json}");
                Assert.Equal(Describe(ReadWhole(Encoding.UTF8.GetBytes(json))), Describe([ReadResult.Read(fast!)]));
                groups++;
            }
        }
        Assert.True(groups > 100, $"only {groups} groups");
    }

    /// <summary>
    /// Mutations of recorded groups — wrong types, nulls, missing and extra fields, odd unicode, extreme numbers, broken
    /// text: the fast reader's answer is the canonical one, or none at all.
    /// </summary>
    [Fact]
    public void The_fast_reader_never_disagrees_with_the_canonical_reader_on_mutated_groups()
    {
        var random = new Random(1126);
        var seeds = TestData.RecordedFiles("ec2_api")
            .Where(f => f.Contains("describe_security_groups", StringComparison.Ordinal))
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["SecurityGroups"]!.AsArray().Select(g => g!.ToJsonString()))
            .ToList();
        AssertAgreesOrDeclines(() => Mutations.Apply(seeds[random.Next(seeds.Count)], random), bytes => Ec2GroupFastReader.TryRead(bytes));
    }

    [Fact]
    public void The_Config_item_fast_reader_reads_every_plain_item_as_the_canonical_reader_does()
    {
        var random = new Random(2711);
        var items = ConfigItemSeeds(random);
        foreach (var json in items)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var fast = ConfigItemFastReader.TryRead(bytes);
            Assert.True(fast is not null, $"the fast reader left a plain item to the canonical reader: {json}");
            Assert.Equal(Describe(ReadWhole(bytes)), Describe([ReadResult.Read(fast!)]));
        }
        Assert.True(items.Count > 100, $"only {items.Count} items");
    }

    /// <summary>
    /// Mutations of Config items, of the envelope and of the group inside the configuration string: the fast reader's
    /// answer is the canonical one, or none at all.
    /// </summary>
    [Fact]
    public void The_Config_item_fast_reader_never_disagrees_with_the_canonical_reader_on_mutated_items()
    {
        var random = new Random(2712);
        var seeds = ConfigItemSeeds(random);
        AssertAgreesOrDeclines(() =>
        {
            var seed = seeds[random.Next(seeds.Count)];
            if (random.Next(2) == 0) return Mutations.Apply(seed, random);
            var item = JsonNode.Parse(seed)!.AsObject();
            var (kind, configuration) = Mutations.Apply(item["configuration"]!.GetValue<string>(), random);
            item["configuration"] = configuration;
            return ($"configuration: {kind}", item.ToJsonString());
        }, bytes => ConfigItemFastReader.TryRead(bytes));
    }

    /// <summary>For each mutated input: the fast reader's result is the canonical reader's, or it declines; both happen.</summary>
    private static void AssertAgreesOrDeclines(Func<(string Kind, string Json)> mutated, Func<byte[], ResourceItem?> fastRead)
    {
        int accepted = 0, declined = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (kind, json) = mutated();
            var bytes = Encoding.UTF8.GetBytes(json);
            if (fastRead(bytes) is not { } fast)
            {
                declined++;
                continue;
            }
            accepted++;
            var canonical = ReadWhole(bytes);
            Assert.True(Describe(canonical).SequenceEqual(Describe([ReadResult.Read(fast)])),
                $"case {i} ({kind}): the fast reader read\n{string.Join("\n", Describe([ReadResult.Read(fast)]))}\nthe canonical reader\n{string.Join("\n", Describe(canonical))}\ninput: {json}");
        }
        Assert.True(accepted > 0 && declined > 0, $"accepted {accepted}, declined {declined}: both paths should be exercised");
    }

    [Fact]
    public void A_streamed_BatchGetResourceConfig_response_reads_as_the_whole_text_does()
    {
        var random = new Random(2713);
        var items = ConfigItemSeeds(random);
        var response = $"{{\"baseConfigurationItems\": [{string.Join(",\n", items)}], \"unprocessedResourceKeys\": []}}";
        var bytes = Encoding.UTF8.GetBytes(response);
        var whole = Describe(ReadWhole(bytes));
        Assert.Equal(items.Count, whole.Count);
        foreach (var bufferSize in new[] { 7, 4096, InputStreamReader.DefaultBufferSize })
        {
            Assert.Equal(whole, Describe(ReadStreamed(bytes, bufferSize)));
        }
    }

    /// <summary>
    /// Config items as BatchGetResourceConfig returns them: the recorded EC2 groups in Config's form (camelCase; IPv4
    /// sources both as legacy strings and as objects, in either order; capture times as epoch seconds or ISO text) and
    /// the configurations of the recorded Config items.
    /// </summary>
    private static List<string> ConfigItemSeeds(Random random)
    {
        var configurations = TestData.RecordedFiles("ec2_api")
            .Where(f => f.Contains("describe_security_groups", StringComparison.Ordinal))
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["SecurityGroups"]!.AsArray())
            .Select(g => ToConfigForm(g!, random))
            .ToList();
        foreach (var file in TestData.RecordedFiles("config_items"))
        {
            foreach (var item in FindConfigurations(JsonNode.Parse(File.ReadAllText(file))!)) configurations.Add(item);
        }
        return [.. configurations.Select((configuration, n) =>
        {
            var groupId = configuration["groupId"]!.GetValue<string>();
            var account = configuration["ownerId"]?.GetValue<string>() ?? "111122223333";
            return new JsonObject
            {
                ["version"] = "1.3",
                ["accountId"] = account,
                ["configurationItemCaptureTime"] = n % 2 == 0 ? JsonValue.Create(1795000000.123 + n) : JsonValue.Create("2026-11-26T12:00:00.000Z"),
                ["configurationItemStatus"] = n % 3 == 0 ? "ResourceDiscovered" : "OK",
                ["configurationStateId"] = $"{1795000000000 + n}",
                ["arn"] = $"arn:aws:ec2:us-east-1:{account}:security-group/{groupId}",
                ["resourceType"] = "AWS::EC2::SecurityGroup",
                ["resourceId"] = groupId,
                ["resourceName"] = configuration["groupName"]?.GetValue<string>(),
                ["awsRegion"] = "us-east-1",
                ["availabilityZone"] = "Not Applicable",
                ["resourceCreationTime"] = null,
                ["configuration"] = configuration.ToJsonString(),
                ["supplementaryConfiguration"] = new JsonObject(),
            }.ToJsonString();
        })];
    }

    private static JsonObject ToConfigForm(JsonNode ec2Group, Random random)
    {
        static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
        static JsonNode? Convert(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(Camel(p.Key), Convert(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Convert)]),
            _ => node?.DeepClone(),
        };
        var group = Convert(ec2Group)!.AsObject();
        foreach (var permission in (group["ipPermissions"]?.AsArray() ?? []).Concat(group["ipPermissionsEgress"]?.AsArray() ?? []))
        {
            if (permission is not JsonObject p || p["ipRanges"] is not JsonArray ranges) continue;
            p.Remove("ipRanges");
            var legacy = new JsonArray([.. ranges.Select(r => (JsonNode?)JsonValue.Create(r!["cidrIp"]!.GetValue<string>()))]);
            // Config lists IPv4 sources twice; the order of the two fields varies.
            if (random.Next(2) == 0) { p["ipv4Ranges"] = ranges; p["ipRanges"] = legacy; }
            else { p["ipRanges"] = legacy; p["ipv4Ranges"] = ranges; }
        }
        return group;
    }

    private static IEnumerable<JsonObject> FindConfigurations(JsonNode node)
    {
        if (node is JsonObject o)
        {
            if (o["resourceType"]?.GetValue<string>() == "AWS::EC2::SecurityGroup" && o["configuration"] is { } configuration)
            {
                var parsed = configuration is JsonValue v && v.TryGetValue<string>(out var text) ? JsonNode.Parse(text) : configuration.DeepClone();
                if (parsed is JsonObject c && c["groupId"] is not null) yield return c;
            }
            foreach (var child in o.Select(p => p.Value).OfType<JsonNode>().SelectMany(FindConfigurations)) yield return child;
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a.OfType<JsonNode>().SelectMany(FindConfigurations)) yield return child;
        }
    }

    /// <summary>
    /// Mutations of every recorded input through the streaming reader: where the whole text is valid JSON the results
    /// are identical; where it is not, streaming still ends in an error (after what came before the break), never a crash.
    /// </summary>
    [Fact]
    public void Mutated_inputs_read_the_same_streamed_or_end_in_an_error()
    {
        var random = new Random(2611);
        for (var i = 0; i < Cases / 2; i++)
        {
            var (name, seed) = Inputs.Value[random.Next(Inputs.Value.Count)];
            var (kind, json) = Mutations.Apply(Encoding.UTF8.GetString(seed), random);
            var bytes = Encoding.UTF8.GetBytes(json);
            var bufferSize = new[] { 3, 50, 1024, InputStreamReader.DefaultBufferSize }[random.Next(4)];
            List<ReadResult> streamed;
            try
            {
                streamed = ReadStreamed(bytes, bufferSize);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({kind} of {name}, buffer {bufferSize}) crashed: {e}");
            }
            if (WholeTextIsValid(bytes))
            {
                Assert.True(Describe(ReadWhole(bytes)).SequenceEqual(Describe(streamed)), $"case {i} ({kind} of {name}, buffer {bufferSize}) differs");
            }
            else
            {
                Assert.Contains(streamed, r => r.Error is not null);
            }
        }
    }

    [Fact]
    public void A_syntax_error_ends_the_input_after_the_groups_before_it_with_its_line()
    {
        var json = "{\"SecurityGroups\": [\n" + Group("sg-1", 22) + ",\n" + Group("sg-2", 443) + ",\n{\"GroupId\": \"sg-3\", oops},\n" + Group("sg-4", 22) + "\n]}";
        var results = ReadStreamed(Encoding.UTF8.GetBytes(json), 16);
        Assert.Equal(["sg-1", "sg-2"], results.Where(r => r.Item is not null).Select(r => r.Item!.ResourceId));
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Equal("$.SecurityGroups[2]", error.JsonPath);
        Assert.Contains("line 4", error.Problem, StringComparison.Ordinal);
        Assert.Contains("the rest of the input is not read", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_key_inside_one_group_costs_only_that_group()
    {
        var json = "{\"SecurityGroups\": [" + Group("sg-1", 22) + ", {\"GroupId\": \"sg-2\", \"GroupId\": \"sg-x\", \"IpPermissions\": []}, " + Group("sg-3", 22) + "]}";
        var results = ReadStreamed(Encoding.UTF8.GetBytes(json), 64);
        Assert.Equal(["sg-1", "sg-3"], results.Where(r => r.Item is not null).Select(r => r.Item!.ResourceId));
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Equal("$.SecurityGroups[1].GroupId", error.JsonPath);
        Assert.Contains("duplicate key 'GroupId'", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"SecurityGroups\": [], \"SecurityGroups\": []}", "$.SecurityGroups", "duplicate key 'SecurityGroups'")]
    [InlineData("{\"SecurityGroups\": []} {}", "$", "invalid JSON")]
    [InlineData("[] x", "$", "invalid JSON")]
    [InlineData("{\"SecurityGroups\": [], \"NextToken\": {\"a\": 1, \"a\": 2}}", "$.NextToken.a", "duplicate key 'a'")]
    [InlineData("{\"baseConfigurationItems\": [], \"SecurityGroups\": []}", "$.SecurityGroups", "ambiguous")]
    [InlineData("{\"baseConfigurationItems\": [], \"unprocessedResourceKeys\": [{\"resourceType\": \"AWS::EC2::SecurityGroup\", \"resourceId\": \"sg-9\"}]}", "$.unprocessedResourceKeys[0]", "'sg-9' was not processed")]
    [InlineData("", "$", "the input is empty")]
    [InlineData("{\"SecurityGroups\": [", "$.SecurityGroups[0]", "invalid JSON")]
    public void Problems_around_the_list_are_reported_with_their_path(string json, string path, string problem)
    {
        var results = ReadStreamed(Encoding.UTF8.GetBytes(json), 8);
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_and_a_root_array_of_mixed_shapes_read_as_whole()
    {
        var json = "\uFEFF[" + Group("sg-1", 22) + ", {\"SecurityGroups\": [" + Group("sg-2", 22) + "]}, " +
                   "{\"SecurityGroupRuleId\": \"sgr-1\", \"GroupId\": \"sg-3\", \"IsEgress\": false, \"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, \"CidrIpv4\": \"0.0.0.0/0\"}]";
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(Describe(ReadWhole(bytes)), Describe(ReadStreamed(bytes, 5)));
        Assert.Equal(["sg-1", "sg-2", "sg-3"], ReadStreamed(bytes, 5).Select(r => r.Item!.ResourceId));
    }

    [Fact]
    public void A_failed_read_of_the_stream_ends_the_input_with_an_error()
    {
        var json = "{\"SecurityGroups\": [" + string.Join(",", Enumerable.Range(0, 50).Select(i => Group($"sg-{i}", 22))) + "]}";
        using var stream = new FailingStream(Encoding.UTF8.GetBytes(json), failAfter: 2000);
        var results = InputStreamReader.Read(stream, 256).ToList();
        Assert.Contains(results, r => r.Item is not null);
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Contains("cannot read: disk gone", error.Problem, StringComparison.Ordinal);
        Assert.Same(results[^1].Error, error);
    }

    private static string Group(string id, int port) =>
        $"{{\"GroupId\": \"{id}\", \"IpPermissions\": [{{\"IpProtocol\": \"tcp\", \"FromPort\": {port}, \"ToPort\": {port}, \"IpRanges\": [{{\"CidrIp\": \"0.0.0.0/0\"}}]}}]}}";

    internal static List<ReadResult> ReadWhole(byte[] bytes)
    {
        var (document, error) = JsonText.TryParse(bytes, JsonPath.Root);
        if (document is null) return [ReadResult.Failed(error!)];
        using (document) return [.. InputReader.Read(document.RootElement)];
    }

    private static bool WholeTextIsValid(byte[] bytes)
    {
        var (document, _) = JsonText.TryParse(bytes, JsonPath.Root);
        document?.Dispose();
        return document is not null;
    }

    /// <summary>
    /// Streamed, both ways: decoded by the stream's reader on one thread, and by two decoding threads (what a scan does
    /// on several cores) — which must agree exactly.
    /// </summary>
    private static List<ReadResult> ReadStreamed(byte[] bytes, int bufferSize)
    {
        using var one = new MemoryStream(bytes);
        var sequential = InputStreamReader.Read(one, bufferSize, decodingThreads: 0).ToList();
        using var two = new MemoryStream(bytes);
        var parallel = InputStreamReader.Read(two, bufferSize, decodingThreads: 2).ToList();
        Assert.Equal(Describe(sequential), Describe(parallel));
        return sequential;
    }

    /// <summary>Everything a result says, as text, so that two readings compare field by field.</summary>
    internal static List<string> Describe(IEnumerable<ReadResult> results) => [.. results.Select(Describe)];

    private static string Describe(ReadResult result)
    {
        if (result.Error is { } error) return $"error {error.JsonPath}: {error.Problem}";
        var item = result.Item!;
        var text = new StringBuilder($"{item.ResourceType} {item.ResourceId} name={item.ResourceName} context={item.Context} na={item.NotApplicableReason}");
        if (item.Group is { } group)
        {
            text.Append($" group={group.GroupId}|{group.GroupName}|{group.Description}|{group.VpcId}|{group.OwnerId}");
            text.Append(" tags=[").AppendJoin(", ", group.Tags.Select(t => $"{t.Key}={t.Value}")).Append(']');
            foreach (var rule in group.Ingress)
            {
                var source = rule.Source is SecurityGroupSource s
                    ? $"group {s.GroupId}|{s.GroupName}|{s.UserId}|{s.VpcId}|{s.VpcPeeringConnectionId}|{s.PeeringStatus}"
                    : $"{rule.Source.SourceType} {rule.Source.Display}";
                text.Append($"\n  {rule.Protocol.Name} ports={rule.Ports} icmp={rule.Icmp} {source} desc={rule.Description} id={rule.RuleId}");
            }
        }
        return text.ToString();
    }

    /// <summary>A stream whose reads fail after some bytes, as a file on a failing disk does.</summary>
    private sealed class FailingStream(byte[] bytes, int failAfter) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= failAfter) throw new IOException("disk gone");
            return base.Read(buffer, offset, Math.Min(count, failAfter - (int)Position));
        }
    }
}
