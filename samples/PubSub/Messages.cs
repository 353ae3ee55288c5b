using System.Text.Json;
using System.Text.Json.Serialization;

namespace PubSub;

/// <summary><c>{"action":"subscribe","channel":"c"}</c> or <c>{"action":"unsubscribe","channel":"c"}</c>.</summary>
/// <param name="Channel">The channel name.</param>
public sealed record ChannelRequest([property: JsonPropertyName("channel")] string? Channel);

/// <summary><c>{"action":"publish","channel":"c","name":"n","data":{...}}</c>.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Name">The event name.</param>
/// <param name="Data">Any JSON value.</param>
public sealed record PublishRequest(
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("data")] JsonElement Data);

/// <summary>What every subscriber of a channel receives for a publish.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Name">The event name.</param>
/// <param name="Data">The published JSON value.</param>
/// <param name="ClientId">The publisher's client id, from its token.</param>
public sealed record ChannelMessage(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("clientId")] string ClientId);

/// <summary>An acknowledgement: <c>{"action":"subscribed","channel":"c"}</c> and the like.</summary>
/// <param name="Action">subscribed, unsubscribed.</param>
/// <param name="Channel">The channel.</param>
public sealed record Ack(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("channel")] string Channel);

/// <summary>A typed error: <c>{"action":"error","code":"…","message":"…"}</c>. The connection stays open.</summary>
/// <param name="Code">A stable code: malformed-json, unknown-action, invalid-channel, channel-not-allowed, invalid-message.</param>
/// <param name="Message">Words for people.</param>
/// <param name="Channel">The channel concerned, if any.</param>
public sealed record ErrorMessage(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("channel"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Channel = null)
{
    /// <summary>Always <c>error</c>.</summary>
    [JsonPropertyName("action")]
    [JsonPropertyOrder(-1)]
    public string Action => "error";
}

/// <summary>The answer of <c>GET /api/token</c>.</summary>
/// <param name="Token">The JWT.</param>
/// <param name="Expires">When it expires (ISO 8601).</param>
public sealed record TokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires);

/// <summary>The body a long-poll gets when its timeout passes without a publish.</summary>
/// <param name="Channel">The channel polled.</param>
/// <param name="Messages">Always empty.</param>
public sealed record PollTimeout(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("messages")] IReadOnlyList<ChannelMessage> Messages);

/// <summary>Source-generated JSON metadata for every message: no reflection, so the sample publishes with Native AOT.</summary>
[JsonSerializable(typeof(ChannelRequest))]
[JsonSerializable(typeof(PublishRequest))]
[JsonSerializable(typeof(ChannelMessage))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(PollTimeout))]
internal sealed partial class PubSubJsonContext : JsonSerializerContext;
