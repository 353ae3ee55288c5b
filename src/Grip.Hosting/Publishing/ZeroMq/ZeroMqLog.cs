using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>Log messages of the ZeroMQ publisher (event ids 20-29; docs/observability.md).</summary>
internal static partial class ZeroMqLog
{
    [LoggerMessage(20, LogLevel.Information, "ZeroMQ PUB socket bound at {Endpoint}: Pushpins with push_in_sub_connect=true and this address in push_in_sub_specs receive publishes from it.")]
    public static partial void Bound(ILogger logger, string endpoint);

    [LoggerMessage(21, LogLevel.Information, "ZeroMQ PUB {Endpoint}: subscriber {Peer} connected ({SocketType}).")]
    public static partial void PeerConnected(ILogger logger, string endpoint, string peer, string socketType);

    [LoggerMessage(22, LogLevel.Warning, "ZeroMQ PUB {Endpoint}: subscriber {Peer} disconnected ({Reason}); {Abandoned} queued message(s) were not sent to it. It misses what is published until it reconnects and subscribes again.")]
    public static partial void PeerDisconnected(ILogger logger, string endpoint, string peer, string reason, int abandoned);

    [LoggerMessage(23, LogLevel.Warning, "ZeroMQ PUB {Endpoint}: connection from {Peer} refused: {Reason}.")]
    public static partial void PeerRefused(ILogger logger, string endpoint, string peer, string reason);

    [LoggerMessage(24, LogLevel.Warning, "ZeroMQ PUB {Endpoint}: accepting a connection failed.")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(25, LogLevel.Warning, "ZeroMQ PUB {Endpoint}: the item for channel {Channel} was NOT sent to {Peer}: its send queue is full ({HighWaterMark} messages). That Pushpin is not reading fast enough or is unreachable.")]
    public static partial void Dropped(ILogger logger, string endpoint, string channel, string peer, int highWaterMark);

    [LoggerMessage(26, LogLevel.Debug, "ZeroMQ PUB {Endpoint}: {ItemCount} item(s) queued for {Queued} matching subscriber(s) of {Connected} connected.")]
    public static partial void Published(ILogger logger, string endpoint, int itemCount, int queued, int connected);
}
