using System.Globalization;
using System.Runtime.CompilerServices;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// The texts of the policy's reports made in one pass: each part of a finding (its traffic, its source, its reason)
/// is written into the one text being made, not made as a string of its own to be copied.
/// </summary>
internal static class Text
{
    public delegate void Writer<in T>(T value, ref DefaultInterpolatedStringHandler text);

    /// <summary>The text <paramref name="write"/> writes for <paramref name="value"/> (a static lambda: nothing allocated but the text).</summary>
    public static string Of<T>(T value, Writer<T> write)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture);
        write(value, ref text);
        return text.ToStringAndClear();
    }
}
