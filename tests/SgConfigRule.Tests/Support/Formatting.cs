namespace SgConfigRule.Tests.Support;

/// <summary>Checks a value's in-place formatting (<see cref="ISpanFormattable.TryFormat"/>) against its text.</summary>
internal static class Formatting
{
    /// <summary>
    /// Written in place into any room at least as long as the text, it is the text exactly; into any shorter room it
    /// says it did not fit (false), as the runtime's own interpolation expects before it grows its buffer.
    /// </summary>
    public static void AssertFormatsAs(string expected, ISpanFormattable value)
    {
        Assert.Equal(expected, value.ToString());
        for (var room = 0; room <= expected.Length + 2; room++)
        {
            var destination = new char[room];
            var fits = value.TryFormat(destination, out var written, default, null);
            Assert.True(fits == room >= expected.Length, $"{room} characters of room for \"{expected}\": TryFormat said {fits}");
            if (fits) Assert.Equal(expected, new string(destination, 0, written));
        }
    }
}
