using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// One client connection held by the development proxy, as an in-process client sees it: the
/// state Pushpin would keep for it (connection id, subscriptions, meta, detached) and what such a
/// client can do that an ASP.NET Core WebSocket cannot (send a ping on demand, see the origin's
/// ping and pong frames). Found with <see cref="GripDevelopmentProxy.TryFindConnection"/>.
/// </summary>
/// <remarks>The getters return snapshots: a later control message does not change a dictionary already returned.</remarks>
public sealed class GripDevelopmentProxyConnection
{
    private readonly DevelopmentProxySession _session;

    internal GripDevelopmentProxyConnection(DevelopmentProxySession session) => _session = session;

    /// <summary>The connection id the proxy gave the connection (the handler's <c>GripConnection.Id</c>, Pushpin's <c>Connection-Id</c>).</summary>
    public string Id => _session.Id;

    /// <summary>Whether the origin detached the connection (a <c>detach</c> control message).</summary>
    public bool IsDetached => _session.IsDetached;

    /// <summary>The channels the connection is subscribed to now, each with its filters in subscription order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GetSubscriptions()
    {
        var channels = _session.GetSubscriptions();
        var copy = new Dictionary<string, IReadOnlyList<string>>(channels.Count, StringComparer.Ordinal);
        foreach (var (channel, filters) in channels)
        {
            copy[channel] = [.. filters];
        }

        return copy;
    }

    /// <summary>The connection meta the proxy stores (set by the origin's <c>Set-Meta-*</c> headers; names compare case-insensitively).</summary>
    public IReadOnlyDictionary<string, string> GetMeta() => _session.GetMeta();

    /// <summary>The subscription meta the publish filters read (set by <c>set-meta</c> control messages, for example <c>user</c> for <c>skip-self</c>).</summary>
    public IReadOnlyDictionary<string, string> GetSubscriptionMeta() => _session.GetSubscriptionMeta();

    /// <summary>
    /// Does what the proxy does when the client sends a ping frame: sends the origin a PING event
    /// with <paramref name="payload"/> (the generated dispatcher answers with a PONG, which
    /// <see cref="ObserveControlFrames"/> sees). .NET's client WebSocket cannot send a ping on demand.
    /// </summary>
    /// <param name="payload">The ping's payload; empty for none.</param>
    public void SendClientPing(ReadOnlySpan<byte> payload) => _session.EnqueueClientPing(payload.ToArray());

    /// <summary>
    /// Receives the ping and pong frames the origin sends this client (PING and PONG events), which
    /// the proxy cannot put on a real WebSocket (ASP.NET Core sends control frames only by itself);
    /// without an observer they are logged and dropped. Replaces any earlier observer.
    /// </summary>
    /// <param name="observer">Called with <see cref="GripFrameType.Ping"/> or <see cref="GripFrameType.Pong"/> and the payload (a copy the observer may keep), on the proxy's thread; keep it short.</param>
    public void ObserveControlFrames(Action<GripFrameType, byte[]> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _session.ControlFrameObserver = observer;
    }
}
