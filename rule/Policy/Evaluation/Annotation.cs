using System.Globalization;

namespace SgConfigRule.Policy.Evaluation;

/// <summary>
/// Builds annotations that fit AWS Config's 256-character limit: whole items are kept while they fit, and what is
/// cut is counted (<c>(+3 more)</c>), so the console never shows a rule cut in half or silently omitted.
/// </summary>
public static class Annotation
{
    public const int MaxLength = 256;

    /// <summary><c>{prefix}{item}; {item}; … (+n more)</c>, at most <see cref="MaxLength"/> characters.</summary>
    public static string Compose(string prefix, IReadOnlyList<string> items)
    {
        // Never longer than the limit (every append below checks it first): built in place, one string at the end.
        Span<char> text = stackalloc char[MaxLength];
        var length = Append(text, 0, Fit(prefix, MaxLength));
        for (var i = 0; i < items.Count; i++)
        {
            if (length + RestLength(items, i) <= MaxLength)
            {
                // Everything left fits whole: no count needed.
                for (var j = i; j < items.Count; j++) length = Append(text, Append(text, length, j == 0 ? "" : "; "), items[j]);
                return new string(text[..length]);
            }
            // Otherwise an item is kept only with room after it for counting the ones that will not fit.
            var separator = i == 0 ? "" : "; ";
            if (length + separator.Length + items[i].Length + MoreTextLength(items.Count - i - 1) <= MaxLength)
            {
                length = Append(text, Append(text, length, separator), items[i]);
                continue;
            }
            var cutSuffix = MoreText(items.Count - i);
            // Only the prefix alone can leave no room for the count (each item kept left room for it): cut the
            // prefix with its "..." marker rather than trim it silently.
            return length + cutSuffix.Length > MaxLength
                ? Fit(prefix, MaxLength - cutSuffix.Length) + cutSuffix
                : string.Concat(text[..length], cutSuffix);
        }
        return new string(text[..length]);
    }

    private static int Append(Span<char> text, int at, string part)
    {
        part.CopyTo(text[at..]);
        return at + part.Length;
    }

    private static int RestLength(IReadOnlyList<string> items, int from)
    {
        var length = 0;
        for (var j = from; j < items.Count; j++) length += (j == 0 ? 0 : 2) + items[j].Length;
        return length;
    }

    /// <summary>Cuts plain text to the limit, marking the cut.</summary>
    public static string Fit(string text, int limit = MaxLength) =>
        text.Length <= limit ? text : string.Concat(text.AsSpan(0, limit - 3), "...");

    private static string MoreText(int count) => string.Create(CultureInfo.InvariantCulture, $" (+{count} more)");

    /// <summary>The length of <see cref="MoreText"/>, without making it (asked once per item that might not fit).</summary>
    private static int MoreTextLength(int count)
    {
        var digits = 1;
        for (; count >= 10; count /= 10) digits++;
        return " (+ more)".Length + digits;
    }
}
