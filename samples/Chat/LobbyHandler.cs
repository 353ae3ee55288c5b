using System.Text.Json;
using System.Text.Json.Serialization;
using Grip;

namespace Chat;

/// <summary>
/// Broadcast to others: every message reaches every other connection, never the sender. No list of
/// connections lives here: Pushpin's skip-self filter does the exclusion, so any origin instance can
/// handle any event.
/// </summary>
[GripPublishes(typeof(string), Channel = "lobby")]
public sealed partial class LobbyHandler
{
    /// <summary>The lobby channel.</summary>
    public const string Channel = "lobby";

    [OnOpen]
    public static void Open(GripConnection connection)
    {
        // Subscribing with skip-self also tags the subscription with this connection's id, which
        // PublishToOthersAsync names as the sender.
        connection.Subscribe(Channel, GripFilters.SkipSelf);
        connection.SendJson(new Connected(true, connection.Id), LobbyJsonContext.Default.Connected);
    }

    [OnMessage]
    public static async Task Message(GripConnection connection, string text, CancellationToken cancellationToken)
    {
        try
        {
            await connection.PublishToOthersAsync(Channel, $"{connection.Id} says: {text}", cancellationToken);
        }
        catch (GripPublishException ex)
        {
            // The sender hears about it on its own socket, which stays open.
            connection.Send((ex.IsUncertain ? ChatHandler.UncertainPrefix : ChatHandler.NotDeliveredPrefix) + text);
        }
    }
}

/// <summary>The greeting a lobby connection receives when it opens.</summary>
/// <param name="IsConnected">Always <see langword="true"/>.</param>
/// <param name="YourConnectionId">The connection id others see in front of this connection's messages.</param>
public sealed record Connected(
    [property: JsonPropertyName("connected")] bool IsConnected,
    string YourConnectionId);

/// <summary>Source-generated JSON metadata: no reflection, so the sample publishes with Native AOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(Connected))]
internal sealed partial class LobbyJsonContext : JsonSerializerContext;
