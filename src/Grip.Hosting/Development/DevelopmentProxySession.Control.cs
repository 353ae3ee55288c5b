using Grip.Diagnostics;
using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// Control messages from the origin (<c>c:</c> + JSON), read into typed messages by
/// <see cref="GripControlMessage.TryParse(ReadOnlySpan{byte}, out GripControlMessage?, out string?)"/>
/// (the same vocabulary the origin writes them with) and carried out. Emulates Pushpin 1.36's
/// handler: <c>WsControlMessage::fromVariant</c> (src/handler/wscontrolmessage.cpp) and the
/// session's control-message handling (src/handler/handlerengine.cpp, src/handler/wssession.cpp),
/// including its pitfall: an invalid control message is never acknowledged and the proxy drops
/// the client 8 seconds later (grip-spec §2.2).
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    /// <summary>How long Pushpin 1.36 waits for the acknowledgement an invalid control message never gets.</summary>
    internal static readonly TimeSpan InvalidControlMessageGrace = TimeSpan.FromSeconds(8);

    private ITimer? _invalidControlAbort;

    private async Task HandleControlAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        if (!GripControlMessage.TryParse(json.Span, out var message, out string? error))
        {
            LogInvalidControl(_logger, Id, GripLogText.Escape(error)!);
            ScheduleInvalidControlAbort();
            return;
        }

        switch (message)
        {
            case SubscribeControlMessage subscribe:
                if (!_subscriptions.TrySubscribe(subscribe.Channel, subscribe.Filters))
                {
                    LogTooManySubscriptions(_logger, Id, GripLogText.Escape(subscribe.Channel)!);
                }

                break;

            case UnsubscribeControlMessage unsubscribe:
                _subscriptions.Unsubscribe(unsubscribe.Channel);
                break;

            case DetachControlMessage:
                lock (_state)
                {
                    // The pump tells the origin CLOSE once and then stops talking to it.
                    _detachPending = !_detached;
                    _detached = true;
                }

                break;

            case SetMetaControlMessage setMeta:
                _subscriptions.SetMeta(setMeta.Name, setMeta.Value);
                break;

            case KeepAliveControlMessage keepAlive:
                ConfigureKeepAlive(keepAlive);
                break;

            case SendDelayedControlMessage sendDelayed:
                await SendDelayedAsync(sendDelayed, cancellationToken).ConfigureAwait(false);
                break;

            case FlushDelayedControlMessage:
                await FlushDelayedAsync(cancellationToken).ConfigureAwait(false);
                break;

            case SessionControlMessage:
                // Pushpin keeps the id for GRIP sessions, which the development proxy does not emulate.
                break;
        }
    }

    /// <summary>
    /// Drops the client <see cref="InvalidControlMessageGrace"/> after the first invalid control
    /// message, on a timer the session owns: disposing the session cancels it.
    /// </summary>
    private void ScheduleInvalidControlAbort()
    {
        lock (_state)
        {
            if (_timersDisposed)
            {
                return;
            }

            _invalidControlAbort ??= _time.CreateTimer(
                static state => ((DevelopmentProxySession)state!).AbortClient(),
                this,
                InvalidControlMessageGrace,
                Timeout.InfiniteTimeSpan);
        }
    }
}
