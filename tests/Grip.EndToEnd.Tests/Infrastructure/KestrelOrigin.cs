using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>A Kestrel app on 127.0.0.1 with a free port, inside the test process.</summary>
public sealed class KestrelOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelOrigin(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port Kestrel listens on.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, the route target for Pushpin.</summary>
    public string Target => $"127.0.0.1:{Port}";

    /// <summary>The app's services (its <c>IGripPublisher</c>, for example).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The origin's own base URL (bypassing the proxy).</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts an origin; <paramref name="configure"/> maps its endpoints.</summary>
    public static async Task<KestrelOrigin> StartAsync(Action<WebApplication> configure, Action<WebApplicationBuilder>? configureBuilder = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        configure(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelOrigin(app, new Uri(address).Port);
    }

    /// <summary>Stops the origin (used to prove another instance takes over).</summary>
    public async Task StopAsync() => await _app.StopAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);
}
