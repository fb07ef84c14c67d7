using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SgConfigRule.Tests.Reliability;

/// <summary>How a <see cref="StallingServer"/> treats each request.</summary>
public enum Stall
{
    /// <summary>Accepts the connection, reads the request, never answers.</summary>
    NeverAnswers,

    /// <summary>Sends the status line, the headers (a 2,000-byte body announced) and 100 bytes of it, then nothing.</summary>
    HeadersThenStalls,

    /// <summary>Sends the headers, then the announced body one byte every 100 ms (it would take minutes).</summary>
    TricklesTheBody,
}

/// <summary>
/// A loopback HTTP/1.1 server on raw sockets that misbehaves in ways Kestrel will not: the network failures the fake
/// AWS server cannot inject (an endpoint that accepts and never answers; an answer whose body stops coming). It keeps
/// every connection open until the client closes it or the server is disposed, and records when each request arrived and its connection ended.
/// </summary>
public sealed class StallingServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<(TimeSpan Requested, TimeSpan Closed)> connections = new();
    private readonly ConcurrentBag<Task> handlers = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Task acceptLoop;

    public StallingServer(Stall behaviour)
    {
        Behaviour = behaviour;
        listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        acceptLoop = AcceptAsync();
    }

    public Stall Behaviour { get; }
    public Uri Url { get; }
    public TimeSpan Uptime => clock.Elapsed;

    /// <summary>
    /// Each connection that carried a request: when the request arrived and when the client closed the connection (on
    /// <see cref="Uptime"/>'s clock). A connection the client's pool opened but never used is not counted.
    /// </summary>
    public IReadOnlyList<(TimeSpan Requested, TimeSpan Closed)> Connections => [.. connections.OrderBy(c => c.Requested)];

    /// <summary>
    /// The connections once <paramref name="expected"/> have closed, or after a few seconds: a loaded machine notices
    /// the last close later than the client gives up, and the count, not the moment, is what the tests check.
    /// </summary>
    public async Task<IReadOnlyList<(TimeSpan Requested, TimeSpan Closed)>> ConnectionsAsync(int expected, CancellationToken cancellationToken)
    {
        for (var waited = 0; Connections.Count < expected && waited < 3000; waited += 20) await Task.Delay(20, cancellationToken);
        return Connections;
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            handlers.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            TimeSpan? requested = null;
            try
            {
                // Read until the end of the headers and the announced body (the request is small).
                var received = new StringBuilder();
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await socket.ReceiveAsync(buffer, stop.Token);
                    if (n == 0) return;
                    received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                requested = clock.Elapsed;
                if (Behaviour is Stall.HeadersThenStalls or Stall.TricklesTheBody)
                {
                    var head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: 2000\r\nx-amzn-RequestId: stalled\r\n\r\n";
                    await socket.SendAsync(Encoding.ASCII.GetBytes(head), stop.Token);
                    if (Behaviour == Stall.HeadersThenStalls)
                    {
                        await socket.SendAsync(Encoding.ASCII.GetBytes(new string(' ', 100)), stop.Token);
                    }
                    else
                    {
                        for (var i = 0; i < 2000 && !stop.IsCancellationRequested; i++)
                        {
                            await socket.SendAsync(" "u8.ToArray(), stop.Token);
                            await Task.Delay(100, stop.Token);
                        }
                    }
                }
                // Then nothing: wait for the client to give up (a read of 0 bytes or a reset) or for the server to stop.
                while (await socket.ReceiveAsync(buffer, stop.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client reset the connection, or the server stops.
            }
            finally
            {
                if (requested is { } at) connections.Enqueue((at, clock.Elapsed));
            }
        }
    }

    private int disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        await Task.WhenAll(handlers);
        listener.Dispose();
        stop.Dispose();
    }
}
