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
}
