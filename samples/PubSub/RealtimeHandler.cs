using Grip;
using Grip.Hosting.Http;
using Grip.Publishing;

namespace PubSub;

/// <summary>
/// The realtime socket: <c>/api/realtime?token=&lt;jwt&gt;[&amp;echo=false]</c>. A typed JSON protocol
/// routed by the <c>action</c> property: subscribe, unsubscribe, publish. Nothing is kept in memory:
/// the client id, its allowed channels and its echo preference live in the connection's meta,
/// stored by the proxy.
/// </summary>
[GripJsonContext(typeof(PubSubJsonContext), DiscriminatorProperty = "action")]
[GripPublishes(typeof(ChannelMessage), Channel = "ps:{channel}")]
public sealed partial class RealtimeHandler(PubSubTokens tokens, IGripPublisher publisher)
{
    private const string ClientIdMeta = "client-id";
    private const string ChannelsMeta = "channels";
    private const string EchoMeta = "echo";

    /// <summary>The GRIP channel behind a pub/sub channel (WebSocket, SSE and long-poll subscribers alike).</summary>
    public static string GripChannel(string channel) => "ps:" + channel;

    /// <summary>Validates the token; keeps what it grants in the connection's meta.</summary>
    [OnOpen]
    public async Task Open(GripConnection connection)
    {
        var grant = await tokens.ValidateAsync(connection.Request.GetQueryValue("token"));
        if (grant is null)
        {
            connection.Reject(401, "Missing, invalid or expired token.\n");
            return;
        }

        connection.Meta.Set(ClientIdMeta, grant.ClientId);
        connection.Meta.Set(ChannelsMeta, string.Join(',', grant.Channels));
        if (string.Equals(connection.Request.GetQueryValue("echo"), "false", StringComparison.OrdinalIgnoreCase))
        {
            connection.Meta.Set(EchoMeta, "off");
        }
    }

    /// <summary><c>{"action":"subscribe","channel":"c"}</c>.</summary>
    [OnMessage("subscribe")]
    public void Subscribe(GripConnection connection, ChannelRequest request)
    {
        if (!CheckChannel(connection, request.Channel, out string? channel))
        {
            return;
        }

        // Without echo, Pushpin's skip-self filter keeps this client's own publishes away from it.
        if (connection.Meta[EchoMeta] == "off")
        {
            connection.Subscribe(GripChannel(channel), GripFilters.SkipSelf);
        }
        else
        {
            connection.Subscribe(GripChannel(channel));
        }

        connection.SendJson(new Ack("subscribed", channel), PubSubJsonContext.Default.Ack);
    }

    /// <summary><c>{"action":"unsubscribe","channel":"c"}</c>.</summary>
    [OnMessage("unsubscribe")]
    public void Unsubscribe(GripConnection connection, ChannelRequest request)
    {
        if (!CheckChannel(connection, request.Channel, out string? channel))
        {
            return;
        }

        connection.Unsubscribe(GripChannel(channel));
        connection.SendJson(new Ack("unsubscribed", channel), PubSubJsonContext.Default.Ack);
    }

    /// <summary><c>{"action":"publish","channel":"c","name":"n","data":{...}}</c>: reaches every subscriber, over WebSocket, SSE and long-poll.</summary>
    [OnMessage("publish")]
    public async Task Publish(GripConnection connection, PublishRequest request, CancellationToken cancellationToken)
    {
        if (!CheckChannel(connection, request.Channel, out string? channel))
        {
            return;
        }

        if (string.IsNullOrEmpty(request.Name) || request.Name.Length > 64)
        {
            connection.SendJson(new ErrorMessage("invalid-message", "A publish needs a 'name' of 1-64 characters.", channel), PubSubJsonContext.Default.ErrorMessage);
            return;
        }

        var message = new ChannelMessage(channel, request.Name, request.Data.ValueKind == System.Text.Json.JsonValueKind.Undefined ? default : request.Data, connection.Meta[ClientIdMeta] ?? "unknown");
        await publisher.PublishAsync(CreateItem(message, connection.Id), cancellationToken);
    }

    /// <summary>
    /// Everything the typed routes did not take: text that is not a JSON object, an unknown action, or
    /// a known action whose fields have the wrong shape. The connection stays open.
    /// </summary>
    [OnMessage]
    public static void Unknown(GripConnection connection, string text)
    {
        string? action = null;
        bool isObject = false;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            isObject = document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
            if (isObject && document.RootElement.TryGetProperty("action", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                action = value.GetString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var error = !isObject
            ? new ErrorMessage("malformed-json", "Messages are JSON objects with an 'action'.")
            : action is "subscribe" or "unsubscribe" or "publish"
                ? new ErrorMessage("invalid-message", $"The '{action}' message has a field of the wrong type.")
                : new ErrorMessage("unknown-action", "The 'action' must be subscribe, unsubscribe or publish.");
        connection.SendJson(error, PubSubJsonContext.Default.ErrorMessage);
    }

    /// <summary>One publish item with three formats: the same message reaches WebSocket, SSE and long-poll subscribers.</summary>
    public static PublishItem CreateItem(ChannelMessage message, string? senderConnectionId)
    {
        string json = System.Text.Json.JsonSerializer.Serialize(message, PubSubJsonContext.Default.ChannelMessage);
        return new PublishItem(GripChannel(message.Channel))
        {
            Meta = senderConnectionId is null ? null : new Dictionary<string, string> { [GripConnection.SkipSelfSenderMeta] = senderConnectionId },
            WebSocketMessage = WebSocketMessageFormat.FromText(json),
            HttpStream = HttpStreamFormat.FromText(GripResults.FormatServerSentEvent(json, "message")),
            HttpResponse = new HttpResponseFormat(System.Text.Encoding.UTF8.GetBytes(json)) { Headers = [new("Content-Type", "application/json")] },
        };
    }

    private static bool CheckChannel(GripConnection connection, string? requested, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? channel)
    {
        channel = null;
        if (requested is null || !ChannelPatterns.ChannelName().IsMatch(requested))
        {
            connection.SendJson(new ErrorMessage("invalid-channel", "Channel names are 1-64 letters, digits or -_.:", requested), PubSubJsonContext.Default.ErrorMessage);
            return false;
        }

        string[] allowed = (connection.Meta[ChannelsMeta] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (!ChannelPatterns.Allows(allowed, requested))
        {
            connection.SendJson(new ErrorMessage("channel-not-allowed", "Your token does not allow this channel.", requested), PubSubJsonContext.Default.ErrorMessage);
            return false;
        }

        channel = requested;
        return true;
    }
}
