using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;
using SgConfigRule.Rule.Handling;
using SgConfigRule.Tests.Rule;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Reliability;

/// <summary>
/// Hostile and malformed input: mutations of real recorded groups, configuration items and Config rule events —
/// truncation, wrong types, huge arrays, deep nesting, unicode, numbers out of range — through the reader and the
/// evaluator, and through the rule function. Every case ends in a verdict or a clear input error, with no crash and no
/// hang; and a group whose offending rule was corrupted is never COMPLIANT.
/// Cases: <c>SGCR_FUZZ_CASES</c> (default 4000 through the policy core, a tenth of that through the function);
/// <c>SGCR_FUZZ_CASES=200000 ./test.sh</c> for a long run.
/// </summary>
public sealed class FuzzTests
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FUZZ_CASES"), out var n) && n > 0 ? n : 4000;
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(5);

    /// <summary>The seeds: every recorded group and item, the CLI's sample account, and the recorded rule events.</summary>
    private static readonly Lazy<List<(string Name, string Json)>> Seeds = new(() =>
    [
        .. new[] { "ec2_api", "config_items", "lambda_events" }
            .SelectMany(TestData.RecordedFiles)
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f))),
        ("sample-account.json", File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "cli", "samples", "sample-account.json"))),
    ]);

    private enum Outcome { Verdict, InputError }

    /// <summary>Failure messages quote inputs and exceptions, but not megabytes of them.</summary>
    private static string Short(string text) => text.Length <= 600 ? text : string.Concat(text.AsSpan(0, 600), $"... ({text.Length} characters)");

    /// <summary>The policy core on one input: verdicts for what it read, errors for what it could not — nothing else may happen.</summary>
    private static (Outcome Outcome, List<string> Verdicts) Evaluate(string json)
    {
        List<ReadResult> results;
        try
        {
            using var document = JsonText.Parse(Encoding.UTF8.GetBytes(json), JsonPath.Root);
            results = InputReader.Read(document.RootElement).ToList();
        }
        catch (InputException)
        {
            return (Outcome.InputError, []);
        }
        var verdicts = new List<string>();
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
                verdicts.Add("ERROR");
                continue;
            }
            var evaluation = Evaluator.Evaluate(result.Item!, PolicyParameters.Default, At);
            Assert.True(evaluation.Annotation is null || evaluation.Annotation.Length <= 256);
            verdicts.Add(evaluation.Compliance.ToWire());
        }
        return (verdicts.Contains("ERROR") ? Outcome.InputError : Outcome.Verdict, verdicts);
    }

    [Fact]
    public void Every_mutation_of_real_input_ends_in_a_verdict_or_an_input_error()
    {
        var random = new Random(20261126);
        var counts = new Dictionary<string, int>();
        var outcomes = new Dictionary<Outcome, int>();
        for (var i = 0; i < Cases; i++)
        {
            var (name, json) = Seeds.Value[random.Next(Seeds.Value.Count)];
            var (kind, mutated) = Mutations.Apply(json, random);
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            var watch = Stopwatch.StartNew();
            (Outcome, List<string>) result;
            try
            {
                result = Evaluate(mutated);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({kind} of {name}) crashed: {Short(e.ToString())}\ninput: {Short(mutated)}");
            }
            Assert.True(watch.Elapsed < HangLimit, $"case {i} ({kind} of {name}) took {watch.Elapsed}");
            outcomes[result.Item1] = outcomes.GetValueOrDefault(result.Item1) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault(Outcome.Verdict) > 0 && outcomes.GetValueOrDefault(Outcome.InputError) > 0, "the mutations should produce both outcomes");
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz (policy core): {Cases} cases; {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}; " +
            $"verdict {outcomes.GetValueOrDefault(Outcome.Verdict)}, input error {outcomes.GetValueOrDefault(Outcome.InputError)}");
    }

    /// <summary>
    /// The safety property: take a group that is NON_COMPLIANT, corrupt a value inside its inbound rules (a wrong type,
    /// a malformed CIDR or port) — the reader must refuse it or still see the violation; it must never call it COMPLIANT.
    /// </summary>
    [Fact]
    public void A_corrupted_rule_never_makes_a_non_compliant_group_compliant()
    {
        var random = new Random(7);
        var nonCompliant = NonCompliantGroups().ToList();
        Assert.True(nonCompliant.Count >= 10, $"only {nonCompliant.Count} non-compliant groups in the recorded data");
        int refused = 0, stillFlagged = 0;
        for (var i = 0; i < Cases / 4; i++)
        {
            var (name, group) = nonCompliant[random.Next(nonCompliant.Count)];
            var corrupted = group.DeepClone();
            var (path, before, after) = Mutations.CorruptInsideRules(corrupted, random);
            var (outcome, verdicts) = Evaluate(corrupted.ToJsonString());
            Assert.False(outcome == Outcome.Verdict && verdicts.Contains("COMPLIANT"),
                $"case {i}: {name} became COMPLIANT after {path}: {before} -> {after}");
            if (outcome == Outcome.InputError) refused++;
            else stillFlagged++;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz (corrupted rules): {Cases / 4} cases on {nonCompliant.Count} non-compliant recorded groups; refused {refused}, still NON_COMPLIANT {stillFlagged}");
    }

    /// <summary>Each recorded group (EC2 shape) that the default policy flags, alone.</summary>
    private static IEnumerable<(string Name, JsonObject Group)> NonCompliantGroups()
    {
        foreach (var (name, json) in Seeds.Value)
        {
            if (JsonNode.Parse(json) is not JsonObject root || root["SecurityGroups"] is not JsonArray groups) continue;
            foreach (var group in groups.OfType<JsonObject>())
            {
                var single = new JsonObject { ["SecurityGroups"] = new JsonArray(group.DeepClone()) };
                if (Evaluate(single.ToJsonString()).Verdicts.SequenceEqual(["NON_COMPLIANT"])) yield return (name, single);
            }
        }
    }

    [Fact]
    public async Task Mutated_rule_events_make_the_function_answer_or_fail_clearly_never_crash()
    {
        var events = Seeds.Value.Where(s => s.Json.Contains("invokingEvent", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(events);
        await using var harness = await RuleHarness.StartAsync();
        var random = new Random(11);
        int answered = 0, failed = 0;
        for (var i = 0; i < Math.Max(100, Cases / 10); i++)
        {
            var (name, json) = events[random.Next(events.Count)];
            // Config rule events carry a result token; give the mutated one a fresh token the endpoint accepts.
            var (kind, mutated) = Mutations.Apply(json, random, mutateInvokingEventToo: true);
            try
            {
                var result = await harness.InvokeAsync(mutated);
                Assert.All(result.Posted, p => Assert.Contains(p.ComplianceType, new[] { "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE" }));
                answered++;
            }
            catch (RuleInvocationException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message), $"case {i} ({kind} of {name}): a failure must say why");
                failed++;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({kind} of {name}) crashed the function: {Short(e.ToString())}");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz (rule function): {answered + failed} events; answered {answered}, failed clearly {failed}");
    }

    [Fact]
    public async Task Mutated_remediation_input_is_answered_and_never_removes_an_allowed_rule()
    {
        await using var harness = await Remediation.RemediationHarness.StartAsync();
        var random = new Random(13);
        var valid = Remediation.RemediationHarness.Input(ruleParameters: """{"blockedPorts":"22","sourceScope":"address"}""");
        var statuses = new Dictionary<SgConfigRule.Remediation.RemediationStatus, int>();
        for (var i = 0; i < Math.Max(100, Cases / 20); i++)
        {
            if (harness.Server.Ec2.FindGroup(Remediation.RemediationHarness.WebGroup) is null) await harness.WebServerWithSshAsync();
            var (kind, mutated) = Mutations.Apply(valid, random);
            SgConfigRule.Remediation.RemediationOutcome outcome;
            try
            {
                outcome = await harness.Function.InvokeAsync(Encoding.UTF8.GetBytes(mutated), TestContext.Current.CancellationToken);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({kind}) crashed the revoke function: {Short(e.ToString())}\ninput: {Short(mutated)}");
            }
            statuses[outcome.Status] = statuses.GetValueOrDefault(outcome.Status) + 1;
            if (outcome.Status == SgConfigRule.Remediation.RemediationStatus.Failed) Assert.False(string.IsNullOrWhiteSpace(outcome.Error));
            Assert.False(string.IsNullOrEmpty(outcome.Message));
            // HTTPS is allowed by every policy the payload can name here, but the mutation may have changed the policy
            // itself: what must hold is that nothing outside the findings of the policy it ran with was removed.
            Assert.All(outcome.Revoked, r => Assert.NotEqual(443, r.FromPort));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz (revoke function): {statuses.Values.Sum()} payloads; {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
    }

    [Fact]
    public async Task The_largest_change_event_Config_sends_is_evaluated_with_a_bounded_annotation()
    {
        // Config sends items over 256 KB as an oversized notification; this one, with 1,000 rules, stays under it.
        await using var harness = await RuleHarness.StartAsync();
        harness.Server.Ec2.AddGroup("sg-0f3c6a1e2b4d58a90", "Web Server Security Group");
        for (var i = 0; i < 1000; i++)
        {
            harness.Server.Ec2.AddIngress("sg-0f3c6a1e2b4d58a90", "tcp", 22, 22, FakeAws.Ec2.Ec2Source.Ipv4($"10.{i / 250}.{i % 250}.0/24"), new string('d', 100));
        }
        var item = harness.ItemFor("sg-0f3c6a1e2b4d58a90", RuleHarness.Now.UtcDateTime.AddMinutes(-1));
        var json = RuleHarness.ChangeEvent(item);
        Assert.InRange(Encoding.UTF8.GetByteCount(json), 150_000, 256_000);
        var result = await harness.InvokeAsync(json);
        var posted = Assert.Single(result.Posted);
        Assert.Equal("NON_COMPLIANT", posted.ComplianceType);
        Assert.True(posted.Annotation!.Length <= 256);
        Assert.Contains("more)", posted.Annotation);
    }
}

/// <summary>Seeded mutations of JSON text: structural damage, type swaps, size and depth bombs, odd unicode, extreme numbers.</summary>
internal static class Mutations
{
    public static (string Kind, string Json) Apply(string json, Random random, bool mutateInvokingEventToo = false)
    {
        var kind = random.Next(9) switch
        {
            8 => "grow-object",
            0 => "truncate",
            1 => "type-swap",
            2 => "huge-array",
            3 => "deep-nesting",
            4 => "unicode",
            5 => "number-extreme",
            6 => "delete-key",
            _ => "byte-flip",
        };
        if (kind == "truncate") return (kind, json[..random.Next(json.Length)]);
        if (kind == "byte-flip")
        {
            var chars = json.ToCharArray();
            for (var k = 0; k < 1 + random.Next(4); k++) chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            return (kind, new string(chars));
        }
        var root = JsonNode.Parse(json)!;
        // Rule events hold the item as a JSON string: mutate inside it too.
        if (mutateInvokingEventToo && root is JsonObject o && o["invokingEvent"] is JsonValue v && v.TryGetValue<string>(out var inner) && random.Next(2) == 0)
        {
            var (innerKind, innerJson) = Apply(inner, random);
            o["invokingEvent"] = innerJson;
            return ("invokingEvent:" + innerKind, root.ToJsonString());
        }
        if (kind == "grow-object")
        {
            // An object-valued field (known to AWS or not), possibly after the fields a reader needs: what Config adds
            // over time (supplementaryConfiguration contents, new envelope fields).
            var objects = All(root).OfType<JsonObject>().ToList();
            var owner = objects[random.Next(objects.Count)];
            var name = new[] { "supplementaryConfiguration", "recordingFrequency", "configurationItemDeliveryTime", "relationships", "x-new-field" }[random.Next(5)];
            owner[name] = random.Next(3) == 0 ? new JsonObject()
                : new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray(1, "two", new JsonObject()) }, ["c"] = new JsonArray() };
            return (kind, root.ToJsonString());
        }
        var nodes = All(root).Where(n => n.Parent is not null).ToList();
        if (nodes.Count == 0) return (kind, json);
        var target = nodes[random.Next(nodes.Count)];
        JsonNode? replacement = kind switch
        {
            "type-swap" => Swap(target, random),
            "huge-array" => new JsonArray([.. Enumerable.Range(0, 2000 + random.Next(3000)).Select(_ => target.DeepClone())]),
            "deep-nesting" => Nest(target.DeepClone(), 70 + random.Next(100)),
            "unicode" => JsonValue.Create(Unicode(random)),
            "number-extreme" => JsonValue.Create(new[] { double.MaxValue, -1d, 65536d, 9007199254740993d, -2147483649d, 1e-300, 1.5 }[random.Next(7)]),
            _ => null,
        };
        if (kind == "delete-key" && target.Parent is JsonObject parentObject)
        {
            parentObject.Remove(target.GetPropertyName());
            return (kind, root.ToJsonString());
        }
        Replace(target, replacement);
        return (kind, root.ToJsonString());
    }

    /// <summary>Replaces a value inside the inbound rules of a DescribeSecurityGroups group with one of the wrong type or form.</summary>
    public static (string Path, string Before, string After) CorruptInsideRules(JsonNode group, Random random)
    {
        var permissions = group["SecurityGroups"]![0]!["IpPermissions"]!;
        var nodes = All(permissions).ToList();
        var target = nodes[random.Next(nodes.Count)];
        var before = target.ToJsonString();
        var path = target.GetPath();
        JsonNode replacement = target switch
        {
            JsonArray => random.Next(2) == 0 ? JsonValue.Create("not a list") : JsonValue.Create(7),
            JsonObject => random.Next(2) == 0 ? JsonValue.Create("not an object") : new JsonArray(),
            JsonValue value when value.GetValueKind() == JsonValueKind.Number => random.Next(2) == 0 ? JsonValue.Create("port twenty-two") : new JsonObject(),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => random.Next(3) switch
            {
                0 => JsonValue.Create(12345),
                1 => new JsonArray(),
                _ => JsonValue.Create(value.GetValue<string>() + "/x!"),
            },
            _ => JsonValue.Create("?"),
        };
        if (ReferenceEquals(target, permissions)) group["SecurityGroups"]![0]!["IpPermissions"] = replacement;
        else Replace(target, replacement);
        return (path, before, replacement.ToJsonString());
    }

    private static IEnumerable<JsonNode> All(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().ToList(),
            JsonArray a => a.OfType<JsonNode>().ToList(),
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in All(child)) yield return descendant;
        }
    }

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;
            case JsonArray list:
                list[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private static JsonNode? Swap(JsonNode node, Random random) => (node, random.Next(5)) switch
    {
        (JsonArray, _) => JsonValue.Create("was a list"),
        (JsonObject, 0) => new JsonArray(),
        (JsonObject, _) => JsonValue.Create(42),
        (_, 0) => null,
        (_, 1) => JsonValue.Create(true),
        (_, 2) => new JsonObject { ["unexpected"] = 1 },
        (_, 3) => new JsonArray(1, 2, 3),
        _ => JsonValue.Create(-99999999999L),
    };

    private static JsonNode Nest(JsonNode node, int depth)
    {
        for (var i = 0; i < depth; i++) node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["x"] = node };
        return node;
    }

    private static string Unicode(Random random) => random.Next(5) switch
    {
        0 => "\u202E22\u202C sg-\u0000\u0007",                    // RTL override, NUL, BEL
        1 => string.Concat(Enumerable.Repeat("\uD83D\uDD25", 5000)), // long emoji
        2 => "0.0.0.0/0\u200B",                                      // zero-width space after a CIDR
        3 => "\uFF10.\uFF10.\uFF10.\uFF10/\uFF10",                   // full-width digits
        _ => new string('\u00e9', 100_000),
    };
}
