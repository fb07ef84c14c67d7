using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SgConfigRule.Remediation;

/// <summary>How many times one rule may be revoked from a group within a window before the remediation stops.</summary>
public sealed record LoopGuardSettings(int MaxRevokes, int WindowHours)
{
    public static LoopGuardSettings Default { get; } = new(3, 24);

    /// <summary>Zero revokes turns the guard off.</summary>
    public bool Enabled => MaxRevokes > 0;
}

/// <summary>One rule's revocations within the window: its fingerprint, how many, since when (epoch hours), escalated.</summary>
public sealed record LoopGuardEntry(string Fingerprint, int Count, long FirstHour, bool Escalated);

/// <summary>
/// The loop guard's memory of one group, kept in the remediation ledger (where workload owners cannot write — it used
/// to be a tag on the group, which anyone who could tag the group could forge to switch remediation off): per re-added
/// rule, how many times it was revoked in the current window and whether people were told. A rule keeps no identity
/// when it is re-added (a new <c>sgr-</c> id each time), so it is known by a fingerprint of protocol, ports and source.
/// The text form holds entries <c>fingerprint:count:firstHour:e|n</c> separated by spaces, newest last. Pure: the time
/// is passed in.
/// </summary>
public sealed record LoopGuardState(ImmutableArray<LoopGuardEntry> Entries)
{

    public static LoopGuardState Empty { get; } = new(ImmutableArray<LoopGuardEntry>.Empty);

    /// <summary>The fingerprint of a rule: the first 8 hex digits of SHA-256 over protocol, ports and source.</summary>
    public static string Fingerprint(RevokedRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var identity = string.Create(CultureInfo.InvariantCulture, $"{rule.Protocol}|{rule.FromPort}|{rule.ToPort}|{rule.Source}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..8];
    }

    /// <summary>
    /// Reads the text form; a malformed one — or one that claims a window starting in the future or more revokes than
    /// can happen — is reported in <paramref name="problem"/> and read as empty: the guard then starts over, which
    /// revokes, never spares.
    /// </summary>
    public static LoopGuardState Parse(string? value, DateTimeOffset now, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(value)) return Empty;
        var entries = ImmutableArray.CreateBuilder<LoopGuardEntry>();
        foreach (var token in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = token.Split(':');
            if (parts.Length != 4 || parts[0].Length != 8 || !parts[0].All(Uri.IsHexDigit)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 0
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
                || parts[3] is not ("e" or "n")
                || hour > Hour(now) || count > 1000)
            {
                problem = $"the loop guard's stored state '{(value.Length <= 80 ? value : value[..77] + "...")}' is not valid; it was ignored and will be rewritten";
                return Empty;
            }
            entries.Add(new LoopGuardEntry(parts[0], count, hour, parts[3] == "e"));
        }
        return new LoopGuardState(entries.ToImmutable());
    }

    /// <summary>The revocations of a rule inside the window ending at <paramref name="now"/>.</summary>
    public int RevokesWithin(string fingerprint, DateTimeOffset now, int windowHours) => Current(fingerprint, now, windowHours)?.Count ?? 0;

    /// <summary>Whether people were already told that this rule keeps coming back (in the current window).</summary>
    public bool IsEscalated(string fingerprint, DateTimeOffset now, int windowHours) => Current(fingerprint, now, windowHours)?.Escalated ?? false;

    public LoopGuardState WithRevoke(string fingerprint, DateTimeOffset now, int windowHours)
    {
        var current = Current(fingerprint, now, windowHours);
        return With(current is null ? new LoopGuardEntry(fingerprint, 1, Hour(now), false) : current with { Count = current.Count + 1 });
    }

    public LoopGuardState WithEscalation(string fingerprint, DateTimeOffset now, int windowHours)
    {
        var current = Current(fingerprint, now, windowHours) ?? new LoopGuardEntry(fingerprint, 0, Hour(now), false);
        return With(current with { Escalated = true });
    }

    /// <summary>Without the entries whose window has passed.</summary>
    public LoopGuardState Pruned(DateTimeOffset now, int windowHours) =>
        new([.. Entries.Where(e => Hour(now) - e.FirstHour < windowHours)]);

    /// <summary>The text form <see cref="Parse"/> reads.</summary>
    public string Format() =>
        string.Join(' ', Entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Fingerprint}:{e.Count}:{e.FirstHour}:{(e.Escalated ? 'e' : 'n')}")));

    private LoopGuardEntry? Current(string fingerprint, DateTimeOffset now, int windowHours) =>
        Entries.FirstOrDefault(e => e.Fingerprint == fingerprint && Hour(now) - e.FirstHour < windowHours);

    private LoopGuardState With(LoopGuardEntry entry) =>
        new([.. Entries.Where(e => e.Fingerprint != entry.Fingerprint), entry]);

    private static long Hour(DateTimeOffset time) => time.ToUnixTimeSeconds() / 3600;
}
