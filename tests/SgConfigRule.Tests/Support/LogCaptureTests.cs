namespace SgConfigRule.Tests.Support;

/// <summary>The harnesses' log capture under the load concurrent invocations put on it.</summary>
public class LogCaptureTests
{
    [Fact]
    public async Task Lines_written_from_many_threads_while_a_test_reads_arrive_whole_and_all()
    {
        const int writers = 8, lines = 2000;
        var log = new LogCapture();
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Every read is a prefix of whole lines (a line is written in one synchronized call).
                var text = log.ToString();
                Assert.True(text.Length == 0 || text.EndsWith(Environment.NewLine, StringComparison.Ordinal), "a read saw half a line");
                reads++;
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < lines; i++)
            {
                if (i % 2 == 0) log.Writer.WriteLine($"{{\"writer\":{w},\"line\":{i}}}");
                else log.Writer.WriteLineAsync($"{{\"writer\":{w},\"line\":{i}}}").GetAwaiter().GetResult();
            }
        }, TestContext.Current.CancellationToken)));
        await stop.CancelAsync();
        await reader;

        var written = log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(writers * lines, written.Length);
        Assert.Equal(writers * lines, written.Distinct().Count());
        Assert.All(written, l => Assert.Matches("^\\{\"writer\":[0-9]+,\"line\":[0-9]+\\}$", l));
        Assert.True(reads > 0);
    }
}
