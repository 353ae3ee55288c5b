namespace Grip.Protocol;

/// <summary>
/// The type of a WebSocket frame GRIP asks the proxy to send: the content of a keep-alive or delayed
/// control message (<see cref="GripFrameContent"/>) and the kind of a published <c>ws-message</c>
/// (<see cref="Publishing.WebSocketMessageFormat.Kind"/>).
/// </summary>
public enum GripFrameType
{
    /// <summary>A text frame.</summary>
    Text,

    /// <summary>A binary frame.</summary>
    Binary,

    /// <summary>A ping frame.</summary>
    Ping,

    /// <summary>A pong frame.</summary>
    Pong,
}
