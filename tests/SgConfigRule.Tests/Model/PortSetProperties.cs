using CsCheck;
using SgConfigRule.Policy.Model;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Model;

/// <summary>
/// PortSet against its reference model, a 65536-bit set (<see cref="PortBits"/>): every operation keeps exactly the
/// ports the model keeps, in the canonical text (sorted, merged, never touching).
/// </summary>
public class PortSetProperties
{
    private const long Iterations = 500;

    private static readonly Gen<(int Start, PortRange[] A, PortRange[] B, PortRange Query)> Case =
        PortGen.WindowStart.SelectMany(start => Gen.Select(
            PortGen.RangeIn(start, 12).Array[0, 6],
            PortGen.RangeIn(start, 12).Array[0, 6],
            PortGen.QueryIn(start),
            (a, b, query) => (start, a, b, query)));

    private static string Print((int Start, PortRange[] A, PortRange[] B, PortRange Query) c) =>
        $"a=[{string.Join(" ", c.A)}] b=[{string.Join(" ", c.B)}] query={c.Query}";

    [Fact]
    public void A_set_holds_exactly_the_ports_of_its_ranges_whatever_their_order()
    {
        Case.Sample(c =>
        {
            var set = PortSet.Of(c.A);
            Assert.Equal(PortBits.Of(c.A).Text, set.ToString());
            Formatting.AssertFormatsAs(PortBits.Of(c.A).Text, set);
            foreach (var range in c.A) Formatting.AssertFormatsAs(PortBits.Of([range]).Text, range);
            Assert.Equal(set, PortSet.Of(c.A.Reverse()));
            Assert.Equal(c.A.Length == 0, set.IsEmpty);
            for (var i = 1; i < set.Ranges.Length; i++)
                Assert.True(set.Ranges[i].From > set.Ranges[i - 1].To + 1, $"{set.Ranges[i - 1]} and {set.Ranges[i]} should be one range");
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Contains_intersects_and_covers_answer_as_the_ports_do()
    {
        Case.Sample(c =>
        {
            var set = PortSet.Of(c.A);
            var model = PortBits.Of(c.A);
            foreach (var port in PortGen.Probes(c.Start))
                Assert.True(model[port] == set.Contains(port), $"Contains({port})");
            var inQuery = Enumerable.Range(c.Query.From, c.Query.Count);
            Assert.Equal(inQuery.Any(p => model[p]), set.Intersects(c.Query));
            Assert.Equal(inQuery.All(p => model[p]), set.Covers(c.Query));
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Intersection_and_complement_within_a_range_split_it_in_two()
    {
        Case.Sample(c =>
        {
            var set = PortSet.Of(c.A);
            var model = PortBits.Of(c.A);
            var inside = set.IntersectWith(c.Query);
            var outside = set.ComplementWithin(c.Query);
            Assert.Equal(PortBits.Where(p => model[p] && PortBits.InRange(p, c.Query)).Text, inside.ToString());
            Assert.Equal(PortSet.Of(inside.Ranges), inside); // canonical: made from its ranges, it is itself
            Assert.Equal(PortBits.Where(p => !model[p] && PortBits.InRange(p, c.Query)).Text, outside.ToString());
            Assert.Equal(PortSet.Of(c.Query), inside.Union(outside));
            Assert.True(inside.IsEmpty == !set.Intersects(c.Query));
            Assert.True(outside.IsEmpty == set.Covers(c.Query));
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Union_holds_the_ports_of_either_set_and_ignores_order()
    {
        Case.Sample(c =>
        {
            var (a, b) = (PortSet.Of(c.A), PortSet.Of(c.B));
            var (modelA, modelB) = (PortBits.Of(c.A), PortBits.Of(c.B));
            Assert.Equal(PortBits.Where(p => modelA[p] || modelB[p]).Text, a.Union(b).ToString());
            Assert.Equal(a.Union(b), b.Union(a));
            Assert.Equal(a, a.Union(a));
            Assert.Equal(a, a.Union(PortSet.Empty));
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Sets_are_equal_exactly_when_their_ports_are()
    {
        Case.Sample(c =>
        {
            var (a, b) = (PortSet.Of(c.A), PortSet.Of(c.B));
            var samePorts = PortBits.Of(c.A).Text == PortBits.Of(c.B).Text;
            Assert.Equal(samePorts, a.Equals(b));
            Assert.Equal(samePorts, a.Equals((object)b));
            // The same ports given one at a time make an equal set, with an equal hash.
            var onePortAtATime = PortSet.Of(c.A.SelectMany(r => Enumerable.Range(r.From, r.Count)).Select(PortRange.Of));
            Assert.Equal(a, onePortAtATime);
            Assert.Equal(a.GetHashCode(), onePortAtATime.GetHashCode());
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void The_text_of_a_set_parses_back_to_the_same_set()
    {
        Case.Sample(c =>
        {
            var set = PortSet.Of(c.A);
            Assert.True(PortSet.TryParse(set.ToString(), out var parsed, out var error), error);
            Assert.Equal(set, parsed);
        }, iter: Iterations, print: Print);
    }
}
