using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// The timers the origin sets with control messages: <c>keep-alive</c> (a frame to the client
/// whenever the connection has been idle for the timeout, or every timeout in interval mode; any
/// origin-to-client message restarts an idle timer) and <c>send-delayed</c>/<c>flush-delayed</c>
/// (one pending frame, sent when its timeout passes or when flushed; a new one flushes the old).
/// Emulates Pushpin 1.36's handler <c>WsSession</c> timers (src/handler/wssession.cpp), without
/// its random 0-999 ms shortening. Timers come from the session's <see cref="TimeProvider"/> and
/// die with the session.
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    private ITimer? _keepAliveTimer;
    private DevelopmentProxyFrame? _keepAliveFrame;
    private TimeSpan _keepAliveTimeout;
    private bool _keepAliveIntervalMode;
    private ITimer? _delayedTimer;
    private DevelopmentProxyFrame? _delayedFrame;
    private bool _timersDisposed;

    private void ConfigureKeepAlive(KeepAliveControlMessage message)
    {
        lock (_state)
        {
            if (_timersDisposed)
            {
                return;
            }

            if (message.Content is not { } content)
            {
                _keepAliveFrame = null;
                _keepAliveTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            _keepAliveFrame = DevelopmentProxyFrame.From(content);
            _keepAliveTimeout = TimeSpan.FromSeconds(message.TimeoutSeconds);
            _keepAliveIntervalMode = message.Mode == GripKeepAliveMode.Interval;
            _keepAliveTimer ??= _time.CreateTimer(static s => _ = ((DevelopmentProxySession)s!).SendKeepAliveAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _keepAliveTimer.Change(_keepAliveTimeout, _keepAliveIntervalMode ? _keepAliveTimeout : Timeout.InfiniteTimeSpan);
        }
    }

    private async Task SendKeepAliveAsync()
    {
        DevelopmentProxyFrame? frame;
        lock (_state)
        {
            frame = _keepAliveFrame;
        }

        if (frame is { } f)
        {
            await SendFrameToClientAsync(f, _lifetime.Token, isKeepAlive: true).ConfigureAwait(false);
        }

        RestartIdleKeepAlive();
    }

    /// <summary>An idle keep-alive is due a timeout after the last message to the client (interval mode re-arms itself).</summary>
    private void RestartIdleKeepAlive()
    {
        lock (_state)
        {
            if (_keepAliveFrame is not null && !_keepAliveIntervalMode && !_timersDisposed)
            {
                _keepAliveTimer?.Change(_keepAliveTimeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task SendDelayedAsync(SendDelayedControlMessage message, CancellationToken cancellationToken)
    {
        await FlushDelayedAsync(cancellationToken).ConfigureAwait(false);
        lock (_state)
        {
            if (_timersDisposed)
            {
                return;
            }

            _delayedFrame = DevelopmentProxyFrame.From(message.Content);
            _delayedTimer ??= _time.CreateTimer(static s => _ = ((DevelopmentProxySession)s!).FlushDelayedAsync(CancellationToken.None), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _delayedTimer.Change(TimeSpan.FromSeconds(message.TimeoutSeconds), Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FlushDelayedAsync(CancellationToken cancellationToken)
    {
        DevelopmentProxyFrame? frame;
        lock (_state)
        {
            frame = _delayedFrame;
            _delayedFrame = null;
            if (!_timersDisposed)
            {
                _delayedTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        if (frame is { } f)
        {
            await SendFrameToClientAsync(f, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every timer the session owns (keep-alive, delayed send, the invalid-control-message abort).</summary>
    private async ValueTask DisposeTimersAsync()
    {
        ITimer?[] timers;
        lock (_state)
        {
            _timersDisposed = true;
            timers = [_keepAliveTimer, _delayedTimer, _invalidControlAbort];
        }

        foreach (var timer in timers)
        {
            if (timer is not null)
            {
                await timer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
