using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SgConfigRule.FakeAws.Infrastructure;

/// <summary>One Kestrel server on 127.0.0.1 and an ephemeral port, answering every request with one handler.</summary>
public sealed class LoopbackHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackHost(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>Where it listens, ending with a slash.</summary>
    public Uri Url { get; }

    /// <param name="handler">Answers every request.</param>
    /// <param name="tls">Serve HTTPS with this certificate (it must name 127.0.0.1); plain HTTP when null.</param>
    public static async Task<LoopbackHost> StartAsync(RequestDelegate handler, X509Certificate2? tls = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (tls is not null) listen.UseHttps(tls);
        }));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
