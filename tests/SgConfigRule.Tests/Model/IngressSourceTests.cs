using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Model;

/// <summary>How a finding names where traffic comes from: the kind for machines, the text for people.</summary>
public class IngressSourceTests
{
    [Theory]
    [InlineData("10.1.2.3/8", "ipv4", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "ipv4", "0.0.0.0/0")]
    [InlineData("2001:DB8::1/32", "ipv6", "2001:db8::/32")]
    [InlineData("::/0", "ipv6", "::/0")]
    public void A_CIDR_source_is_of_its_family_and_shown_in_canonical_form(string cidr, string sourceType, string display)
    {
        IngressSource source = new CidrSource(Cidr.Parse(cidr));
        Assert.Equal(sourceType, source.SourceType);
        Assert.Equal(display, source.Display);
        Assert.Equal(display, source.ToString());
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8", true)]
    [InlineData("2001:DB8::1/32", "2001:db8::/32", true)]
    [InlineData("10.0.0.0/8", "10.0.0.0/16", false)]
    [InlineData("0.0.0.0/0", "::/0", false)]
    public void CIDR_sources_are_equal_by_their_CIDR_alone_whether_or_not_one_was_shown(string left, string right, bool equal)
    {
        // The display text is made once and kept on the source: it must never take part in equality, which decides
        // whether Config's two IPv4 lists name one rule or two.
        var shown = new CidrSource(Cidr.Parse(left));
        _ = shown.Display;
        var unshown = new CidrSource(Cidr.Parse(right));
        IngressSource asBase = unshown;

        Assert.Equal(equal, shown == unshown);
        Assert.Equal(equal, shown.Equals(asBase));
        Assert.Equal(equal, asBase.Equals((object)shown));
        if (equal) Assert.Equal(shown.GetHashCode(), unshown.GetHashCode());
        Assert.NotEqual<IngressSource>(shown, new PrefixListSource(left));
        Assert.Same(shown.Display, shown.Display);
    }

    [Fact]
    public void A_prefix_list_source_is_shown_by_its_id()
    {
        IngressSource source = new PrefixListSource("pl-0123456789abcdef0");
        Assert.Equal("prefixList", source.SourceType);
        Assert.Equal("pl-0123456789abcdef0", source.Display);
        Assert.Equal("pl-0123456789abcdef0", source.ToString());
    }

    [Theory]
    [InlineData("sg-0123456789abcdef0", "web", "sg-0123456789abcdef0")]
    [InlineData("sg-0123456789abcdef0", null, "sg-0123456789abcdef0")]
    [InlineData(null, "web", "web")]
    [InlineData(null, null, "(unnamed group)")]
    public void A_group_source_is_shown_by_its_id_else_its_name(string? groupId, string? groupName, string display)
    {
        IngressSource source = new SecurityGroupSource(groupId, groupName, "123456789012", "vpc-1", null, null);
        Assert.Equal("securityGroup", source.SourceType);
        Assert.Equal(display, source.Display);
        Assert.Equal(display, source.ToString());
    }
}
