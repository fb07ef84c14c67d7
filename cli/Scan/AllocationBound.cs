namespace SgConfigRule.Cli.Scan;

/// <summary>
/// Keeps a long scan's memory at the size of a short one. A scan holds one group at a time, so everything it allocates
/// is garbage within a group; but the collector only collects once a generation-0 budget has been allocated, and it
/// sizes that budget from the CPU's cache (85 MB on a machine with a 260 MB L3), so a large scan's peak memory was the
/// budget, not what it holds. Collecting generations 0 and 1 after every <see cref="Budget"/> bytes costs well under a
/// millisecond each (there are almost no survivors) and caps the peak. Generation 1 too: each generation-0 collection
/// promotes the group and buffers in use at that instant, and generation 1 otherwise grew to 100 MB on a 100k scan
/// once the JSON report stopped allocating a large string per flush (whose collections had been trimming it). Settable only by the environment otherwise
/// (<c>DOTNET_GCgen0size</c>), which a tool cannot set for its own process.
/// </summary>
public sealed class AllocationBound(long budget)
{
    /// <summary>The bound <c>scan</c> uses: small enough to keep 1M groups within the memory of 10k.</summary>
    public const long Budget = 16 << 20;

    private long next = GC.GetTotalAllocatedBytes() + budget;

    /// <summary>How many collections this bound has started (for tests and diagnostics).</summary>
    public int Collections { get; private set; }

    /// <summary>Called between groups: collects generations 0 and 1 once the budget has been allocated since the last time.</summary>
    public void Check()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated < next) return;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
        Collections++;
        next = allocated + budget;
    }
}
