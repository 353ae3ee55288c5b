using Grip.Testing;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>One Pushpin in front of one conformance origin, shared by a test class.</summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private PushpinProcess? _pushpin;
    private TestOrigin? _origin;

    public OriginProbe Probe { get; } = new();

    public PushpinProcess Pushpin => _pushpin ?? throw new InvalidOperationException("Not started.");

    public TestOrigin Origin => _origin ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client URL with a fresh tag; the tag keys the origin's record of the connection.</summary>
    public Uri Url(out string tag, string query = "")
    {
        tag = OriginProbe.NewTag();
        return new Uri(Pushpin.ClientUri, $"/ws?tag={tag}{(query.Length > 0 ? "&" + query : string.Empty)}");
    }

    public async Task InitializeAsync()
    {
        _origin = await TestOrigin.StartAsync(
            ConformanceEndpoint.Map,
            builder => ConformanceEndpoint.AddServices(builder.Services, Probe, () => new TestPublisher(Pushpin.PublishUri)));
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [_origin.Target] });
    }

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
