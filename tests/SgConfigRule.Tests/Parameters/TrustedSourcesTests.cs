using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using static SgConfigRule.Tests.Support.Build;

namespace SgConfigRule.Tests.Parameters;

public class TrustedSourcesTests
{
    private static TrustedSources Trusted(string value) =>
        ParameterParser.Parse($"{{\"trustedSources\":\"{value}\"}}").TrustedSources;

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("pl-0a1b2c3d4e5f67890")]
    [InlineData("sg-12345678")]
    public void One_source_of_any_kind_is_not_empty(string value) => Assert.False(Trusted(value).IsEmpty);

    [Fact]
    public void None_is_empty()
    {
        Assert.True(TrustedSources.None.IsEmpty);
        Assert.True(Trusted(" ").IsEmpty);
        Assert.Equal("", TrustedSources.None.ToString());
    }

    [Fact]
    public void The_parameter_form_lists_cidrs_then_prefix_lists_then_groups_canonically()
    {
        var trusted = Trusted("sg-12345678, pl-0a1b2c3d4e5f67890, 203.0.113.9/24, sg-0fedcba9876543210, 2001:db8::1/32, pl-11111111");
        Assert.Equal("203.0.113.0/24,2001:db8::/32,pl-0a1b2c3d4e5f67890,pl-11111111,sg-12345678,sg-0fedcba9876543210", trusted.ToString());
        Assert.Equal(trusted.ToString(), Trusted(trusted.ToString()).ToString());
    }

    [Fact]
    public void Groups_are_trusted_by_id_and_a_group_known_only_by_name_never_is()
    {
        var trusted = Trusted("sg-12345678");
        Assert.True(trusted.Trusts(Source("sg-12345678")));
        Assert.False(trusted.Trusts(new SecurityGroupSource(null, "web", "111122223333", null, null, null)));
        Assert.False(trusted.Trusts(Source("pl-12345678")));
    }
}
