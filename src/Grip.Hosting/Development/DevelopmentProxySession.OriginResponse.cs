using System.Net.WebSockets;
using System.Text;
using Grip.Diagnostics;
using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// The origin's answer to one request: status and content type checked, <c>Set-Meta-*</c> and
/// <c>Keep-Alive-Interval</c> kept, and its events carried out in order: messages to the client
/// through the GRIP prefixes (<c>c:</c> control, <c>m:</c> message, anything else dropped),
/// ping/pong, close, disconnect. Emulates Pushpin 1.36's response handling in
/// src/proxy/websocketoverhttp.cpp and the GRIP message-prefix rules of src/proxy/wsproxysession.cpp
/// (grip-spec §1.4, §2.1).
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    private async Task ProcessResponseAsync(DevelopmentProxyOriginResponse response, bool skipOpen, CancellationToken cancellationToken)
    {
        if (response.StatusCode != 200)
        {
            LogBadStatus(_logger, Id, response.StatusCode);
            AbortClient();
            return;
        }

        if (response.ContentType != "application/websocket-events")
        {
            LogBadContentType(_logger, Id, GripLogText.Escape(response.ContentType ?? "(none)")!);
            AbortClient();
            return;
        }

        if (response.BodyTooLarge)
        {
            LogBodyTooLarge(_logger, Id, DevelopmentProxyOrigin.MaxResponseBody);
            AbortClient();
            return;
        }

        ApplyHeaders(response);

        var reader = new WebSocketEventReader(response.Body);
        bool first = true;
        try
        {
            while (reader.Read(out var e))
            {
                if (first && skipOpen && e.Type == WebSocketEventType.Open)
                {
                    first = false;
                    continue;
                }

                first = false;
                switch (e.Type)
                {
                    case WebSocketEventType.Text:
                    case WebSocketEventType.Binary:
                        await HandleMessageEventAsync(e, cancellationToken).ConfigureAwait(false);
                        break;
                    case WebSocketEventType.Ping:
                    case WebSocketEventType.Pong:
                        if (ControlFrameObserver is { } observer)
                        {
                            observer(e.Type == WebSocketEventType.Ping ? GripFrameType.Ping : GripFrameType.Pong, e.Content.ToArray());
                        }
                        else
                        {
                            LogPingNotSupported(_logger, Id);
                        }

                        break;
                    case WebSocketEventType.Close:
                        var status = e.GetCloseStatus();
                        _originClosed = true;
                        await CloseClientAsync(status.Code ?? 1000, status.Reason, cancellationToken).ConfigureAwait(false);
                        return;
                    case WebSocketEventType.Disconnect:
                        AbortClient();
                        return;
                    case WebSocketEventType.Open:
                        LogOpenMidSession(_logger, Id);
                        AbortClient();
                        return;
                    default:
                        // Pushpin skips unknown event types.
                        break;
                }
            }
        }
        catch (WebSocketFormatException ex)
        {
            LogMalformedResponse(_logger, ex, Id);
            AbortClient();
        }
    }

    private void ApplyHeaders(DevelopmentProxyOriginResponse response)
    {
        lock (_state)
        {
            foreach (var header in response.Headers)
            {
                if (header.Key.Length >= 10 && header.Key.StartsWith("Set-Meta-", StringComparison.OrdinalIgnoreCase))
                {
                    string name = header.Key[9..];
                    if (header.Value.Length == 0)
                    {
                        _meta.Remove(name);
                    }
                    else
                    {
                        _meta[name] = header.Value;
                    }
                }
                else if (header.Key.Equals("Keep-Alive-Interval", StringComparison.OrdinalIgnoreCase))
                {
                    // Pushpin raises a shorter interval to its minimum.
                    _keepAliveInterval = int.TryParse(header.Value, out int seconds) && seconds > 0
                        ? TimeSpan.FromSeconds(Math.Max(seconds, GripLimits.MinKeepAliveInterval.TotalSeconds))
                        : null;
                }
            }
        }
    }

    private async Task HandleMessageEventAsync(WebSocketEvent e, CancellationToken cancellationToken)
    {
        var content = e.Content;
        var type = e.Type == WebSocketEventType.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        if (!_gripMode)
        {
            await SendToClientAsync(type, content.ToArray(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (e.Type == WebSocketEventType.Text && content.Span.StartsWith("c:"u8))
        {
            if (content.Length > GripLimits.MaxControlMessageBytes)
            {
                LogControlTooLarge(_logger, Id, content.Length, GripLimits.MaxControlMessageBytes);
                return;
            }

            await HandleControlAsync(content[2..], cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!content.Span.StartsWith(_messagePrefix))
        {
            LogUnprefixedDropped(_logger, Id, Encoding.UTF8.GetString(_messagePrefix));
            return;
        }

        if (content.Length > GripLimits.MaxReplyMessageBytes)
        {
            LogReplyTooLarge(_logger, Id, content.Length, GripLimits.MaxReplyMessageBytes);
            return;
        }

        await SendToClientAsync(type, content[_messagePrefix.Length..].ToArray(), cancellationToken).ConfigureAwait(false);
    }
}
