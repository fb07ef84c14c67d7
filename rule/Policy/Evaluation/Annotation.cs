using System.Globalization;
using System.Text;

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
        var text = new StringBuilder(Fit(prefix, MaxLength));
        for (var i = 0; i < items.Count; i++)
        {
            var separator = i == 0 ? "" : "; ";
            var remaining = items.Count - i - 1;
            var moreSuffix = remaining > 0 ? MoreText(remaining) : "";
            if (text.Length + separator.Length + items[i].Length + moreSuffix.Length <= MaxLength)
            {
                text.Append(separator).Append(items[i]);
                continue;
            }
            var cutSuffix = MoreText(items.Count - i);
            while (text.Length + cutSuffix.Length > MaxLength && text.Length > 0) text.Length--;
            text.Append(cutSuffix);
            return text.ToString();
        }
        return text.ToString();
    }

    /// <summary>Cuts plain text to the limit, marking the cut.</summary>
    public static string Fit(string text, int limit = MaxLength) =>
        text.Length <= limit ? text : string.Concat(text.AsSpan(0, limit - 3), "...");

    private static string MoreText(int count) => string.Create(CultureInfo.InvariantCulture, $" (+{count} more)");
}
