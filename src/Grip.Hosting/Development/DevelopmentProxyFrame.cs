using System.Text;
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
    /// <summary>
    /// The frame a control message's content describes: the UTF-8 of its text, or its bytes (a text
    /// frame read from <c>content-bin</c> has no text, only bytes).
    /// </summary>
    public static DevelopmentProxyFrame From(GripFrameContent content) =>
        new(content.FrameType, content.FrameType == GripFrameType.Text && content.Text is { } text ? Encoding.UTF8.GetBytes(text) : content.Bytes.ToArray());
}
