using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using System.Text;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>One whole message (or the close) a client received.</summary>
public sealed record Received(WebSocketMessageType Type, byte[] Data, WebSocketCloseStatus? CloseStatus = null, string? CloseDescription = null)
{
    public string Text => Encoding.UTF8.GetString(Data);

    public bool IsClose => Type == WebSocketMessageType.Close;

    public override string ToString() => IsClose ? $"close {(int?)CloseStatus} {CloseDescription}" : $"{Type} {(Type == WebSocketMessageType.Text ? Text : Convert.ToHexString(Data))}";
}

/// <summary>Helpers around <see cref="ClientWebSocket"/> with timeouts, so a lost message fails a test instead of hanging it.</summary>
public static class WebSocketTestClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null, TimeSpan? timeout = null)
    {
        var ws = new ClientWebSocket();
        configure?.Invoke(ws.Options);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await ws.ConnectAsync(uri, cts.Token);
        }
        catch
        {
            ws.Dispose();
            throw;
        }

        return ws;
    }

    public static Task SendTextAsync(this WebSocket ws, string text) => ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public static Task SendBinaryAsync(this WebSocket ws, byte[] data) => ws.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>
    /// Receives one whole message (or the close frame) within the timeout. A background pump per socket
    /// does the actual receiving: cancelling a <see cref="WebSocket.ReceiveAsync(Memory{byte}, CancellationToken)"/>
    /// aborts the socket, so a timeout here must only stop waiting, never cancel the receive.
    /// </summary>
    public static async Task<Received> ReceiveAsync(this WebSocket ws, TimeSpan? timeout = null)
    {
        var pump = Pumps.GetValue(ws, static w => new Pump(w));
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await pump.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No message within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s.");
        }
        catch (ChannelClosedException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private static readonly ConditionalWeakTable<WebSocket, Pump> Pumps = new();

    private sealed class Pump
    {
        private readonly Channel<Received> _channel = Channel.CreateUnbounded<Received>();

        public Pump(WebSocket ws) => _ = RunAsync(ws);

        public ChannelReader<Received> Reader => _channel.Reader;

        private async Task RunAsync(WebSocket ws)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    using var data = new MemoryStream();
                    while (true)
                    {
                        var result = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            _channel.Writer.TryWrite(new Received(WebSocketMessageType.Close, [], ws.CloseStatus, ws.CloseStatusDescription));
                            _channel.Writer.TryComplete();
                            return;
                        }

                        data.Write(buffer, 0, result.Count);
                        if (result.EndOfMessage)
                        {
                            _channel.Writer.TryWrite(new Received(result.MessageType, data.ToArray()));
                            break;
                        }
                    }
                }
            }
            catch (Exception ex)
            {
                _channel.Writer.TryComplete(ex);
            }
        }
    }

    public static async Task<string> ReceiveTextAsync(this WebSocket ws, TimeSpan? timeout = null)
    {
        var r = await ws.ReceiveAsync(timeout);
        Assert.True(r.Type == WebSocketMessageType.Text, $"expected a text message, got {r}");
        return r.Text;
    }

    /// <summary>Asserts that nothing arrives for <paramref name="quiet"/>.</summary>
    public static async Task AssertNothingReceivedAsync(this WebSocket ws, TimeSpan quiet)
    {
        try
        {
            var r = await ws.ReceiveAsync(quiet);
            Assert.Fail($"expected nothing, received {r}");
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Closes from the client side and waits for the proxy's close frame.</summary>
    public static async Task CloseAsync(this WebSocket ws, WebSocketCloseStatus status, string? reason)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await ws.CloseAsync(status, reason, cts.Token);
    }
}
