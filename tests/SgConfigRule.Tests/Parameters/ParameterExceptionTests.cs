using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Tests.Parameters;

/// <summary>The message names the key, and the value when there is one.</summary>
public class ParameterExceptionTests
{
    [Fact]
    public void With_a_value_the_message_quotes_it()
    {
        var e = new ParameterException("blockedPorts", "ssh", "'ssh' is not a port");
        Assert.Equal("rule parameter 'blockedPorts' = 'ssh': 'ssh' is not a port", e.Message);
        Assert.Equal(("blockedPorts", "ssh", "'ssh' is not a port"), (e.Key, e.Value, e.Problem));
    }

    [Fact]
    public void Without_a_value_the_message_names_only_the_key()
    {
        var e = new ParameterException("scopeTagValue", null, "needs scopeTagKey");
        Assert.Equal("rule parameter 'scopeTagValue': needs scopeTagKey", e.Message);
        Assert.Null(e.Value);
    }

    [Fact]
    public void An_error_about_the_whole_parameters_names_no_key()
    {
        var plain = new ParameterException("rule parameters must be a JSON object");
        Assert.Equal(("", null, "rule parameters must be a JSON object"), (plain.Key, plain.Value, plain.Problem));

        var inner = new FormatException("bad");
        var wrapped = new ParameterException("rule parameters are not valid JSON", inner);
        Assert.Equal(("", "rule parameters are not valid JSON"), (wrapped.Key, wrapped.Message));
        Assert.Same(inner, wrapped.InnerException);

        var bare = new ParameterException();
        Assert.Equal(("", "invalid rule parameters"), (bare.Key, bare.Message));
    }
}
