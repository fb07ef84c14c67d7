using SgConfigRule.Aws.CloudTrail;
using SgConfigRule.Aws.CloudTrail.Model;

namespace SgConfigRule.Tests.Aws;

/// <summary>The shared page loop: follows tokens, stops at the last page or the page limit, and never loops on a repeated token.</summary>
public sealed class PaginatorTests
{
    /// <summary>Answers page i with the i-th token of a script (null ends).</summary>
    private sealed class ScriptedCloudTrail(params string?[] tokens) : IAmazonCloudTrail
    {
        public List<string?> Asked { get; } = [];

        public Task<LookupEventsResponse> LookupEventsAsync(LookupEventsRequest request, CancellationToken cancellationToken = default)
        {
            Asked.Add(request.NextToken);
            return Task.FromResult(new LookupEventsResponse { NextToken = tokens[Asked.Count - 1] });
        }
    }

    private static async Task<int> CountAsync(IAsyncEnumerable<LookupEventsResponse> pages)
    {
        var count = 0;
        await foreach (var _ in pages) count++;
        return count;
    }

    [Fact]
    public async Task Pages_follow_each_token_until_there_is_none()
    {
        var trail = new ScriptedCloudTrail("a", "b", null);
        Assert.Equal(3, await CountAsync(trail.LookupEventsPages(new LookupEventsRequest(), cancellationToken: TestContext.Current.CancellationToken)));
        Assert.Equal([null, "a", "b"], trail.Asked);
    }

    [Fact]
    public async Task The_page_limit_stops_early()
    {
        var trail = new ScriptedCloudTrail("a", "b", "c", null);
        Assert.Equal(2, await CountAsync(trail.LookupEventsPages(new LookupEventsRequest(), maxPages: 2, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_repeated_token_fails_instead_of_looping()
    {
        var trail = new ScriptedCloudTrail("a", "b", "a", null);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => CountAsync(trail.LookupEventsPages(new LookupEventsRequest(), cancellationToken: TestContext.Current.CancellationToken)));
        Assert.Contains("LookupEvents returned the page token 'a' twice", e.Message);
    }
}
