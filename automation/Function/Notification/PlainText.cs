using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SgConfigRule.Remediation.Notification;

/// <summary>
/// Text that came from people or from failing endpoints, made safe for a plain-text email: no character can start a
/// line of its own or hide or reorder text — control characters (Cc), format characters (Cf: bidi overrides and
/// isolates, zero-width characters, soft hyphens) and line and paragraph separators (Zl, Zp, among them U+2028 and
/// U+2029) become spaces — and an HTML error page becomes the words of its title and body on one line.
/// </summary>
public static partial class PlainText
{
    /// <summary>Whether <paramref name="c"/> must not reach an email as it is.</summary>
    public static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

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
        var collapsed = Spaces().Replace(Line(plain), " ").Trim();
        return collapsed.Length <= maxLength ? collapsed : string.Concat(collapsed.AsSpan(0, maxLength - 3), "...");
    }

    private static bool LooksLikeHtml(string text) =>
        text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<!doctype", StringComparison.OrdinalIgnoreCase)
        || text.Contains("<body", StringComparison.OrdinalIgnoreCase) || text.Contains("</", StringComparison.Ordinal);

    private static string Replace(string text, bool keepNewLines)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text) result.Append((keepNewLines && c == '\n') || !IsUnsafe(c) ? c : ' ');
        return result.ToString();
    }

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
