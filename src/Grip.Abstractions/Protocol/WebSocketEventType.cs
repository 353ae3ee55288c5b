namespace Grip.Protocol;

/// <summary>The type of one event in a WebSocket-over-HTTP body (grip-spec §1.3).</summary>
public enum WebSocketEventType : byte
{
    /// <summary>An event whose type token is not one of the seven known ones; kept as an opaque event.</summary>
    Unknown = 0,

    /// <summary><c>OPEN</c>: a new connection (proxy to origin) or its acceptance (origin to proxy).</summary>
    Open,

    /// <summary><c>TEXT</c>: a UTF-8 text message.</summary>
    Text,

    /// <summary><c>BINARY</c>: a binary message.</summary>
    Binary,

    /// <summary><c>PING</c>: a ping frame with an optional payload.</summary>
    Ping,

    /// <summary><c>PONG</c>: a pong frame with an optional payload.</summary>
    Pong,

    /// <summary><c>CLOSE</c>: a close frame; content is a 2-byte big-endian code and an optional UTF-8 reason.</summary>
    Close,

    /// <summary><c>DISCONNECT</c>: the connection is gone without a close handshake.</summary>
    Disconnect,
}
