using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SgConfigRule.Remediation.Notification;

/// <summary>
/// Text that came from people or from failing endpoints, made safe for a plain-text email: no character can start a
/// line of its own or hide or reorder text — control characters (Cc), format characters (Cf: bidi overrides and
/// isolates, zero-width characters, soft hyphens, tag characters), line and paragraph separators (Zl, Zp, among them
/// U+2028 and U+2029) and halves of surrogate pairs become spaces — and an HTML error page becomes the words of its
/// title and body on one line.
/// </summary>
public static partial class PlainText
{
    /// <summary>Whether <paramref name="c"/> must not reach an email as it is.</summary>
    public static bool IsUnsafe(char c) => IsUnsafe(char.GetUnicodeCategory(c));

    /// <summary>Whether <paramref name="rune"/> must not reach an email as it is (beyond the BMP too: tag characters U+E0000-E007F are invisible format characters).</summary>
    public static bool IsUnsafe(Rune rune) => IsUnsafe(Rune.GetUnicodeCategory(rune));

    private static bool IsUnsafe(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>At most <paramref name="maxLength"/> characters, "..." at the end when shortened; never half of a surrogate pair.</summary>
    public static string Shorten(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxLength) return text;
        var cut = maxLength - 3;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "...");
    }

    /// <summary>One line: every unsafe character a space.</summary>
    public static string Line(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Replace(text, keepNewLines: false);
    }

    /// <summary>Several lines: <c>\n</c> stays, every other unsafe character is a space.</summary>
    public static string Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Replace(text, keepNewLines: true);
    }

    /// <summary>
    /// An error or note for one line of the email: HTML reduced to its text, whitespace collapsed, at most
    /// <paramref name="maxLength"/> characters.
    /// </summary>
    public static string OneLine(string text, int maxLength = 500)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = LooksLikeHtml(text) ? WebUtility.HtmlDecode(Tags().Replace(Hidden().Replace(text, " "), " ")) : text;
        return Shorten(Spaces().Replace(Line(plain), " ").Trim(), maxLength);
    }

    private static bool LooksLikeHtml(string text) =>
        text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<!doctype", StringComparison.OrdinalIgnoreCase)
        || text.Contains("<body", StringComparison.OrdinalIgnoreCase) || text.Contains("</", StringComparison.Ordinal);

    private static string Replace(string text, bool keepNewLines)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (IsUnsafe(new Rune(c, text[i + 1]))) result.Append(' ');
                else result.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                // Half of a surrogate pair is no character at all.
                result.Append((keepNewLines && c == '\n') || !(IsUnsafe(c) || char.IsSurrogate(c)) ? c : ' ');
            }
        }
        return result.ToString();
    }

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
