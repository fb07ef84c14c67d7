using System.Globalization;
using CsCheck;
using SgConfigRule.Policy.Evaluation;
using static SgConfigRule.Tests.Support.Build;

namespace SgConfigRule.Tests.Evaluation;

/// <summary>The exemption tag: <c>YYYY-MM-DD [reason]</c>, exempt through the end of that day in UTC, capped by maxExemptionDays.</summary>
public class ExemptionStatusTests
{
    private const string Key = "sg-config-rule:exempt";

    private static readonly DateTimeOffset Now = At("2026-11-26T15:00:00Z");

    [Theory]
    [InlineData("2026-12-31", "Exempt until 2026-12-31")]
    [InlineData("2026-12-31 ", "Exempt until 2026-12-31")]
    [InlineData("2026-12-31    ", "Exempt until 2026-12-31")]
    [InlineData("  2026-12-31 CHG-4711  ", "Exempt until 2026-12-31 (CHG-4711)")]
    [InlineData("2026-12-31   CHG-4711 vendor SFTP", "Exempt until 2026-12-31 (CHG-4711 vendor SFTP)")]
    public void An_active_exemption_names_its_last_day_and_its_reason_when_there_is_one(string value, string note)
    {
        var status = ExemptionStatus.Parse(Key, value, Now, null);
        Assert.True(status.IsExempt);
        Assert.Equal(note, status.Note);
    }

    [Fact]
    public void The_day_is_the_UTC_day_whatever_the_offset_of_the_instant()
    {
        // 23:30 on Dec 31 at UTC-1 is already Jan 1 in UTC; 00:30 on Jan 1 at UTC+1 is still Dec 31 in UTC.
        Assert.False(ExemptionStatus.Parse(Key, "2026-12-31", At("2026-12-31T23:30:00-01:00"), null).IsExempt);
        Assert.True(ExemptionStatus.Parse(Key, "2026-12-31", At("2027-01-01T00:30:00+01:00"), null).IsExempt);
        Assert.True(ExemptionStatus.Parse(Key, "2026-12-31", At("2026-12-31T23:59:59.9999999Z"), null).IsExempt);
        Assert.Equal("Exemption expired 2026-12-31", ExemptionStatus.Parse(Key, "2026-12-31", At("2027-01-01T00:00:00Z"), null).Note);
    }

    [Fact]
    public void An_exemption_holds_from_today_through_maxExemptionDays_ahead_and_says_why_otherwise()
    {
        var instants = Gen.Select(Gen.Int[0, 3650], Gen.Long[0, TimeSpan.TicksPerDay - 1], Gen.Int[-14, 14])
            .Select(t => new DateTimeOffset(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(t.Item1).AddTicks(t.Item2))
                .ToOffset(TimeSpan.FromHours(t.Item3)));
        var caps = Gen.Frequency((1, Gen.Const((int?)null)), (3, Gen.Int[0, 400].Select(d => (int?)d)));
        Gen.Select(instants, Gen.Int[-400, 800], caps, Gen.Bool).Sample((at, daysAhead, cap, withReason) =>
        {
            var until = DateOnly.FromDateTime(at.UtcDateTime).AddDays(daysAhead);
            var date = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var status = ExemptionStatus.Parse(Key, withReason ? date + " CHG-1" : date, at, cap);

            var expected = daysAhead < 0 ? $"Exemption expired {date}"
                : cap is { } max && daysAhead > max ? $"Exemption until {date} refused: over maxExemptionDays {max}"
                : withReason ? $"Exempt until {date} (CHG-1)" : $"Exempt until {date}";
            Assert.Equal(expected, status.Note);
            Assert.Equal(daysAhead >= 0 && (cap is null || daysAhead <= cap), status.IsExempt);
        }, iter: 2000);
    }

    [Fact]
    public void A_malformed_value_of_up_to_40_characters_is_quoted_whole()
    {
        var value = new string('x', 40);
        Assert.Equal($"Exemption tag ignored: '{value}' is not YYYY-MM-DD [reason]", ExemptionStatus.Parse(Key, value, Now, null).Note);
    }

    [Fact]
    public void A_longer_malformed_value_is_quoted_to_37_characters_and_marked()
    {
        var value = "until the migration to the new VPC is done"; // 42 characters
        Assert.Equal("Exemption tag ignored: 'until the migration to the new VPC is...' is not YYYY-MM-DD [reason]",
            ExemptionStatus.Parse(Key, value, Now, null).Note);
        Assert.Equal($"Exemption tag ignored: '{new string('y', 37)}...' is not YYYY-MM-DD [reason]",
            ExemptionStatus.Parse(Key, new string('y', 41), Now, null).Note);
    }

    [Fact]
    public void No_tag_has_nothing_to_say() => Assert.Null(ExemptionStatus.None.Note);
}
