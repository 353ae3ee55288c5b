using Grip;
using Grip.Diagnostics;

namespace Echo;

/// <summary>Subscribes every connection to <c>test</c> and echoes what it sends.</summary>
/// <param name="logger">Logs how connections end (from DI).</param>
public sealed partial class EchoHandler(ILogger<EchoHandler> logger)
{
    /// <summary>The channel <c>/api/broadcast</c> publishes to.</summary>
    public const string Channel = "test";

    [OnOpen]
    public static void Open(GripConnection connection)
    {
        // An echo speaks every protocol: take the client's first choice, if it offered any (a
        // browser aborts a handshake that offered subprotocols and got none back).
        if (connection.RequestedSubprotocols is [var first, ..])
        {
            connection.AcceptSubprotocol(first);
        }

        connection.Subscribe(Channel);
    }

    [OnMessage]
    public static void Text(GripConnection connection, string text) => connection.Send(text);

    [OnMessage]
    public static void Binary(GripConnection connection, ReadOnlyMemory<byte> data) => connection.SendBinary(data.Span);

    [OnClose]
    public void Close(GripConnection connection, CloseStatus status)
    {
        if (status.IsDisconnect)
        {
            LogDisconnected(logger, GripLogText.Escape(connection.Id)!);
        }
        else
        {
            // The reason is whatever the client sent: escape it (and the id) before it reaches a
            // log, or a client could put terminal escape sequences or fake log lines on the console.
            LogClosed(logger, GripLogText.Escape(connection.Id)!, status.Code, GripLogText.Escape(status.Reason));
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Connection {ConnectionId} closed with code {Code} '{Reason}'")]
    private static partial void LogClosed(ILogger logger, string connectionId, int? code, string? reason);

    [LoggerMessage(2, LogLevel.Information, "Connection {ConnectionId} disconnected without a close frame")]
    private static partial void LogDisconnected(ILogger logger, string connectionId);
}
