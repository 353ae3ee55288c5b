using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>One Pushpin in front of one conformance origin, shared by a test class.</summary>
public abstract class ConformanceFixture : IAsyncLifetime
{
    private PushpinProcess? _pushpin;
    private KestrelOrigin? _origin;

    public OriginProbe Probe { get; } = new();

    public PushpinProcess Pushpin => _pushpin ?? throw new InvalidOperationException("Not started.");

    public KestrelOrigin Origin => _origin ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client URL with a fresh tag; the tag keys the origin's record of the connection.</summary>
    public Uri Url(out string tag, string query = "")
    {
        tag = OriginProbe.NewTag();
        return new Uri(Pushpin.ClientUri, $"/ws?tag={tag}{(query.Length > 0 ? "&" + query : string.Empty)}");
    }

    public async Task InitializeAsync()
    {
        // The origin's port is chosen first: Pushpin routes to it, and the origin needs Pushpin's GRIP_URL.
        int port = PushpinProcess.GetFreePort();
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{port}"] });
        _origin = await StartOriginAsync(port, _pushpin);
    }

    protected abstract Task<KestrelOrigin> StartOriginAsync(int port, PushpinProcess pushpin);

    public async Task DisposeAsync()
    {
        if (_pushpin is not null)
        {
            await _pushpin.DisposeAsync();
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }
    }
}

/// <summary>
/// The origin is a bare endpoint over Grip.Abstractions only (GripConnection + GripDispatcher): it
/// proves the protocol core's bytes without the hosting layer.
/// </summary>
public sealed class RawEndpointFixture : ConformanceFixture
{
    protected override Task<KestrelOrigin> StartOriginAsync(int port, PushpinProcess pushpin) =>
        KestrelOrigin.StartAsync(
            ConformanceEndpoint.Map,
            builder => ConformanceEndpoint.AddServices(builder.Services, Probe, () => new TestPublisher(pushpin.PublishUri)),
            port);
}

/// <summary>The same handler behind Grip.Hosting: AddGrip (GRIP_URL, Grip-Sig verification, publisher) and MapGripHandler.</summary>
public sealed class HostingEndpointFixture : ConformanceFixture
{
    protected override Task<KestrelOrigin> StartOriginAsync(int port, PushpinProcess pushpin) =>
        KestrelOrigin.StartAsync(
            app =>
            {
                app.Use(ConformanceEndpoint.RecordAsync);
                app.MapGripHandler<ConformanceHandler>("/ws");
            },
            builder =>
            {
                builder.Services.AddSingleton(Probe);
                builder.Services.AddGrip(o => o.GripUrl = pushpin.GripUrl);
            },
            port);
}
