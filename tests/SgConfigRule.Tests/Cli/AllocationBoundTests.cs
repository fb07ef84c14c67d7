using SgConfigRule.Cli.Scan;

namespace SgConfigRule.Tests.Cli;

public class AllocationBoundTests
{
    [Fact]
    public void Collects_generations_0_and_1_once_the_budget_has_been_allocated()
    {
        var bound = new AllocationBound(1 << 20);
        var collectionsBefore = GC.CollectionCount(1);
        var garbage = 0;
        for (var i = 0; i < 64; i++) garbage += new byte[64 << 10].Length;   // 4 MB, four budgets

        bound.Check();

        Assert.Equal(4 << 20, garbage);
        Assert.Equal(1, bound.Collections);
        Assert.True(GC.CollectionCount(1) > collectionsBefore, "a generation-1 collection ran");
    }

    [Fact]
    public void Does_nothing_until_the_budget_is_reached()
    {
        var bound = new AllocationBound(1L << 40);
        for (var i = 0; i < 1000; i++) bound.Check();
        Assert.Equal(0, bound.Collections);
    }
}
