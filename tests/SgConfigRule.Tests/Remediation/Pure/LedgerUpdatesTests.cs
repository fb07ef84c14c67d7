using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Ledger;
using static SgConfigRule.Tests.Remediation.Pure.Build;

namespace SgConfigRule.Tests.Remediation.Pure;

/// <summary>Read-modify-write with optimistic concurrency (<see cref="LedgerUpdates.UpdateAsync"/>), over the in-memory ledger.</summary>
public sealed class LedgerUpdatesTests
{
    private static readonly LedgerKey Key = new("111122223333", "us-east-1", GroupId);
    private static readonly RevokedRule X = Described("sgr-000000000000000x", 22);
    private static readonly RevokedRule Y = Described("sgr-000000000000000y", 3389);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A ledger that refuses every write, as if someone always wrote in between; it counts what it was asked.</summary>
    private sealed class AlwaysChanging : IRemediationLedger
    {
        public int Reads { get; private set; }
        public int Writes { get; private set; }
        public bool IsDurable => true;

        public Task<GroupLedger> ReadAsync(LedgerKey key, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(GroupLedger.Empty with { Version = Reads });
        }

        public Task<bool> TryWriteAsync(LedgerKey key, GroupLedger read, GroupLedger replacement, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Writes++;
            return Task.FromResult(false);
        }

        public Task<bool> TryClaimAsync(string claim, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new NotSupportedException("no claims in these tests");
    }

    [Fact]
    public void A_key_names_account_Region_and_group()
    {
        Assert.Equal("111122223333/us-east-1/sg-0123456789abcdef0", Key.ToString());
        Assert.Equal("-/eu-west-3/sg-1", new LedgerKey(null, "eu-west-3", "sg-1").ToString());
    }

    [Fact]
    public async Task The_in_memory_ledger_stores_a_version_only_over_the_version_read()
    {
        var ledger = new InMemoryLedger();
        Assert.False(ledger.IsDurable);
        var empty = await ledger.ReadAsync(Key, Now, Cancel);
        Assert.Same(GroupLedger.Empty, empty);

        var first = GroupLedger.Empty.WithIntent("run-a", "exec-a", Now, [X]) with { Version = 1 };
        Assert.True(await ledger.TryWriteAsync(Key, empty, first, Now, Cancel));
        Assert.Same(first, await ledger.ReadAsync(Key, Now, Cancel));
        // Someone wrote since the empty ledger was read: refused, and what is stored stays.
        Assert.False(await ledger.TryWriteAsync(Key, empty, GroupLedger.Empty with { Version = 1 }, Now, Cancel));
        Assert.Same(first, await ledger.ReadAsync(Key, Now, Cancel));
        // Other groups are other entries.
        Assert.Same(GroupLedger.Empty, await ledger.ReadAsync(Key with { GroupId = "sg-other" }, Now, Cancel));
        Assert.Same(GroupLedger.Empty, await ledger.ReadAsync(Key with { AccountId = null }, Now, Cancel));
    }

    [Fact]
    public async Task An_update_writes_the_next_version_pruned()
    {
        var ledger = new InMemoryLedger();
        var old = GroupLedger.Empty.WithIntent("run-old", "exec-old", Now.AddDays(-40), [Y]);
        Assert.True(await ledger.TryWriteAsync(Key, GroupLedger.Empty, old with { Version = 3 }, Now, Cancel));
        var read = await ledger.ReadAsync(Key, Now, Cancel);

        var stored = await LedgerUpdates.UpdateAsync(ledger, Key, read, l => l.WithIntent("run-a", "exec-a", Now, [X]), Now, Cancel);
        Assert.Equal(4, stored.Version);
        // The month-old intent went with the write.
        Assert.Equal(["run-a"], stored.Runs.Select(r => r.RunId));
        Assert.Same(stored, await ledger.ReadAsync(Key, Now, Cancel));
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var ledger = new AlwaysChanging();
        var read = GroupLedger.Empty.WithIntent("run-a", "exec-a", Now, [X]);
        var stored = await LedgerUpdates.UpdateAsync(ledger, Key, read, l => l.WithIntent("run-a", "exec-a", Now, [X]), Now, Cancel);
        Assert.Same(read, stored);
        Assert.Equal((0, 0), (ledger.Reads, ledger.Writes));
    }

    [Fact]
    public async Task A_write_that_lost_the_race_is_decided_again_on_what_was_stored()
    {
        var ledger = new InMemoryLedger();
        var read = await ledger.ReadAsync(Key, Now, Cancel);
        // Another run writes between this run's read and its write.
        await LedgerUpdates.UpdateAsync(ledger, Key, read, l => l.WithIntent("run-b", "exec-b", Now, [Y]), Now, Cancel);

        var applied = 0;
        var stored = await LedgerUpdates.UpdateAsync(ledger, Key, read, l =>
        {
            applied++;
            return l.WithIntent("run-a", "exec-a", Now, [X]);
        }, Now, Cancel);
        Assert.Equal(2, applied);
        Assert.Equal(2, stored.Version);
        Assert.Equal(["run-b", "run-a"], stored.Runs.Select(r => r.RunId));

        // Already applied, as a re-read shows after a lost answer: nothing to write.
        Assert.Same(stored, await LedgerUpdates.UpdateAsync(ledger, Key, stored, l => l.WithIntent("run-a", "exec-a", Now, [X]), Now, Cancel));
    }

    [Fact]
    public async Task An_entry_that_keeps_changing_gives_up_after_five_attempts()
    {
        var ledger = new AlwaysChanging();
        var e = await Assert.ThrowsAsync<LedgerUnavailableException>(() =>
            LedgerUpdates.UpdateAsync(ledger, Key, GroupLedger.Empty, l => l.WithIntent("run-a", "exec-a", Now, [X]), Now, Cancel));
        Assert.Equal("the ledger entry of 111122223333/us-east-1/sg-0123456789abcdef0 kept changing during 5 attempts to write it", e.Message);
        Assert.Equal(5, LedgerUpdates.MaxAttempts);
        Assert.Equal((5, 4), (ledger.Writes, ledger.Reads));
    }
}
