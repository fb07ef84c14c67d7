namespace SgConfigRule.Remediation.Ledger;

/// <summary>Which group a ledger entry is about: account, Region and group id.</summary>
public sealed record LedgerKey(string? AccountId, string Region, string GroupId)
{
    public override string ToString() => $"{AccountId ?? "-"}/{Region}/{GroupId}";
}

/// <summary>
/// Where the remediation keeps its memory of each group (<see cref="GroupLedger"/>). Writes are conditional on the
/// version read, so concurrent runs for one group cannot overwrite each other.
/// </summary>
public interface IRemediationLedger
{
    /// <summary>Whether the memory outlives the invocation (false: a local run without a table).</summary>
    bool IsDurable { get; }

    Task<GroupLedger> ReadAsync(LedgerKey key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="replacement"/> (as version <c>read.Version + 1</c>) if the stored version is still <paramref name="read"/>'s; false if someone wrote in between.</summary>
    Task<bool> TryWriteAsync(LedgerKey key, GroupLedger read, GroupLedger replacement, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="claim"/> (a name like <c>claim/account/Region/execution/step/attempt</c>) unless it is
    /// already recorded: true for the first caller only. Claims expire after two days.
    /// </summary>
    Task<bool> TryClaimAsync(string claim, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Read-modify-write with optimistic concurrency, shared by every transition.</summary>
public static class LedgerUpdates
{
    public const int MaxAttempts = 5;

    /// <summary>
    /// Applies <paramref name="transition"/> to the stored ledger until the write lands (or there is nothing to write:
    /// the transition returns the ledger it was given, which is how an already-applied transition shows itself after
    /// a lost answer). Returns the ledger as stored.
    /// </summary>
    public static async Task<GroupLedger> UpdateAsync(IRemediationLedger ledger, LedgerKey key, GroupLedger current,
                                                      Func<GroupLedger, GroupLedger> transition, DateTimeOffset now,
                                                      CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(transition);
        for (var attempt = 1; ; attempt++)
        {
            var next = transition(current);
            if (ReferenceEquals(next, current)) return current;
            next = next.Pruned(now) with { Version = current.Version + 1 };
            if (await ledger.TryWriteAsync(key, current, next, now, cancellationToken).ConfigureAwait(false)) return next;
            if (attempt == MaxAttempts)
            {
                throw new LedgerUnavailableException($"the ledger entry of {key} kept changing during {MaxAttempts} attempts to write it");
            }
            current = await ledger.ReadAsync(key, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands an execution's unpublished removals back to the ledger, trying again until the time budget ends: this is
    /// the last place a removal whose notice could not go out is kept for the next run.
    /// </summary>
    public static async Task<GroupLedger> KeepUndeliveredAsync(IRemediationLedger ledger, LedgerKey key, string executionId,
                                                             IReadOnlyCollection<string> published, DateTime now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var stored = await ledger.ReadAsync(key, now, cancellationToken).ConfigureAwait(false);
                return await UpdateAsync(ledger, key, stored, l => l.WithUndelivered(executionId, now, published), now, cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerUnavailableException) when (!cancellationToken.IsCancellationRequested && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(attempt, 5))), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>A ledger that lives as long as the process: for local runs (<c>invoke remediation</c>) without a table.</summary>
public sealed class InMemoryLedger : IRemediationLedger
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, GroupLedger> entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> claims = new(StringComparer.Ordinal);

    public bool IsDurable => false;

    public Task<GroupLedger> ReadAsync(LedgerKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate) return Task.FromResult(entries.GetValueOrDefault(key.ToString()) ?? GroupLedger.Empty);
    }

    public Task<bool> TryWriteAsync(LedgerKey key, GroupLedger read, GroupLedger replacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        lock (gate)
        {
            var stored = entries.GetValueOrDefault(key.ToString())?.Version ?? 0;
            if (stored != read.Version) return Task.FromResult(false);
            entries[key.ToString()] = replacement;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryClaimAsync(string claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(claim);
        lock (gate) return Task.FromResult(claims.Add(claim));
    }
}
