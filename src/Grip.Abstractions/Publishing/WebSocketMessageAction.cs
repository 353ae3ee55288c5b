namespace Grip.Publishing;

/// <summary>What a <c>ws-message</c> does.</summary>
public enum WebSocketMessageAction
{
    /// <summary>Send a message (the default).</summary>
    Send,

    /// <summary>Close the subscribed connections with a code and reason.</summary>
    Close,
}
