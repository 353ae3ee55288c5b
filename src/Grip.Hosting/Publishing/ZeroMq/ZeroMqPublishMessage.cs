using System.Text;
using System.Text.Json;
using Grip.Internal;
using Grip.Protocol;
using Grip.Publishing;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>
/// One publish item as Pushpin's SUB input reads it (grip-spec §3.4): a two-frame ZeroMQ message
/// <c>[channel, "J" + the item's JSON without "channel"]</c>, encoded once as wire bytes and shared
/// by every subscriber's send queue.
/// </summary>
internal sealed class ZeroMqPublishMessage
{
    private ZeroMqPublishMessage(byte[] wire, int topicOffset, int topicLength, string channel)
    {
        Wire = wire;
        TopicOffset = topicOffset;
        TopicLength = topicLength;
        Channel = channel;
    }

    /// <summary>Both frames as they go on the wire.</summary>
    public byte[] Wire { get; }

    /// <summary>The channel, for logs and errors.</summary>
    public string Channel { get; }

    private int TopicOffset { get; }

    private int TopicLength { get; }

    /// <summary>The first frame's body (the UTF-8 channel name) that subscriptions are matched against.</summary>
    public ReadOnlySpan<byte> Topic => Wire.AsSpan(TopicOffset, TopicLength);

    /// <summary>A control frame (e.g. PONG) that travels through a peer's send queue like a message.</summary>
    public static ZeroMqPublishMessage Control(byte[] frame) => new(frame, 0, 0, string.Empty);

    /// <summary>Validates and encodes one item.</summary>
    /// <exception cref="ArgumentException">The item is invalid (Pushpin would refuse it).</exception>
    /// <exception cref="GripLimitExceededException">The item is over <see cref="GripPublishRequest.MaxBodyBytes"/>.</exception>
    public static ZeroMqPublishMessage Encode(PublishItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var json = new PooledBufferWriter(512);
        json.GetSpan(1)[0] = (byte)'J';
        json.Advance(1);
        using (var writer = new Utf8JsonWriter(json, GripControlMessage.JsonOptions))
        {
            item.WriteTo(writer, channelPrefix: null, writeChannel: false);
        }

        int channelLength = Encoding.UTF8.GetByteCount(item.Channel);
        if (json.WrittenCount + channelLength > GripPublishRequest.MaxBodyBytes)
        {
            // The same limit as an HTTP publish, so an item that works over one transport works over the other.
            throw new GripLimitExceededException($"The publish item for channel '{item.Channel}' is {json.WrittenCount + channelLength} bytes, over the {GripPublishRequest.MaxBodyBytes}-byte limit of a publish; send a smaller message.");
        }

        int topicHeader = ZmtpProtocol.HeaderLength(channelLength);
        int bodyHeader = ZmtpProtocol.HeaderLength(json.WrittenCount);
        var wire = new byte[topicHeader + channelLength + bodyHeader + json.WrittenCount];
        var span = wire.AsSpan();
        ZmtpProtocol.WriteHeader(span, ZmtpProtocol.FlagMore, channelLength);
        Encoding.UTF8.GetBytes(item.Channel, span.Slice(topicHeader, channelLength));
        int at = topicHeader + channelLength;
        at += ZmtpProtocol.WriteHeader(span[at..], 0, json.WrittenCount);
        json.WrittenSpan.CopyTo(span[at..]);
        return new ZeroMqPublishMessage(wire, topicHeader, channelLength, item.Channel);
    }
}
