using SgConfigRule.Remediation;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>The loop guard's memory of a group: its text form, its window, its counts and escalations.</summary>
public sealed class LoopGuardStateTests
{
    // Now is 2026-11-26T12:00Z: epoch hour 498804.
    private const long Hour = 498804;
    private const string Ssh = "8232e7f8";
    private const string All = "f07d00eb";

    [Fact]
    public void Settings_default_to_three_in_a_day_and_zero_turns_the_guard_off()
    {
        Assert.Equal(new LoopGuardSettings(3, 24), LoopGuardSettings.Default);
        Assert.True(LoopGuardSettings.Default.Enabled);
        Assert.True(new LoopGuardSettings(1, 1).Enabled);
        Assert.False(new LoopGuardSettings(0, 24).Enabled);
    }

    [Fact]
    public void A_rule_is_known_by_its_protocol_ports_and_source()
    {
        Assert.Equal(Ssh, LoopGuardState.Fingerprint(Described("sgr-1", 22)));
        Assert.Equal(All, LoopGuardState.Fingerprint(Described("sgr-1", -1, "::/0", protocol: "-1", sourceType: "ipv6")));
        // Not its id (a re-added rule gets a new one), its description or its reason.
        Assert.Equal(Ssh, LoopGuardState.Fingerprint(Described("sgr-2", 22, description: "again") with { Reason = "other", Display = "other" }));
        Assert.NotEqual(Ssh, LoopGuardState.Fingerprint(Described("sgr-1", 22) with { ToPort = 23 }));
        Assert.NotEqual(Ssh, LoopGuardState.Fingerprint(Described("sgr-1", 22) with { FromPort = 21 }));
        Assert.NotEqual(Ssh, LoopGuardState.Fingerprint(Described("sgr-1", 22, protocol: "udp")));
        Assert.NotEqual(Ssh, LoopGuardState.Fingerprint(Described("sgr-1", 22, "10.0.0.0/8")));
    }

    [Fact]
    public void The_text_form_reads_back_what_it_writes()
    {
        var state = LoopGuardState.Empty.WithRevoke(Ssh, Now, 24).WithRevoke(Ssh, Now.AddHours(1), 24).WithRevoke(All, Now.AddHours(2), 24)
            .WithEscalation(All, Now.AddHours(2), 24);
        var text = state.Format();
        Assert.Equal($"{Ssh}:2:{Hour}:n {All}:1:{Hour + 2}:e", text);
        var read = LoopGuardState.Parse(text, Now.AddHours(2), out var problem);
        Assert.Null(problem);
        Assert.Equal(state.Entries, read.Entries);
        Assert.Equal(text, read.Format());
        Assert.Equal("", LoopGuardState.Empty.Format());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_text_is_no_memory(string? text)
    {
        Assert.Empty(LoopGuardState.Parse(text, Now, out var problem).Entries);
        Assert.Null(problem);
    }

    [Fact]
    public void Extra_spaces_and_capital_hex_digits_are_read()
    {
        var read = LoopGuardState.Parse($"  {Ssh}:1:{Hour}:n   8232E7F9:1000:{Hour}:e ", Now, out var problem);
        Assert.Null(problem);
        Assert.Equal([new LoopGuardEntry(Ssh, 1, Hour, false), new LoopGuardEntry("8232E7F9", 1000, Hour, true)], read.Entries);
        Assert.Equal(0, LoopGuardState.Parse($"{Ssh}:0:0:n", Now, out problem).Entries[0].Count);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("8232e7f8:1:498804")]
    [InlineData("8232e7f8:1:498804:n:x")]
    [InlineData("8232e7f:1:498804:n")]
    [InlineData("8232e7f81:1:498804:n")]
    [InlineData("8232e7fg:1:498804:n")]
    [InlineData("8232e7f8:-1:498804:n")]
    [InlineData("8232e7f8:+1:498804:n")]
    [InlineData("8232e7f8:1001:498804:n")]
    [InlineData("8232e7f8:x:498804:n")]
    [InlineData("8232e7f8:1:-5:n")]
    [InlineData("8232e7f8:1:4988.04:n")]
    [InlineData("8232e7f8:1:498805:n")]
    [InlineData("8232e7f8:1:498804:E")]
    [InlineData("8232e7f8:1:498804:")]
    [InlineData("8232e7f8:1:498804:n f07d00eb:1:498804:y")]
    public void A_malformed_or_impossible_memory_is_ignored_and_said_so(string text)
    {
        var read = LoopGuardState.Parse(text, Now, out var problem);
        Assert.Empty(read.Entries);
        Assert.Equal($"the loop guard's stored state '{text}' is not valid; it was ignored and will be rewritten", problem);
    }

    [Fact]
    public void A_long_malformed_memory_is_quoted_shortened()
    {
        var eighty = new string('z', 80);
        LoopGuardState.Parse(eighty, Now, out var problem);
        Assert.Contains($"'{eighty}'", problem);
        var longer = new string('z', 81);
        LoopGuardState.Parse(longer, Now, out problem);
        Assert.Equal($"the loop guard's stored state '{new string('z', 77)}...' is not valid; it was ignored and will be rewritten", problem);
    }

    [Fact]
    public void Revokes_count_within_the_window_and_start_over_after_it()
    {
        var state = LoopGuardState.Empty.WithRevoke(Ssh, Now, 24);
        Assert.Equal([new LoopGuardEntry(Ssh, 1, Hour, false)], state.Entries);
        Assert.Equal(1, state.RevokesWithin(Ssh, Now.AddHours(23), 24));
        Assert.Equal(0, state.RevokesWithin(Ssh, Now.AddHours(24), 24));
        Assert.Equal(0, state.RevokesWithin(All, Now, 24));
        Assert.Equal(0, state.RevokesWithin(Ssh, Now, 0));

        // Within the window: counted on, from the first revoke's hour.
        var twice = state.WithRevoke(Ssh, Now.AddHours(23), 24);
        Assert.Equal([new LoopGuardEntry(Ssh, 2, Hour, false)], twice.Entries);
        // After it: a new window.
        var again = twice.WithRevoke(Ssh, Now.AddHours(24), 24);
        Assert.Equal([new LoopGuardEntry(Ssh, 1, Hour + 24, false)], again.Entries);
        Assert.Equal(1, again.RevokesWithin(Ssh, Now.AddHours(24), 24));
        // A shorter window for the same memory.
        Assert.Equal(0, twice.RevokesWithin(Ssh, Now.AddHours(1), 1));
        Assert.Equal(2, twice.RevokesWithin(Ssh, Now.AddMinutes(59), 1));
    }

    [Fact]
    public void The_rule_changed_last_is_written_last_and_others_are_kept()
    {
        var state = LoopGuardState.Empty.WithRevoke(Ssh, Now, 24).WithRevoke(All, Now, 24).WithRevoke(Ssh, Now, 24);
        Assert.Equal([new LoopGuardEntry(All, 1, Hour, false), new LoopGuardEntry(Ssh, 2, Hour, false)], state.Entries);
    }

    [Fact]
    public void An_escalation_is_remembered_for_the_window()
    {
        var state = LoopGuardState.Empty.WithRevoke(Ssh, Now, 24).WithRevoke(Ssh, Now, 24);
        Assert.False(state.IsEscalated(Ssh, Now, 24));
        var escalated = state.WithEscalation(Ssh, Now.AddHours(3), 24);
        Assert.Equal([new LoopGuardEntry(Ssh, 2, Hour, true)], escalated.Entries);
        Assert.True(escalated.IsEscalated(Ssh, Now.AddHours(23), 24));
        Assert.False(escalated.IsEscalated(Ssh, Now.AddHours(24), 24));
        Assert.False(escalated.IsEscalated(All, Now, 24));
        // A further revoke keeps it escalated.
        Assert.True(escalated.WithRevoke(Ssh, Now.AddHours(4), 24).IsEscalated(Ssh, Now.AddHours(4), 24));
        Assert.Equal(3, escalated.WithRevoke(Ssh, Now.AddHours(4), 24).RevokesWithin(Ssh, Now.AddHours(4), 24));

        // Escalating a rule with no count in the window starts one at zero.
        Assert.Equal([new LoopGuardEntry(All, 0, Hour, true)], LoopGuardState.Empty.WithEscalation(All, Now, 24).Entries);
        var late = escalated.WithEscalation(Ssh, Now.AddHours(30), 24);
        Assert.Equal([new LoopGuardEntry(Ssh, 0, Hour + 30, true)], late.Entries);
    }

    [Fact]
    public void Pruning_sheds_only_what_left_the_window()
    {
        var state = LoopGuardState.Empty.WithRevoke(Ssh, Now, 24).WithRevoke(All, Now.AddHours(5), 24);
        Assert.Equal(state.Entries, state.Pruned(Now.AddHours(23), 24).Entries);
        Assert.Equal([new LoopGuardEntry(All, 1, Hour + 5, false)], state.Pruned(Now.AddHours(24), 24).Entries);
        Assert.Empty(state.Pruned(Now.AddHours(29), 24).Entries);
        Assert.Equal(state.Entries, state.Pruned(Now.AddHours(5), 6).Entries);
        Assert.Single(state.Pruned(Now.AddHours(6), 6).Entries);
    }
}
