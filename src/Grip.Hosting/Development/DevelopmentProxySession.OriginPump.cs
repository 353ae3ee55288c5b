using System.Buffers;
using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// The origin side of the session: queued client events go to the origin as WebSocket-over-HTTP
/// requests, one at a time, everything queued meanwhile batched into the next (DISCONNECT alone);
/// with <c>Keep-Alive-Interval</c> an empty request polls the origin. Emulates Pushpin 1.36's
/// <c>WebSocketOverHttp</c> request cycle (src/proxy/websocketoverhttp.cpp), and the
/// <c>CLOSE</c> it sends the origin after a <c>detach</c> (src/proxy/wsproxysession.cpp).
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    private readonly string _pathAndQuery;
    private readonly string _host;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _handshakeHeaders;
    private readonly Dictionary<string, string> _meta = new(StringComparer.OrdinalIgnoreCase);
    private TimeSpan? _keepAliveInterval;
    private bool _detachPending;
    private bool _originClosed;

    /// <summary>Sends queued events to the origin, one request at a time; polls when Keep-Alive-Interval asks.</summary>
    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        while (!_finished)
        {
            if (await NotifyDetachAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            TimeSpan? poll;
            lock (_state)
            {
                poll = _keepAliveInterval;
            }

            bool signalled = poll is { } interval
                ? await _queueSignal.WaitAsync(interval, cancellationToken).ConfigureAwait(false)
                : await _queueSignal.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false);

            List<(WebSocketEventType Type, byte[]? Content)> batch;
            lock (_state)
            {
                batch = TakeBatch();
            }

            if (batch.Count == 0 && signalled)
            {
                continue;
            }

            bool ending = batch.Exists(e => e.Type is WebSocketEventType.Close or WebSocketEventType.Disconnect);
            var body = new ArrayBufferWriter<byte>();
            foreach (var (type, content) in batch)
            {
                if (content is null)
                {
                    WebSocketEventWriter.WriteEvent(body, type);
                }
                else
                {
                    WebSocketEventWriter.WriteEvent(body, type, content);
                }
            }

            DevelopmentProxyOriginResponse response;
            try
            {
                response = await SendToOriginAsync(body.WrittenSpan.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogOriginFailed(_logger, ex, Id);
                AbortClient();
                return;
            }

            if (batch.Exists(e => e.Type == WebSocketEventType.Disconnect))
            {
                // The response to DISCONNECT is ignored.
                _finished = true;
                return;
            }

            if (_originClosed)
            {
                // The client's answer to the origin's close: the exchange is complete.
                _finished = true;
                return;
            }

            await ProcessResponseAsync(response, skipOpen: false, cancellationToken).ConfigureAwait(false);
            if (await NotifyDetachAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (ending)
            {
                // A client-initiated close: answer the client's close frame if the origin did not.
                var clientClose = batch.Find(e => e.Type == WebSocketEventType.Close);
                int code = clientClose.Content is { Length: >= 2 } c ? (c[0] << 8) | c[1] : 1000;
                await CloseClientAsync(code, null, cancellationToken).ConfigureAwait(false);
                _finished = true;
                return;
            }
        }
    }

    /// <summary>
    /// After a <c>detach</c> control message, Pushpin sends the origin <c>CLOSE</c> and forwards
    /// nothing more from the client; published messages still reach it. The answer is ignored.
    /// </summary>
    /// <returns>Whether the origin was told (the pump then stops).</returns>
    private async Task<bool> NotifyDetachAsync(CancellationToken cancellationToken)
    {
        lock (_state)
        {
            if (!_detachPending)
            {
                return false;
            }

            _detachPending = false;
            _queue.Clear();
        }

        try
        {
            await SendToOriginAsync("CLOSE\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogOriginFailed(_logger, ex, Id);
        }

        _finished = true;
        return true;
    }

    /// <summary>Takes the queued events for the next request. DISCONNECT always travels alone.</summary>
    private List<(WebSocketEventType Type, byte[]? Content)> TakeBatch()
    {
        var batch = new List<(WebSocketEventType Type, byte[]? Content)>(_queue.Count);
        int i = 0;
        for (; i < _queue.Count; i++)
        {
            if (_queue[i].Type == WebSocketEventType.Disconnect)
            {
                if (batch.Count == 0)
                {
                    batch.Add(_queue[i]);
                    i++;
                }

                break;
            }

            batch.Add(_queue[i]);
        }

        _queue.RemoveRange(0, i);
        if (_queue.Count > 0)
        {
            _queueSignal.Release();
        }

        return batch;
    }

    private async Task<DevelopmentProxyOriginResponse> SendToOriginAsync(byte[] body, CancellationToken cancellationToken)
    {
        Dictionary<string, string> meta;
        lock (_state)
        {
            meta = new Dictionary<string, string>(_meta, StringComparer.OrdinalIgnoreCase);
        }

        return await _origin.SendAsync(_pathAndQuery, _host, Id, _handshakeHeaders, meta, body, cancellationToken).ConfigureAwait(false);
    }
}
