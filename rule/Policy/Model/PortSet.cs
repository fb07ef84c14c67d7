using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SgConfigRule.Policy.Model;

/// <summary>
/// An immutable set of TCP/UDP ports kept as sorted, disjoint, non-adjacent ranges, so two sets with the same
/// ports always have the same ranges (<c>22,23</c> is stored as <c>22-23</c>).
/// </summary>
public sealed class PortSet : IEquatable<PortSet>, ISpanFormattable
{
    private PortSet(ImmutableArray<PortRange> ranges) => Ranges = ranges;

    public static PortSet Empty { get; } = new([]);
    public static PortSet AllPorts { get; } = new([PortRange.All]);

    /// <summary>The ranges in ascending order; never overlapping or touching.</summary>
    public ImmutableArray<PortRange> Ranges { get; }

    public bool IsEmpty => Ranges.IsEmpty;

    public static PortSet Of(params IEnumerable<PortRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r.From).ToList();
        var merged = ImmutableArray.CreateBuilder<PortRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.From <= merged[^1].To + 1)
            {
                var last = merged[^1];
                merged[^1] = new PortRange(last.From, Math.Max(last.To, range.To));
            }
            else
            {
                merged.Add(range);
            }
        }
        return merged.Count == 0 ? Empty : new PortSet(merged.ToImmutable());
    }

    /// <summary>
    /// Parses <c>22,3389,8000-8100</c>: ports and inclusive ranges separated by commas, blanks around items allowed.
    /// An empty or blank string is the empty set.
    /// </summary>
    public static bool TryParse(string text, out PortSet set, out string? error)
    {
        set = Empty;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var ranges = new List<PortRange>();
        foreach (var rawItem in text.Split(','))
        {
            var item = rawItem.Trim();
            if (item.Length == 0)
            {
                error = "empty item in the list (two commas in a row, or a comma at an end)";
                return false;
            }
            var dash = item.IndexOf('-', 1);
            var fromText = dash < 0 ? item : item[..dash].Trim();
            var toText = dash < 0 ? item : item[(dash + 1)..].Trim();
            if (!TryParsePort(fromText, out var from) || !TryParsePort(toText, out var to))
            {
                error = $"'{item}' is not a port (0-65535) or a range like 8000-8100";
                return false;
            }
            if (from > to)
            {
                error = $"range '{item}' ends before it starts";
                return false;
            }
            ranges.Add(new PortRange(from, to));
        }
        set = Of(ranges);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
        && text.Length <= 5 && port <= PortRange.MaxPort;

    public bool Contains(int port)
    {
        foreach (var r in Ranges)
        {
            if (port < r.From) return false;
            if (port <= r.To) return true;
        }
        return false;
    }

    public bool Intersects(PortRange range)
    {
        foreach (var r in Ranges)
        {
            if (r.From > range.To) return false;
            if (r.Overlaps(range)) return true;
        }
        return false;
    }

    /// <summary>True when every port of <paramref name="range"/> is in this set.</summary>
    public bool Covers(PortRange range)
    {
        foreach (var r in Ranges)
        {
            if (r.Contains(range)) return true;
            if (r.From > range.From) return false;
        }
        return false;
    }

    /// <summary>The ports of <paramref name="range"/> that are in this set.</summary>
    public PortSet IntersectWith(PortRange range)
    {
        // A rule's range often holds every port of the set (all ports, a wide range): the set itself, nothing new.
        if (IsEmpty || (range.From <= Ranges[0].From && range.To >= Ranges[^1].To)) return this;
        var count = 0;
        foreach (var r in Ranges)
        {
            if (r.Overlaps(range)) count++;
        }
        if (count == 0) return Empty;
        var result = new PortRange[count];
        var i = 0;
        foreach (var r in Ranges)
        {
            if (r.Overlaps(range)) result[i++] = new PortRange(Math.Max(r.From, range.From), Math.Min(r.To, range.To));
        }
        return new PortSet(ImmutableCollectionsMarshal.AsImmutableArray(result));
    }

    /// <summary>The ports of <paramref name="range"/> that are not in this set.</summary>
    public PortSet ComplementWithin(PortRange range)
    {
        var result = ImmutableArray.CreateBuilder<PortRange>();
        var next = range.From;
        foreach (var r in Ranges)
        {
            if (r.To < next) continue;
            if (r.From > range.To) break;
            if (r.From > next) result.Add(new PortRange(next, r.From - 1));
            next = r.To + 1;
            if (next > range.To) break;
        }
        if (next <= range.To) result.Add(new PortRange(next, range.To));
        return result.Count == 0 ? Empty : new PortSet(result.ToImmutable());
    }

    public PortSet Union(PortSet other) => Of(Ranges.Concat(other.Ranges));

    public bool Equals(PortSet? other) => other is not null && Ranges.SequenceEqual(other.Ranges);
    public override bool Equals(object? obj) => Equals(obj as PortSet);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in Ranges) hash.Add(r);
        return hash.ToHashCode();
    }

    /// <summary>The parameter syntax: <c>22,3389,8000-8100</c>; the empty set is the empty string.</summary>
    public override string ToString() => Text.Of(this, static (set, ref text) => text.AppendFormatted(set));

    /// <summary>The text of <see cref="ToString()"/> written in place.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        for (var i = 0; i < Ranges.Length; i++)
        {
            if (i > 0)
            {
                if (charsWritten >= destination.Length) return false;
                destination[charsWritten++] = ',';
            }
            if (!Ranges[i].TryFormat(destination[charsWritten..], out var written)) return false;
            charsWritten += written;
        }
        return true;
    }

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
