using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Tests.Parameters;

public class SourceScopeTests
{
    [Theory]
    [InlineData(SourceScope.World, "world")]
    [InlineData(SourceScope.Public, "public")]
    [InlineData(SourceScope.Address, "address")]
    [InlineData(SourceScope.All, "all")]
    public void Each_scope_has_its_parameter_value_and_reads_back_from_it(SourceScope scope, string value)
    {
        Assert.Equal(value, scope.ToParameterValue());
        Assert.True(SourceScopeNames.TryParse(value, out var parsed));
        Assert.Equal(scope, parsed);
    }

    [Fact]
    public void Every_scope_round_trips() =>
        Assert.All(Enum.GetValues<SourceScope>(), scope =>
        {
            Assert.True(SourceScopeNames.TryParse(scope.ToParameterValue(), out var parsed));
            Assert.Equal(scope, parsed);
        });

    [Theory]
    [InlineData("World")]
    [InlineData("internet")]
    [InlineData("")]
    public void Other_text_is_no_scope(string text) => Assert.False(SourceScopeNames.TryParse(text, out _));

    [Fact]
    public void An_undefined_scope_has_no_parameter_value() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SourceScope)42).ToParameterValue());
}
