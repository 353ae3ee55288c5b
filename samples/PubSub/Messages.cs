using System.Text.Json;
using System.Text.Json.Serialization;

namespace PubSub;

/// <summary><c>{"action":"subscribe","channel":"c"}</c> or <c>{"action":"unsubscribe","channel":"c"}</c>.</summary>
/// <param name="Channel">The channel name.</param>
public sealed record ChannelRequest(string? Channel = null);

/// <summary><c>{"action":"publish","channel":"c","name":"n","data":{...}}</c>.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Name">The event name.</param>
/// <param name="Data">Any JSON value.</param>
public sealed record PublishRequest(
    string? Channel = null,
    string? Name = null,
    JsonElement Data = default);

/// <summary>What every subscriber of a channel receives for a publish.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Name">The event name.</param>
/// <param name="Data">The published JSON value.</param>
/// <param name="ClientId">The publisher's client id, from its token.</param>
public sealed record ChannelMessage(
    string Channel,
    string Name,
    JsonElement Data,
    string ClientId);

/// <summary>An acknowledgement: <c>{"action":"subscribed","channel":"c"}</c> and the like.</summary>
/// <param name="Action">subscribed, unsubscribed.</param>
/// <param name="Channel">The channel.</param>
public sealed record Ack(
    string Action,
    string Channel);

/// <summary>A typed error: <c>{"action":"error","code":"…","message":"…"}</c>. The connection stays open.</summary>
/// <param name="Code">A stable code: malformed-json, unknown-action, invalid-channel, channel-not-allowed, invalid-message.</param>
/// <param name="Message">Words for people.</param>
/// <param name="Channel">The channel concerned, if any.</param>
public sealed record ErrorMessage(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Channel = null)
{
    /// <summary>Always <c>error</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Action => "error";
}

/// <summary>The answer of <c>GET /api/token</c>.</summary>
/// <param name="Token">The JWT.</param>
/// <param name="Expires">When it expires (ISO 8601).</param>
public sealed record TokenResponse(
    string Token,
    DateTimeOffset Expires);

/// <summary>The body a long-poll gets when its timeout passes without a publish.</summary>
/// <param name="Channel">The channel polled.</param>
/// <param name="Messages">Always empty.</param>
public sealed record PollTimeout(
    string Channel,
    IReadOnlyList<ChannelMessage> Messages);

/// <summary>
/// Source-generated JSON metadata for every message: no reflection, so the sample publishes with
/// Native AOT. Web conventions: camelCase names (no [JsonPropertyName] on every property), and
/// required and nullable annotations respected (an optional property has a default).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ChannelRequest))]
[JsonSerializable(typeof(PublishRequest))]
[JsonSerializable(typeof(ChannelMessage))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(PollTimeout))]
internal sealed partial class PubSubJsonContext : JsonSerializerContext;
