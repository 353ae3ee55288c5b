using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// A frame the proxy sends to the client on the origin's behalf: a keep-alive or a delayed message
/// (the <c>content</c>/<c>content-bin</c> and <c>message-type</c> of a <c>keep-alive</c> or
/// <c>send-delayed</c> control message, read into its frame type and payload bytes).
/// </summary>
/// <param name="Type">Text, binary, ping or pong.</param>
/// <param name="Payload">The payload bytes.</param>
internal readonly record struct DevelopmentProxyFrame(GripFrameType Type, byte[] Payload)
{
    /// <summary>The frame a control message's content describes.</summary>
    public static DevelopmentProxyFrame From(GripFrameContent content) => new(content.FrameType, content.ToPayloadArray());
}
