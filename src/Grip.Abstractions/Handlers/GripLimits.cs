namespace Grip;

/// <summary>
/// The limits of Pushpin 1.36 that fail silently when exceeded (grip-spec §1.7). GripHandlers
/// refuses to write anything that would cross them, with an exception that says why.
/// </summary>
public static class GripLimits
{
    /// <summary>The largest response body Pushpin accepts; a larger one drops the connection.</summary>
    public const int MaxResponseBodyBytes = 1_000_000;

    /// <summary>
    /// The largest message to the client inside a response, including the 2-byte <c>m:</c> prefix;
    /// a larger one never arrives (publish it instead: published messages are not limited this way).
    /// </summary>
    public const int MaxReplyMessageBytes = 32_768;

    /// <summary>The largest payload of one reply message (<see cref="MaxReplyMessageBytes"/> minus the prefix).</summary>
    public const int MaxReplyPayloadBytes = MaxReplyMessageBytes - 2;

    /// <summary>The largest control message, including the <c>c:</c> prefix; a larger one is silently ignored.</summary>
    public const int MaxControlMessageBytes = 16_384;

    /// <summary>The smallest keep-alive polling interval Pushpin honours; smaller values are raised to it.</summary>
    public static readonly TimeSpan MinKeepAliveInterval = TimeSpan.FromSeconds(20);
}
