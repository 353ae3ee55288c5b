using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using static Grip.DevelopmentProxy.Tests.ClientMessages;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// The session's timers (the 8-second drop after an invalid control message, keep-alive, delayed
/// send) run on the app's <see cref="TimeProvider"/>: driven here by a fake clock, with a real
/// Kestrel app and a real ClientWebSocket.
/// </summary>
[Collection(EchoHandlerState.Name)]
public sealed class SessionClockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private ProxiedEchoOrigin _origin = null!;

    public async Task InitializeAsync() => _origin = await ProxiedEchoOrigin.StartAsync(_time);

    public async Task DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task An_invalid_control_message_is_logged_with_the_readers_error_and_drops_the_client_8_seconds_later()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));

        await SendTextAsync(client, "bad-control");
        Assert.Equal("bad sent", await ReceiveTextAsync(client));
        var error = Assert.Single(_origin.Logs.GetSnapshot(), e => e.Id.Id == 9007);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("(unknown control message type 'bogus')", error.Message, StringComparison.Ordinal);

        // Just short of 8 s the client is still served.
        _time.Advance(TimeSpan.FromSeconds(8) - TimeSpan.FromMilliseconds(1));
        await SendTextAsync(client, "still");
        Assert.Equal("echo:still", await ReceiveTextAsync(client));

        // At 8 s it is dropped (Pushpin 1.36 never acknowledges the request and cancels the client).
        // (A WebSocketException: the connection is reset, not the 10 s receive timeout running out.)
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<WebSocketException>(() => ReceiveAsync(client));
    }

    [Fact]
    public async Task Keep_alive_and_delayed_messages_run_on_the_sessions_clock()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));

        await SendTextAsync(client, "keepalive");
        Assert.Equal("keepalive on", await ReceiveTextAsync(client));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("still here", await ReceiveTextAsync(client));

        // The next request's answer arriving means the send-delayed before it was carried out.
        await SendTextAsync(client, "delayed");
        await SendTextAsync(client, "x");
        Assert.Equal("echo:x", await ReceiveTextAsync(client));

        // The echo restarted the idle keep-alive (due in 1 s); the delayed message is due in 1 s too.
        _time.Advance(TimeSpan.FromSeconds(1));
        var received = new[] { await ReceiveTextAsync(client), await ReceiveTextAsync(client) };
        Assert.Equal(["later", "still here"], received.Order(StringComparer.Ordinal));
    }
}
