namespace Grip.Protocol;

/// <summary>A WebSocket-over-HTTP body is malformed.</summary>
public sealed class WebSocketFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offset">The byte offset in the body where the problem was found.</param>
    /// <param name="reason">What is wrong, in words.</param>
    public WebSocketFormatException(long offset, string reason)
        : base($"Malformed WebSocket-over-HTTP body at byte {offset}: {reason}")
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The byte offset in the body where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, in words (without the offset).</summary>
    public string Reason { get; }
}
