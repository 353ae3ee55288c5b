using System.Net.WebSockets;
using System.Text;
using Grip.Diagnostics;
using Grip.Protocol;
using Grip.Publishing;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Development;

/// <summary>
/// Everything that goes to the client: messages from the origin's responses, published messages
/// (through the subscription's content filters), keep-alive and delayed frames, and closes. One
/// send at a time. Emulates Pushpin 1.36's delivery to a WebSocket client: published
/// <c>ws-message</c> items as the handler sends them (src/handler/wssession.cpp with the filters
/// of src/handler/filter.cpp), and the close handshake of src/proxy/wsproxysession.cpp.
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>
    /// Delivers one published ws-message to this client, through the subscription's content
    /// filters (<c>var-subst</c>, <c>build-id</c>) as Pushpin 1.36 runs them: in subscription order,
    /// on send actions only. When a filter fails, Pushpin drops the message for this connection
    /// without a word; so does this, with a warning that says why.
    /// </summary>
    public async Task DeliverPublishedAsync(WebSocketMessageFormat format, string channel, IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        switch (format.Action)
        {
            case WebSocketMessageAction.Close:
                await CloseClientAsync(format.Code ?? 1000, format.Reason, cancellationToken).ConfigureAwait(false);
                break;
            case WebSocketMessageAction.Send when format.Kind is GripFrameType.Text or GripFrameType.Binary:
                byte[] content = format.Kind == GripFrameType.Text ? Encoding.UTF8.GetBytes(format.Text ?? string.Empty) : format.Bytes.ToArray();
                if (!_subscriptions.TryApplyContentFilters(filters, ref content, out string? failedFilter, out string? error))
                {
                    LogContentFilterFailed(_logger, Id, GripLogText.Escape(channel)!, GripLogText.Escape(failedFilter)!, GripLogText.Escape(error)!);
                    return;
                }

                await SendToClientAsync(format.Kind == GripFrameType.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, content, cancellationToken).ConfigureAwait(false);
                break;
            default:
                LogPingNotSupported(_logger, Id);
                break;
        }
    }

    /// <summary>Logs (debug) a publish skipped because its content filters differ from the subscription's.</summary>
    public void ReportContentFilterMismatch(string channel, IEnumerable<string> subscription, IEnumerable<string> message)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            string safeChannel = GripLogText.Escape(channel)!;
            string subscriptionList = GripLogText.Escape(string.Join(',', subscription))!;
            string messageList = GripLogText.Escape(string.Join(',', message))!;
            LogContentFilterMismatch(_logger, Id, safeChannel, subscriptionList, messageList);
        }
    }

    /// <summary>
    /// Sends a keep-alive or delayed frame. Ping and pong are not sent: ASP.NET Core's WebSocket
    /// cannot send a control frame on demand (it answers the client's pings itself).
    /// </summary>
    private Task SendFrameToClientAsync(DevelopmentProxyFrame frame, CancellationToken cancellationToken, bool isKeepAlive = false)
    {
        switch (frame.Type)
        {
            case GripFrameType.Text:
                return SendToClientAsync(WebSocketMessageType.Text, frame.Payload, cancellationToken, isKeepAlive);
            case GripFrameType.Binary:
                return SendToClientAsync(WebSocketMessageType.Binary, frame.Payload, cancellationToken, isKeepAlive);
            default:
                LogPingNotSupported(_logger, Id);
                return Task.CompletedTask;
        }
    }

    private async Task SendToClientAsync(WebSocketMessageType type, byte[] content, CancellationToken cancellationToken, bool isKeepAlive = false)
    {
        var socket = _socket;
        if (socket is null)
        {
            return;
        }

        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.SendAsync(content, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The receive loop notices the broken connection and sends DISCONNECT.
        }
        finally
        {
            _sendLock.Release();
        }

        if (!isKeepAlive)
        {
            // An idle keep-alive restarts whenever the origin sends something.
            RestartIdleKeepAlive();
        }
    }

    private async Task CloseClientAsync(int code, string? reason, CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (socket is null)
        {
            return;
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or ArgumentException)
        {
            socket.Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
