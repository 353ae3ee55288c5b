using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Development;

/// <summary>
/// The session's log lines (event ids 9001-9014; docs/development-proxy.md lists them). Each names
/// what Pushpin 1.36 does silently in the same case, so a developer sees why a message vanished.
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: the origin answered {StatusCode}; Pushpin drops the client.")]
    private static partial void LogBadStatus(ILogger logger, string connectionId, int statusCode);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: Content-Type '{ContentType}' is not exactly 'application/websocket-events'; Pushpin drops the client.")]
    private static partial void LogBadContentType(ILogger logger, string connectionId, string contentType);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: response body over {Limit} bytes; Pushpin drops the client.")]
    private static partial void LogBodyTooLarge(ILogger logger, string connectionId, int limit);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: a message without the '{Prefix}' prefix was dropped, as Pushpin drops it silently.")]
    private static partial void LogUnprefixedDropped(ILogger logger, string connectionId, string prefix);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: a {Length}-byte reply was dropped: Pushpin 1.36 never delivers a reply over {Limit} bytes. Publish it instead.")]
    private static partial void LogReplyTooLarge(ILogger logger, string connectionId, int length, int limit);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: a {Length}-byte control message was ignored: Pushpin ignores control messages over {Limit} bytes.")]
    private static partial void LogControlTooLarge(ILogger logger, string connectionId, int length, int limit);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: invalid control message ({Problem}); Pushpin 1.36 drops the client 8 seconds later, and so does the development proxy.")]
    private static partial void LogInvalidControl(ILogger logger, string connectionId, string problem);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: the origin's response is malformed; Pushpin drops the client.")]
    private static partial void LogMalformedResponse(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: OPEN in a response on an open connection; Pushpin drops the client.")]
    private static partial void LogOpenMidSession(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: the origin could not be reached; the client is dropped.")]
    private static partial void LogOriginFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Debug, Message = "Development proxy: connection {ConnectionId}: ping/pong frames from the origin are not relayed by the development proxy (ASP.NET Core answers client pings itself).")]
    private static partial void LogPingNotSupported(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 9013, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: a message published to '{Channel}' was not delivered: its '{Filter}' filter failed ({Reason}). Pushpin drops it the same way, silently.")]
    private static partial void LogContentFilterFailed(ILogger logger, string connectionId, string channel, string filter, string reason);

    [LoggerMessage(EventId = 9014, Level = LogLevel.Debug, Message = "Development proxy: connection {ConnectionId}: a message published to '{Channel}' was skipped: its content filters [{Message}] differ from the subscription's [{Subscription}], as in Pushpin.")]
    private static partial void LogContentFilterMismatch(ILogger logger, string connectionId, string channel, string subscription, string message);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: subscription to '{Channel}' ignored: at most 20 subscriptions per connection, as in Pushpin.")]
    private static partial void LogTooManySubscriptions(ILogger logger, string connectionId, string channel);
}
