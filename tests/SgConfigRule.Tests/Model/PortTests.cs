using CsCheck;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

public class PortTests
{
    [Fact]
    public void A_range_cannot_end_before_it_starts_or_leave_0_to_65535()
    {
        Assert.Throws<ArgumentException>(() => new PortRange(23, 22));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(-1, 22));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(0, 65536));
    }

    [Fact]
    public void The_first_and_last_ports_are_ports()
    {
        Assert.Equal("0", PortRange.Of(0).ToString());
        Assert.Equal("65535", PortRange.Of(65535).ToString());
        Assert.Equal(1, PortRange.Of(65535).Count);
        Assert.Equal(65536, PortRange.All.Count);
        Assert.Equal(new PortRange(0, 65535), PortRange.All);
    }

    [Fact]
    public void A_refused_range_says_which_bound_and_why()
    {
        var below = Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(-1, 22));
        Assert.Equal("from", below.ParamName);
        Assert.Equal(-1, below.ActualValue);
        Assert.Contains("a port is 0-65535", below.Message);

        var above = Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(0, 65536));
        Assert.Equal("to", above.ParamName);
        Assert.Equal(65536, above.ActualValue);
        Assert.Contains("a port is 0-65535", above.Message);

        var reversed = Assert.Throws<ArgumentException>(() => new PortRange(23, 22));
        Assert.Equal("to", reversed.ParamName);
        Assert.Contains("port range 23-22 ends before it starts", reversed.Message);
    }

    [Theory]
    [InlineData(0, 65535, true)]
    [InlineData(1, 65535, false)]
    [InlineData(0, 65534, false)]
    [InlineData(22, 22, false)]
    public void Only_0_to_65535_is_all_ports(int from, int to, bool isAll) => Assert.Equal(isAll, new PortRange(from, to).IsAll);

    [Theory]
    [InlineData(21, false)]
    [InlineData(22, true)]
    [InlineData(23, true)]
    [InlineData(25, true)]
    [InlineData(26, false)]
    public void A_range_contains_both_its_ends(int port, bool contained) => Assert.Equal(contained, new PortRange(22, 25).Contains(port));

    [Fact]
    public void Containment_and_overlap_of_ranges_follow_their_ports()
    {
        PortGen.WindowStart.SelectMany(start => Gen.Select(PortGen.RangeIn(start, 8), PortGen.RangeIn(start, 8)))
            .Sample((a, b) =>
            {
                var portsOfB = Enumerable.Range(b.From, b.Count);
                Assert.Equal(portsOfB.Any(p => PortBits.InRange(p, a)), a.Overlaps(b));
                Assert.Equal(a.Overlaps(b), b.Overlaps(a));
                Assert.Equal(portsOfB.All(p => PortBits.InRange(p, a)), a.Contains(b));
                foreach (var port in portsOfB) Assert.Equal(PortBits.InRange(port, a), a.Contains(port));
            }, iter: 1000);
    }

    [Theory]
    [InlineData("22,3389", "22,3389")]
    [InlineData(" 22 , 3389 ", "22,3389")]
    [InlineData("3389,22", "22,3389")]
    [InlineData("22,23,24", "22-24")]
    [InlineData("8000-8100,8050-8200", "8000-8200")]
    [InlineData("0-65535", "0-65535")]
    [InlineData("", "")]
    [InlineData("  ", "")]
    [InlineData("80, 443, 1020-1025", "80,443,1020-1025")]
    public void Lists_normalise_to_sorted_merged_ranges(string text, string normalised)
    {
        Assert.True(PortSet.TryParse(text, out var set, out var error), error);
        Assert.Equal(normalised, set.ToString());
    }

    [Theory]
    [InlineData("22,,3389", "empty item")]
    [InlineData("22,", "empty item")]
    [InlineData("ssh", "'ssh' is not a port")]
    [InlineData("65536", "'65536' is not a port")]
    [InlineData("-1", "'-1' is not a port")]
    [InlineData("100-22", "ends before it starts")]
    [InlineData("22-", "'22-' is not a port")]
    [InlineData("1-2-3", "'1-2-3' is not a port")]
    [InlineData("22.0", "'22.0' is not a port")]
    public void Malformed_lists_name_the_item(string text, string problem)
    {
        Assert.False(PortSet.TryParse(text, out _, out var error));
        Assert.Contains(problem, error);
    }

    [Fact]
    public void Intersection_covering_and_complement_follow_the_ranges()
    {
        var set = PortSet.Of(PortRange.Of(22), PortRange.Of(3389), new PortRange(8000, 8100));
        Assert.True(set.Intersects(new PortRange(20, 25)));
        Assert.False(set.Intersects(new PortRange(23, 3388)));
        Assert.Equal("22,3389", set.IntersectWith(new PortRange(0, 5000)).ToString());
        Assert.Equal("8050-8100", set.IntersectWith(new PortRange(8050, 9000)).ToString());
        // A range that holds every port of the set, to its exact ends, gives the set itself: the usual finding (all
        // traffic, a wide range) makes no new set.
        Assert.Same(set, set.IntersectWith(new PortRange(22, 8100)));
        Assert.Same(set, set.IntersectWith(PortRange.All));
        Assert.Equal("22,3389,8000-8099", set.IntersectWith(new PortRange(22, 8099)).ToString());
        Assert.Equal("3389,8000-8100", set.IntersectWith(new PortRange(23, 8100)).ToString());
        Assert.True(set.Covers(new PortRange(8010, 8020)));
        Assert.False(set.Covers(new PortRange(8090, 8101)));
        Assert.False(set.Covers(new PortRange(21, 22)));
        Assert.Equal("0-21,23-3388,3390-7999,8101-65535", set.ComplementWithin(PortRange.All).ToString());
        Assert.Equal("", PortSet.AllPorts.ComplementWithin(new PortRange(5, 10)).ToString());
        Assert.Equal("5-10", PortSet.Empty.ComplementWithin(new PortRange(5, 10)).ToString());
    }

    [Fact]
    public void Sets_with_the_same_ports_are_equal() =>
        Assert.Equal(PortSet.Of(PortRange.Of(22), PortRange.Of(23)), PortSet.Of(new PortRange(22, 23)));

    [Fact]
    public void Sets_with_different_ports_differ_and_no_set_equals_null_or_another_type()
    {
        var ssh = PortSet.Of(PortRange.Of(22));
        Assert.NotEqual(ssh, PortSet.Of(PortRange.Of(23)));
        Assert.NotEqual(PortSet.Empty, ssh);
        Assert.False(ssh.Equals(null));
        Assert.False(ssh.Equals((object?)null));
        Assert.False(ssh.Equals("22"));
    }

    [Fact]
    public void Different_sets_spread_over_hash_codes()
    {
        // A hash that ignored the ports would still be legal, but would turn every dictionary of sets into a list.
        var hashes = Enumerable.Range(0, 100).Select(p => PortSet.Of(PortRange.Of(p)).GetHashCode()).Distinct().Count();
        Assert.True(hashes > 90, $"100 different sets had only {hashes} different hash codes");
    }

    [Theory]
    [InlineData("22", 0, 21, "0-21")]
    [InlineData("22", 22, 30, "23-30")]
    [InlineData("5-10", 10, 20, "11-20")]
    [InlineData("5-9", 5, 10, "10")]
    [InlineData("20,30", 20, 30, "21-29")]
    [InlineData("100", 0, 10, "0-10")]
    [InlineData("0", 0, 65535, "1-65535")]
    [InlineData("65535", 0, 65535, "0-65534")]
    [InlineData("0,65535", 0, 65535, "1-65534")]
    [InlineData("65534", 65535, 65535, "65535")]
    public void The_complement_within_a_range_stops_at_its_ends(string set, int from, int to, string complement)
    {
        Assert.True(PortSet.TryParse(set, out var ports, out _));
        Assert.Equal(complement, ports.ComplementWithin(new PortRange(from, to)).ToString());
    }
}
