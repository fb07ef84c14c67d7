using System.Globalization;

namespace SgConfigRule.Policy.Evaluation;

/// <summary>
/// The state of a group's exemption tag. The value is <c>YYYY-MM-DD</c>, optionally followed by a space and a reason;
/// the group is exempt through the end of that day in UTC. Anything else — malformed, expired, or (with
/// <c>maxExemptionDays</c>) too far ahead — exempts nothing, and the annotation says why.
/// </summary>
public abstract record ExemptionStatus
{
    private protected ExemptionStatus() { }

    public static ExemptionStatus None { get; } = new NoExemption();

    public virtual bool IsExempt => false;

    /// <summary>What the annotation says about the tag; null when there is no tag.</summary>
    public abstract string? Note { get; }

    /// <summary>Reads the tag value as of <paramref name="at"/>.</summary>
    public static ExemptionStatus Parse(string tagKey, string value, DateTimeOffset at, int? maxExemptionDays)
    {
        var text = value.Trim();
        var datePart = text.Length >= 10 ? text[..10] : text;
        if (!DateOnly.TryParseExact(datePart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)
            || (text.Length > 10 && text[10] != ' '))
        {
            return new MalformedExemption(tagKey, value);
        }
        var reason = text.Length > 10 ? text[11..].Trim() : null;
        if (string.IsNullOrEmpty(reason)) reason = null;
        var today = DateOnly.FromDateTime(at.UtcDateTime);
        if (until < today) return new ExpiredExemption(until, reason);
        if (maxExemptionDays is { } max && until > today.AddDays(max)) return new RefusedExemption(until, reason, max);
        return new ActiveExemption(until, reason);
    }

    private sealed record NoExemption : ExemptionStatus
    {
        public override string? Note => null;
    }
}

public sealed record ActiveExemption(DateOnly Until, string? Reason) : ExemptionStatus
{
    public override bool IsExempt => true;
    public override string Note => Reason is null ? $"Exempt until {Until:yyyy-MM-dd}" : $"Exempt until {Until:yyyy-MM-dd} ({Reason})";
}

public sealed record ExpiredExemption(DateOnly Until, string? Reason) : ExemptionStatus
{
    public override string Note => $"Exemption expired {Until:yyyy-MM-dd}";
}

public sealed record RefusedExemption(DateOnly Until, string? Reason, int MaxExemptionDays) : ExemptionStatus
{
    public override string Note => $"Exemption until {Until:yyyy-MM-dd} refused: over maxExemptionDays {MaxExemptionDays}";
}

public sealed record MalformedExemption(string TagKey, string Value) : ExemptionStatus
{
    public override string Note => $"Exemption tag ignored: '{Shorten(Value)}' is not YYYY-MM-DD [reason]";

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";
}
