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

    /// <summary>
    /// Sends every message back as it came: text as text, binary as binary, the very bytes received.
    /// </summary>
    /// <remarks>
    /// It takes the <see cref="GripMessage"/> (text and binary alike) rather than a <see langword="string"/>:
    /// an echo never reads the text, so it skips decoding the UTF-8 into a string and encoding it
    /// again, and allocates nothing per message. Take a <see langword="string"/> when the handler works
    /// with the text.
    /// </remarks>
    [OnMessage]
    public static void Echo(GripConnection connection, GripMessage message)
    {
        if (message.IsText)
        {
            connection.SendUtf8(message.Data.Span);
        }
        else
        {
            connection.SendBinary(message.Data.Span);
        }
    }

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
