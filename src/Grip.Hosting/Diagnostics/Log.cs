using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Diagnostics;

/// <summary>Every log line GripHandlers writes, as source-generated <see cref="LoggerMessageAttribute"/> methods.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Grip-Sig check failed ({Reason}); request to {Path} answered 401 and not dispatched.")]
    public static partial void SignatureRejected(ILogger logger, string reason, string path);

    [LoggerMessage(2, LogLevel.Warning, "GripHandlers is serving WebSocket-over-HTTP WITHOUT Grip-Sig verification (Grip:AllowUnsignedRequests=true). Anyone who can reach this origin can act as the proxy. Configure a verify key for production.")]
    public static partial void UnsignedRequestsAllowed(ILogger logger);

    [LoggerMessage(3, LogLevel.Information, "Request to {Path} refused with {StatusCode}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string path, int statusCode, string reason);

    [LoggerMessage(4, LogLevel.Error, "Handler {Handler} threw for connection {ConnectionId}.")]
    public static partial void HandlerFault(ILogger logger, Exception exception, string handler, string connectionId);

    [LoggerMessage(5, LogLevel.Information, "Connection {ConnectionId} rejected by {Handler} with {StatusCode}.")]
    public static partial void ConnectionRejected(ILogger logger, string connectionId, string handler, int statusCode);

    [LoggerMessage(6, LogLevel.Debug, "Connection {ConnectionId}: {EventCount} event(s) dispatched to {Handler}, {ResponseBytes} response bytes.")]
    public static partial void BatchDispatched(ILogger logger, string connectionId, int eventCount, string handler, int responseBytes);

    [LoggerMessage(7, LogLevel.Warning, "Publishing {ItemCount} item(s) ({PublishCount} publish(es)) to {Proxy} failed ({Reason}): {StatusCode} {Body}. The proxy did not publish them.")]
    public static partial void PublishFailed(ILogger logger, Exception? exception, int itemCount, int publishCount, Uri proxy, Grip.GripPublishFailureReason reason, int? statusCode, string body);

    [LoggerMessage(8, LogLevel.Debug, "Published {ItemCount} item(s) ({PublishCount} publish(es)) to {Proxy} in {ElapsedMs} ms.")]
    public static partial void Published(ILogger logger, int itemCount, int publishCount, Uri proxy, double elapsedMs);

    [LoggerMessage(9, LogLevel.Information, "GripHandlers configured: {ProxyCount} publish proxy(ies), {VerifyKeyCount} Grip-Sig verify key(s).")]
    public static partial void Configured(ILogger logger, int proxyCount, int verifyKeyCount);

    [LoggerMessage(11, LogLevel.Information, "Connection {ConnectionId} closed by GripHandlers with {Code} ({Kind}): {Detail}")]
    public static partial void FrameworkClosed(ILogger logger, string connectionId, int code, string kind, string detail);

    [LoggerMessage(12, LogLevel.Error, "Handler {Handler} did not finish within {TimeoutSeconds} s for connection {ConnectionId}: the connection was {Outcome}; the rest of its batch was not dispatched.")]
    public static partial void HandlerTimedOut(ILogger logger, string handler, double timeoutSeconds, string connectionId, string outcome);

    [LoggerMessage(13, LogLevel.Warning, "Handler {Handler} for connection {ConnectionId} finished {LateSeconds} s after its timeout (its answer was discarded).")]
    public static partial void HandlerFinishedLate(ILogger logger, Exception? exception, string handler, string connectionId, double lateSeconds);

    [LoggerMessage(14, LogLevel.Warning, "Grip-Sig verify key {Index} ({Source}) checks no issuer: any token signed with the key is accepted whatever its 'iss'. Add verify-iss to the GRIP URL (Pushpin: verify-iss set to its sig_iss, 'pushpin' by default) or Grip:Proxies:N:VerifyIss.")]
    public static partial void NoIssuerChecked(ILogger logger, int index, string source);

    [LoggerMessage(15, LogLevel.Warning, "Publishing {ItemCount} item(s) ({PublishCount} publish(es)) to {Proxy} has an UNKNOWN outcome ({Reason}): {StatusCode} {Body}. The proxy may have published them; they are not sent again unless the publish asked for at-least-once.")]
    public static partial void PublishUnknown(ILogger logger, Exception? exception, int itemCount, int publishCount, Uri proxy, Grip.GripPublishFailureReason reason, int? statusCode, string body);

    [LoggerMessage(16, LogLevel.Warning, "A publish of {ItemCount} item(s) to {Proxy} was refused: its queue is full ({Pending} publishes, {PendingBytes} bytes waiting).")]
    public static partial void PublishQueueFull(ILogger logger, int itemCount, Uri proxy, int pending, long pendingBytes);

    [LoggerMessage(17, LogLevel.Error, "The failure callback of a background publish threw.")]
    public static partial void PublishFailureCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Information, "Re-sending {PublishCount} at-least-once publish(es) to {Proxy} after an unknown outcome ({Reason}); subscribers may receive them twice.")]
    public static partial void PublishResending(ILogger logger, int publishCount, Uri proxy, Grip.GripPublishFailureReason reason);

    [LoggerMessage(19, LogLevel.Debug, "Publish attempt {Attempt} to {Proxy} did not reach it ({Reason}, {StatusCode}); retrying in {DelayMs} ms.")]
    public static partial void PublishRetrying(ILogger logger, int attempt, Uri proxy, Grip.GripPublishFailureReason reason, int? statusCode, double delayMs);
}
