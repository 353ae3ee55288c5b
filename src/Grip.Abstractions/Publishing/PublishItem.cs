using System.Text.Json;

namespace Grip.Publishing;

/// <summary>
/// One item of a GRIP publish request (grip-spec §3.1): a channel and at least one format
/// (<c>ws-message</c>, <c>http-stream</c>, <c>http-response</c>).
/// </summary>
/// <remarks>
/// <para>
/// Content filters: <see cref="GripFilters.VarSubst"/> and <see cref="GripFilters.BuildId"/> change
/// what a subscriber receives (<c>var-subst</c> replaces <c>%(name)s</c> with the subscription's meta
/// <c>name</c>). A format's <c>ContentFilters</c> says which content filters the content was written
/// for: Pushpin compares that list, in order, with each subscription's content filters (its other
/// filters ignored) and skips a subscription where they differ, so <c>Hello %(user)s</c> never
/// reaches a subscriber that would see it unsubstituted. Only those two names are accepted: any
/// other would never match, and the message would be dropped without a word.
/// </para>
/// </remarks>
public sealed class PublishItem
{
    /// <summary>Creates an item for a channel.</summary>
    public PublishItem(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Channel = channel;
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>Optional message id; Pushpin drops a duplicate (channel, id) seen within 60 s.</summary>
    public string? Id { get; init; }

    /// <summary>Optional id of the previous message, for ordering.</summary>
    public string? PrevId { get; init; }

    /// <summary>Meta for subscription filters (for example <c>sender</c> for skip-self).</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>
    /// Skip Pushpin's sequencing of this item (<c>no-seq</c>): by default, items published to a
    /// channel that some proxy instance subscribes to are sequenced across instances.
    /// </summary>
    public bool NoSequence { get; init; }

    /// <summary>
    /// The message size Pushpin reports in its stats (<c>size</c>, bytes, at least 0); it changes
    /// nothing about delivery.
    /// </summary>
    public int? Size { get; init; }

    /// <summary>The WebSocket format.</summary>
    public WebSocketMessageFormat? WebSocketMessage { get; init; }

    /// <summary>The HTTP streaming format.</summary>
    public HttpStreamFormat? HttpStream { get; init; }

    /// <summary>The HTTP response (long-poll) format.</summary>
    public HttpResponseFormat? HttpResponse { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when Pushpin would refuse the item.</summary>
    public void Validate()
    {
        GripChannels.ValidateName(Channel, nameof(Channel));

        if (Meta is not null)
        {
            foreach (var pair in Meta)
            {
                if (string.IsNullOrEmpty(pair.Key) || pair.Value is null)
                {
                    throw new ArgumentException("Publish meta needs non-empty names and non-null string values (Pushpin refuses other types).", nameof(Meta));
                }
            }
        }

        if (Size is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "A publish item's size must be at least 0.");
        }

        if (WebSocketMessage is null && HttpStream is null && HttpResponse is null)
        {
            throw new ArgumentException("A publish item needs at least one format (ws-message, http-stream or http-response).", nameof(WebSocketMessage));
        }

        WebSocketMessage?.Validate();
        HttpStream?.Validate();
        HttpResponse?.Validate();
    }

    /// <summary>Validates the item and writes it as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer) => WriteTo(writer, channelPrefix: null);

    /// <summary>Validates the item and writes it as a JSON object, with <paramref name="channelPrefix"/> before the channel name.</summary>
    public void WriteTo(Utf8JsonWriter writer, string? channelPrefix) => WriteTo(writer, channelPrefix, writeChannel: true);

    /// <summary>
    /// Validates the item and writes it as a JSON object; without <c>channel</c> when
    /// <paramref name="writeChannel"/> is false (a ZeroMQ publish carries the channel in a frame of its own, grip-spec §3.4).
    /// </summary>
    internal void WriteTo(Utf8JsonWriter writer, string? channelPrefix, bool writeChannel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (writeChannel)
        {
            writer.WriteString("channel"u8, string.IsNullOrEmpty(channelPrefix) ? Channel : string.Concat(channelPrefix, Channel));
        }

        if (Id is not null)
        {
            writer.WriteString("id"u8, Id);
        }

        if (PrevId is not null)
        {
            writer.WriteString("prev-id"u8, PrevId);
        }

        if (Size is { } size)
        {
            writer.WriteNumber("size"u8, size);
        }

        if (NoSequence)
        {
            writer.WriteBoolean("no-seq"u8, true);
        }

        if (Meta is { Count: > 0 })
        {
            writer.WriteStartObject("meta"u8);
            foreach (var pair in Meta)
            {
                writer.WriteString(pair.Key, pair.Value);
            }

            writer.WriteEndObject();
        }

        writer.WriteStartObject("formats"u8);
        if (WebSocketMessage is not null)
        {
            writer.WritePropertyName("ws-message"u8);
            WebSocketMessage.WriteTo(writer);
        }

        if (HttpStream is not null)
        {
            writer.WritePropertyName("http-stream"u8);
            HttpStream.WriteTo(writer);
        }

        if (HttpResponse is not null)
        {
            writer.WritePropertyName("http-response"u8);
            HttpResponse.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
