namespace Grip.Testing;

/// <summary>What a fake client received.</summary>
public enum GripTestMessageKind
{
    /// <summary>A text message.</summary>
    Text,

    /// <summary>A binary message.</summary>
    Binary,

    /// <summary>A pong frame (the answer to <see cref="GripTestClient.SendPingAsync(ReadOnlyMemory{byte})"/>).</summary>
    Pong,

    /// <summary>A ping frame from the origin.</summary>
    Ping,

    /// <summary>A close frame; the connection has ended.</summary>
    Close,
}
