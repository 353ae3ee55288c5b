using System.Net.WebSockets;
using Grip.Hosting.Development;
using Grip.Protocol;
using Microsoft.Extensions.DependencyInjection;

using static Grip.DevelopmentProxy.Tests.ClientMessages;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// The development proxy's public in-process API (<see cref="GripDevelopmentProxy"/>,
/// <see cref="GripDevelopmentProxyConnection"/>), used directly with a plain ClientWebSocket against
/// real Kestrel, the way Grip.Testing uses it over TestServer.
/// </summary>
[Collection(EchoHandlerState.Name)]
public sealed class InProcessApiTests : IAsyncLifetime
{
    private ProxiedEchoOrigin _origin = null!;

    public async Task InitializeAsync() => _origin = await ProxiedEchoOrigin.StartAsync();

    public async Task DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task A_tagged_client_finds_its_connection_and_reads_what_the_proxy_keeps_for_it()
    {
        // "welcome" comes after the subscribe control message in the OPEN response: both are applied now.
        using var socket = new ClientWebSocket();
        var connection = await ConnectTaggedAsync(socket, "client-a");
        Assert.True(Guid.TryParse(connection.Id, out _));
        var subscriptions = connection.GetSubscriptions();
        Assert.Equal(["room"], subscriptions.Keys);
        Assert.Equal([GripFilters.SkipSelf], subscriptions["room"]);
        Assert.Equal("u-" + connection.Id[..8], connection.GetMeta()["USER"]);
        Assert.Equal(connection.Id, connection.GetSubscriptionMeta()["user"]);   // skip-self names the sender by connection id
        Assert.False(connection.IsDetached);
        Assert.Throws<ArgumentNullException>(() => connection.ObserveControlFrames(null!));
    }

    [Fact]
    public async Task A_client_ping_reaches_the_origin_and_its_pong_reaches_the_observer()
    {
        using var socket = new ClientWebSocket();
        var connection = await ConnectTaggedAsync(socket, "client-p");

        var frame = new TaskCompletionSource<(GripFrameType Type, byte[] Payload)>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ObserveControlFrames((type, payload) => frame.TrySetResult((type, payload)));
        connection.SendClientPing("are you there"u8);

        var (type, payload) = await frame.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(GripFrameType.Pong, type);
        Assert.Equal("are you there"u8.ToArray(), payload);
    }

    [Fact]
    public void Unknown_and_empty_tags()
    {
        var proxy = _origin.Services.GetRequiredService<GripDevelopmentProxy>();
        Assert.False(proxy.TryFindConnection("nobody", out var connection));
        Assert.Null(connection);
        Assert.Throws<ArgumentException>(() => proxy.TryFindConnection("", out _));
        Assert.Throws<ArgumentNullException>(() => proxy.TryFindConnection(null!, out _));
    }

    [Fact]
    public void The_registered_development_publisher_is_the_proxy_publisher() =>
        Assert.Same(_origin.Services.GetRequiredService<GripDevelopmentProxy>().Publisher, _origin.Publisher);

    /// <summary>Connects <paramref name="socket"/> with <paramref name="tag"/>, finds its connection, and reads the handler's "welcome".</summary>
    private async Task<GripDevelopmentProxyConnection> ConnectTaggedAsync(ClientWebSocket socket, string tag)
    {
        socket.Options.SetRequestHeader(GripDevelopmentProxy.ClientTagHeader, tag);
        await socket.ConnectAsync(_origin.WebSocketUri("/ws"), CancellationToken.None);
        var connection = await FindAsync(_origin.Services.GetRequiredService<GripDevelopmentProxy>(), tag);
        Assert.Equal("welcome", await ReceiveTextAsync(socket));
        return connection;
    }

    private static async Task<GripDevelopmentProxyConnection> FindAsync(GripDevelopmentProxy proxy, string tag)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        GripDevelopmentProxyConnection? connection;
        while (!proxy.TryFindConnection(tag, out connection))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No connection with tag '{tag}'.");
            await Task.Delay(5);
        }

        return connection;
    }
}
