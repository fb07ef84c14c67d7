using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.FakeAws.Config;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Rule.Handling;

namespace SgConfigRule.Tests.Rule;

/// <summary>
/// What a sweep costs, counted on the loopback endpoints: AWS Config bills each evaluation it records, so the sweep
/// posts only verdicts that differ from the recorded ones (issue 19). Each test counts the calls per API and the
/// evaluations the loopback Config stored, sweep after sweep over the same account.
/// </summary>
public class SweepCostTests
{
    private static readonly DateTime Recorded = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>Calls per API and evaluations stored by one sweep.</summary>
    internal sealed record SweepCount(int List, int BatchGet, int Put, int Recorded, int Other, int Posted)
    {
        public int Calls => List + BatchGet + Put + Recorded + Other;
    }

    /// <summary>Runs one sweep (the scheduled event at the clock's time) and counts what it cost.</summary>
    internal static async Task<SweepCount> SweepAsync(RuleHarness harness, string ruleParameters = "{}")
    {
        harness.Server.ClearCalls();
        var before = harness.Server.Config.Evaluations.Count;
        var time = harness.Clock.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var result = await harness.InvokeAsync(RuleHarness.ScheduledEvent(ruleParameters: ruleParameters, notificationTime: time));
        var posted = harness.Server.Config.Evaluations.Count - before;
        Assert.Equal(posted, result.Posted.Count);
        int Count(string operation) => harness.Server.CountCalls("config", operation);
        var list = Count("ListDiscoveredResources");
        var get = Count("BatchGetResourceConfig");
        var put = Count("PutEvaluations");
        var recorded = Count("GetComplianceDetailsByConfigRule");
        return new SweepCount(list, get, put, recorded, harness.Server.Calls.Count - list - get - put - recorded, posted);
    }

    /// <summary>N groups: every seventh opens SSH to the world; the rest HTTPS only.</summary>
    private static void Groups(RuleHarness harness, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = Id(i);
            harness.Server.Ec2.AddGroup(id, $"group-{i}");
            harness.Server.Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
            if (i % 7 == 0) harness.Server.Ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
        }
        harness.Server.Config.RecordAll(harness.Server.Ec2, Recorded);
    }

    private static string Id(int i) => $"sg-{i:x17}";

    /// <summary>The configuration recorder notices a change to one group.</summary>
    private static void Rerecord(RuleHarness harness, string groupId) =>
        harness.Server.Config.Record(harness.Server.Config.SecurityGroupItem(harness.Server.Ec2.FindGroup(groupId)!, harness.Clock.UtcNow.UtcDateTime));

    private static void AssertWithinBudget(SweepCount count, int groups)
    {
        var chunks = (groups + 99) / 100;
        Assert.Equal(chunks, count.List);
        Assert.Equal(chunks, count.BatchGet);
        Assert.Equal((count.Posted + 99) / 100, count.Put);
        Assert.Equal(0, count.Other);
        // DESIGN §9: a sweep of N groups makes at most 3·⌈N/100⌉ calls plus the pages of recorded results.
        Assert.True(count.Calls <= 3 * chunks + count.Recorded, $"{count.Calls} calls for {groups} groups");
    }

    [Theory]
    [InlineData(250)]
    [InlineData(2_500)]
    public async Task The_first_sweep_posts_every_group_the_second_none_then_only_what_changed(int groups)
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, groups);
        var exempt = Id(groups - 1);
        harness.Server.Ec2.AddIngress(exempt, "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
        harness.Server.Ec2.SetTag(exempt, "sg-config-rule:exempt", "2026-11-30 CHG-4711");
        Rerecord(harness, exempt);

        var first = await SweepAsync(harness);
        Assert.Equal(groups, first.Posted);
        Assert.Equal(1, first.Recorded);                       // nothing recorded yet: one empty page
        AssertWithinBudget(first, groups);

        harness.Clock.Advance(TimeSpan.FromDays(1));
        var second = await SweepAsync(harness);
        Assert.Equal(0, second.Posted);
        Assert.Equal(0, second.Put);
        Assert.Equal((groups + 99) / 100, second.Recorded);     // every recorded result, 100 a page
        AssertWithinBudget(second, groups);

        // One group opens RDP to the world: one evaluation.
        harness.Clock.Advance(TimeSpan.FromDays(1));
        harness.Server.Ec2.AddIngress(Id(1), "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
        Rerecord(harness, Id(1));
        var changed = await SweepAsync(harness);
        Assert.Equal(1, changed.Posted);
        Assert.Equal(1, changed.Put);
        var posted = harness.Server.Config.Evaluations[^1];
        Assert.Equal((Id(1), "NON_COMPLIANT"), (posted.ResourceId, posted.ComplianceType));
        AssertWithinBudget(changed, groups);

        // The exemption ends on 2026-11-30 while nothing about the group changes: the sweep after posts that group only.
        harness.Clock.UtcNow = new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
        var expired = await SweepAsync(harness);
        Assert.Equal(1, expired.Posted);
        posted = harness.Server.Config.Evaluations[^1];
        Assert.Equal((exempt, "NON_COMPLIANT"), (posted.ResourceId, posted.ComplianceType));
        Assert.StartsWith("Exemption expired 2026-11-30. ", posted.Annotation);
        AssertWithinBudget(expired, groups);

        Assert.Equal(0, (await SweepAsync(harness)).Posted);
    }

    [Fact]
    public async Task A_group_gone_is_posted_NOT_APPLICABLE_once_and_a_scope_NOT_APPLICABLE_is_not_posted_again()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 6);
        harness.Server.Ec2.SetTag(Id(2), "tier", "web");
        harness.Server.Ec2.SetTag(Id(3), "tier", "web");
        harness.Server.Config.RecordAll(harness.Server.Ec2, Recorded);
        const string scoped = """{"scopeTagKey":"tier","scopeTagValue":"web"}""";
        Assert.Equal(6, (await SweepAsync(harness, scoped)).Posted);
        Assert.Equal(4, harness.Server.Config.LatestResults().Count(r => r.ComplianceType == "NOT_APPLICABLE"));

        harness.Server.Ec2.DeleteGroup(Id(3));
        harness.Server.Config.RecordDeletion(Id(3), Recorded.AddHours(1));
        harness.Clock.Advance(TimeSpan.FromDays(1));
        var gone = await SweepAsync(harness, scoped);
        Assert.Equal(1, gone.Posted);
        var posted = harness.Server.Config.Evaluations[^1];
        Assert.Equal((Id(3), "NOT_APPLICABLE", "Resource no longer exists"), (posted.ResourceId, posted.ComplianceType, posted.Annotation));

        harness.Clock.Advance(TimeSpan.FromDays(1));
        var after = await SweepAsync(harness, scoped);
        Assert.Equal((0, 0), (after.Posted, after.Put));
    }

    [Fact]
    public async Task With_fullRepostDays_an_unchanged_verdict_is_posted_again_once_its_result_is_that_old()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 20);
        const string repost = """{"fullRepostDays":"7"}""";
        Assert.Equal(20, (await SweepAsync(harness, repost)).Posted);

        // Half the groups change on day 3, so their results are newer; on day 7 only the others are 7 days old.
        harness.Clock.Advance(TimeSpan.FromDays(3));
        for (var i = 0; i < 10; i++)
        {
            harness.Server.Ec2.AddIngress(Id(i), "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
            Rerecord(harness, Id(i));
        }
        Assert.Equal(10, (await SweepAsync(harness, repost)).Posted);

        harness.Clock.Advance(TimeSpan.FromDays(3));                        // day 6: nothing is 7 days old
        Assert.Equal(0, (await SweepAsync(harness, repost)).Posted);
        harness.Clock.Advance(TimeSpan.FromDays(1));                        // day 7: the ten unchanged since day 0
        var refreshed = await SweepAsync(harness, repost);
        Assert.Equal(10, refreshed.Posted);
        Assert.Equal(Enumerable.Range(10, 10).Select(Id), harness.Server.Config.Evaluations.TakeLast(10).Select(e => e.ResourceId).Order());
        harness.Clock.Advance(TimeSpan.FromDays(3));                        // day 10: the changed ten, last posted day 3
        Assert.Equal(10, (await SweepAsync(harness, repost)).Posted);
        // Without the parameter the same state posts nothing.
        Assert.Equal(0, (await SweepAsync(harness)).Posted);
        // 0 re-posts everything on every sweep.
        Assert.Equal(20, (await SweepAsync(harness, """{"fullRepostDays":"0"}""")).Posted);
    }

    [Fact]
    public async Task An_annotation_at_Configs_256_character_limit_is_recognised_as_unchanged()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 1);
        // Forty ports open to the world: the annotation is cut to fit Config's 256 characters.
        for (var port = 1000; port < 1040; port++) harness.Server.Ec2.AddIngress(Id(0), "tcp", port, port, Ec2Source.Ipv4("0.0.0.0/0"));
        harness.Server.Config.RecordAll(harness.Server.Ec2, Recorded);
        Assert.Equal(1, (await SweepAsync(harness, """{"blockedPorts":"1000-1100"}""")).Posted);
        Assert.InRange(harness.Server.Config.Evaluations[0].Annotation!.Length, 240, 256);
        Assert.Contains("more)", harness.Server.Config.Evaluations[0].Annotation, StringComparison.Ordinal);

        harness.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, (await SweepAsync(harness, """{"blockedPorts":"1000-1100"}""")).Posted);
    }

    [Fact]
    public void Annotations_are_compared_as_Config_keeps_them()
    {
        var at = Recorded;
        var a256 = new string('a', 256);
        // Cut at 256 on both sides before comparing; no annotation is the same as an empty one.
        Assert.Null(SweepDiff.ReasonToPost("NON_COMPLIANT", a256 + "tail", new RecordedVerdict("NON_COMPLIANT", a256, at), at, null));
        Assert.Null(SweepDiff.ReasonToPost("NON_COMPLIANT", a256, new RecordedVerdict("NON_COMPLIANT", a256 + "more", at), at, null));
        Assert.Null(SweepDiff.ReasonToPost("COMPLIANT", null, new RecordedVerdict("COMPLIANT", "", at), at, null));
        Assert.Null(SweepDiff.ReasonToPost("COMPLIANT", "", new RecordedVerdict("COMPLIANT", null, at), at, null));
        // A difference within the first 256 characters, or in case, or a missing one, is a change.
        Assert.Equal(PostReason.Changed, SweepDiff.ReasonToPost("NON_COMPLIANT", a256, new RecordedVerdict("NON_COMPLIANT", new string('a', 255) + "b", at), at, null));
        Assert.Equal(PostReason.Changed, SweepDiff.ReasonToPost("NON_COMPLIANT", "Port 22", new RecordedVerdict("NON_COMPLIANT", "port 22", at), at, null));
        Assert.Equal(PostReason.Changed, SweepDiff.ReasonToPost("NON_COMPLIANT", "Port 22", new RecordedVerdict("NON_COMPLIANT", null, at), at, null));
        Assert.Equal(PostReason.Changed, SweepDiff.ReasonToPost("NON_COMPLIANT", "x", new RecordedVerdict("COMPLIANT", "x", at), at, null));
        Assert.Equal(PostReason.New, SweepDiff.ReasonToPost("COMPLIANT", null, null, at, 0));
    }

    [Fact]
    public void A_recorded_result_is_read_with_the_time_Config_recorded_it_or_else_its_ordering_time()
    {
        static EvaluationResult Result(string? id, string? compliance, DateTime? recorded, DateTime? ordering) => new()
        {
            EvaluationResultIdentifier = new EvaluationResultIdentifier
            {
                EvaluationResultQualifier = new EvaluationResultQualifier { ConfigRuleName = "sg-config-rule", ResourceType = "AWS::EC2::SecurityGroup", ResourceId = id },
                OrderingTimestamp = ordering,
            },
            ComplianceType = compliance,
            Annotation = "Exempt until 2026-12-01",
            ResultRecordedTime = recorded,
        };
        var captured = Recorded.AddDays(-40);   // a change evaluation is ordered at the item's capture time, long before
        var read = RecordedVerdict.From(Result("sg-1", "COMPLIANT", Recorded, captured));
        Assert.Equal(("AWS::EC2::SecurityGroup", "sg-1", new RecordedVerdict("COMPLIANT", "Exempt until 2026-12-01", Recorded)), read);
        Assert.Equal(captured, RecordedVerdict.From(Result("sg-1", "COMPLIANT", null, captured))!.Value.Verdict.RecordedAt);
        Assert.Null(RecordedVerdict.From(Result("sg-1", "COMPLIANT", null, null))!.Value.Verdict.RecordedAt);
        // Results that name no resource or no compliance type are not taken as a verdict.
        Assert.Null(RecordedVerdict.From(Result(null, "COMPLIANT", Recorded, null)));
        Assert.Null(RecordedVerdict.From(Result("", "COMPLIANT", Recorded, null)));
        Assert.Null(RecordedVerdict.From(Result("sg-1", null, Recorded, null)));
        Assert.Null(RecordedVerdict.From(new EvaluationResult { ComplianceType = "COMPLIANT" }));
    }

    [Fact]
    public void FullRepostDays_counts_whole_days_from_when_Config_recorded_the_result()
    {
        var at = Recorded;
        var same = new RecordedVerdict("COMPLIANT", null, at);
        Assert.Null(SweepDiff.ReasonToPost("COMPLIANT", null, same, at.AddDays(7).AddTicks(-1), 7));
        Assert.Equal(PostReason.Refresh, SweepDiff.ReasonToPost("COMPLIANT", null, same, at.AddDays(7), 7));
        Assert.Null(SweepDiff.ReasonToPost("COMPLIANT", null, same, at.AddDays(700), null));
        Assert.Equal(PostReason.Refresh, SweepDiff.ReasonToPost("COMPLIANT", null, same, at, 0));
        // No recorded time: refreshed when asked to refresh (safe), left alone otherwise.
        Assert.Equal(PostReason.Refresh, SweepDiff.ReasonToPost("COMPLIANT", null, same with { RecordedAt = null }, at, 30));
        Assert.Null(SweepDiff.ReasonToPost("COMPLIANT", null, same with { RecordedAt = null }, at, null));
        // A change is a change whatever the age.
        Assert.Equal(PostReason.Changed, SweepDiff.ReasonToPost("NON_COMPLIANT", null, same, at.AddDays(30), 7));
    }

    [Fact]
    public async Task A_sweep_that_fails_midway_posts_what_changed_fails_and_its_retry_posts_the_rest_once()
    {
        await using var harness = await RuleHarness.StartAsync();
        Groups(harness, 300);
        Assert.Equal(300, (await SweepAsync(harness)).Posted);

        // Every group changes; the second batch get fails for good, so only the first 100 are evaluated.
        harness.Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < 300; i++)
        {
            harness.Server.Ec2.AddIngress(Id(i), "tcp", 3389, 3389, Ec2Source.Ipv4("0.0.0.0/0"));
            Rerecord(harness, Id(i));
        }
        harness.Server.Faults.Add(new FaultRule("config", "BatchGetResourceConfig", FaultKind.ServerError) { Skip = 1, Times = 1_000 });
        var before = harness.Server.Config.Evaluations.Count;
        var e = await Assert.ThrowsAsync<RuleInvocationException>(() => harness.InvokeAsync(RuleHarness.ScheduledEvent(notificationTime: "2026-11-27T12:00:00.000Z")));
        Assert.Equal(100, e.Result.Posted.Count);
        Assert.Equal(100, harness.Server.Config.Evaluations.Count - before);
        // Config still holds the old verdicts of the 200 not reached, which the retry compares: it posts exactly those.
        Assert.Equal(100, harness.Server.Config.LatestResults().Count(r => r.Annotation?.Contains("3389", StringComparison.Ordinal) == true));

        harness.Server.Faults.Clear();
        var retry = await SweepAsync(harness);
        Assert.Equal(200, retry.Posted);
        Assert.All(harness.Server.Config.LatestResults(), r => Assert.Equal("NON_COMPLIANT", r.ComplianceType));
    }
}
