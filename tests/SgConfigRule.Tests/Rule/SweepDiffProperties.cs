using System.Globalization;
using CsCheck;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Input;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Rule.Handling;

namespace SgConfigRule.Tests.Rule;

/// <summary>
/// The sweep that posts only changes, checked statefully over the loopback endpoints: random sequences of edits to an
/// account — groups added, opened and closed to SSH, deleted, exempted until a date, exemptions removed — with the clock
/// advancing and sweeps in between. After every sweep, the results AWS Config holds equal the verdicts a full evaluation
/// of every group would give (the invariant: posting less never leaves a stale verdict behind), and the sweep posted
/// exactly as many evaluations as there were verdicts that differed from what Config held before it.
/// Sequences: SGCR_SWEEP_MODEL_ITER (default 40; each starts its own loopback server).
/// </summary>
public sealed class SweepDiffProperties
{
    private const int Slots = 6;

    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SGCR_SWEEP_MODEL_ITER"), out var n) && n > 0 ? n : 40;

    private enum Kind { Add, OpenSsh, CloseSsh, Delete, Exempt, Unexempt, Advance, Sweep }

    private readonly record struct Op(Kind Kind, int Slot, int Amount)
    {
        public override string ToString() => $"{Kind}({Slot},{Amount})";
    }

    private static readonly Gen<Op> Ops = Gen.Select(
        Gen.Frequency((3, Gen.Const(Kind.Add)), (2, Gen.Const(Kind.OpenSsh)), (2, Gen.Const(Kind.CloseSsh)), (1, Gen.Const(Kind.Delete)),
                      (2, Gen.Const(Kind.Exempt)), (1, Gen.Const(Kind.Unexempt)), (2, Gen.Const(Kind.Advance)), (3, Gen.Const(Kind.Sweep))),
        Gen.Int[0, Slots - 1], Gen.Int[0, 4]).Select(t => new Op(t.Item1, t.Item2, t.Item3));

    private static int sweeps, postedTotal, unchangedSweeps;

    [Fact]
    public async Task After_every_sweep_Config_holds_the_full_evaluation_and_only_the_differences_were_posted()
    {
        await Ops.Array[1, 30].SampleAsync(async ops =>
        {
            await using var harness = await RuleHarness.StartAsync();
            var account = new Account(harness);
            foreach (var op in ops) await account.ApplyAsync(op);
            await account.SweepAndCheckAsync();   // every sequence ends with a sweep
        }, iter: Iterations, threads: 1, print: ops => string.Join(" ", ops));
        TestContext.Current.TestOutputHelper?.WriteLine($"{sweeps} sweeps, {postedTotal} evaluations posted, {unchangedSweeps} sweeps posted nothing");
        if (Iterations >= 20) Assert.True(unchangedSweeps > 0 && postedTotal > 0, $"{sweeps} sweeps, {postedTotal} posted, {unchangedSweeps} posted nothing");
    }

    private sealed class Account(RuleHarness harness)
    {
        private static string Id(int slot) => $"sg-{slot:x17}";

        private FakeEc2 Ec2 => harness.Server.Ec2;

        private DateTime Now => harness.Clock.UtcNow.UtcDateTime;

        public async Task ApplyAsync(Op op)
        {
            var id = Id(op.Slot);
            var group = Ec2.FindGroup(id);
            switch (op.Kind)
            {
                case Kind.Add when group is null:
                    Ec2.AddGroup(id, $"group-{op.Slot}");
                    Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"));
                    Rerecord(id);
                    break;
                case Kind.OpenSsh when group is not null && !Ec2.Rules(id).Any(r => r.FromPort == 22):
                    Ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4("0.0.0.0/0"));
                    Rerecord(id);
                    break;
                case Kind.CloseSsh when group is not null && Ec2.Rules(id).FirstOrDefault(r => r.FromPort == 22) is { } ssh:
                    Ec2.RemoveRule(id, ssh.RuleId);
                    Rerecord(id);
                    break;
                case Kind.Delete when group is not null:
                    Ec2.DeleteGroup(id);
                    harness.Server.Config.RecordDeletion(id, Now);
                    break;
                case Kind.Exempt when group is not null:
                    // Until today (UTC) or up to 4 days ahead: some expire before the next sweep, some after.
                    var until = DateOnly.FromDateTime(Now).AddDays(op.Amount);
                    Ec2.SetTag(id, PolicyParameters.DefaultExemptionTagKey, $"{until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} CHG-{op.Amount}");
                    Rerecord(id);
                    break;
                case Kind.Unexempt when group is not null && group.Tags.ContainsKey(PolicyParameters.DefaultExemptionTagKey):
                    Ec2.RemoveTag(id, PolicyParameters.DefaultExemptionTagKey);
                    Rerecord(id);
                    break;
                case Kind.Advance:
                    harness.Clock.Advance(TimeSpan.FromHours(op.Amount * 11));   // 0 to 44 hours; 0 sweeps twice at one time
                    break;
                case Kind.Sweep:
                    await SweepAndCheckAsync();
                    break;
            }
        }

        private void Rerecord(string id) => harness.Server.Config.Record(harness.Server.Config.SecurityGroupItem(Ec2.FindGroup(id)!, Now));

        public async Task SweepAndCheckAsync()
        {
            var before = harness.Server.Config.LatestResults().ToDictionary(r => r.ResourceId);
            var expected = FullEvaluation(before);
            var differed = expected.Count(e => !before.TryGetValue(e.Key, out var held)
                                              || held.ComplianceType != e.Value.Compliance
                                              || SweepDiff.AsStored(held.Annotation) != SweepDiff.AsStored(e.Value.Annotation));

            var posted = await SweepCostTests.SweepAsync(harness);

            Assert.Equal(differed, posted.Posted);
            var after = harness.Server.Config.LatestResults().ToDictionary(r => r.ResourceId);
            Assert.Equal(expected.Keys.Order(), after.Keys.Order());
            foreach (var (id, verdict) in expected)
            {
                Assert.Equal((id, verdict.Compliance, SweepDiff.AsStored(verdict.Annotation)), (id, after[id].ComplianceType, SweepDiff.AsStored(after[id].Annotation)));
            }
            Interlocked.Increment(ref sweeps);
            Interlocked.Add(ref postedTotal, posted.Posted);
            if (posted.Posted == 0) Interlocked.Increment(ref unchangedSweeps);
        }

        /// <summary>
        /// What evaluating every group from scratch gives, without the sweep: each group Config lists, read from its
        /// recorded item and judged now; each group Config held a result for and that is gone, NOT_APPLICABLE (a gone
        /// group already NOT_APPLICABLE keeps the result it has).
        /// </summary>
        private Dictionary<string, (string Compliance, string? Annotation)> FullEvaluation(Dictionary<string, FakeAws.Config.PostedEvaluation> held)
        {
            var expected = new Dictionary<string, (string, string?)>(StringComparer.Ordinal);
            foreach (var group in Ec2.Groups())
            {
                var recorded = harness.Server.Config.SecurityGroupItem(group, Now);
                var item = ConfigurationItemFields.Read(recorded.ResourceType, recorded.ResourceId, recorded.ResourceName, recorded.Status,
                    recorded.Configuration, null, new ResourceContext(recorded.AccountId, recorded.Region, null, null));
                var evaluation = Evaluator.Evaluate(item, PolicyParameters.Default, harness.Clock.UtcNow, PrefixListCatalog.Empty);
                expected[group.GroupId] = (evaluation.Compliance.ToWire(), evaluation.Annotation);
            }
            foreach (var (id, result) in held.Where(h => !expected.ContainsKey(h.Key)))
            {
                expected[id] = result.ComplianceType == "NOT_APPLICABLE" ? (result.ComplianceType, result.Annotation) : ("NOT_APPLICABLE", "Resource no longer exists");
            }
            return expected;
        }
    }
}
