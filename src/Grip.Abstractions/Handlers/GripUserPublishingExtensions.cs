using System.Text.Json.Serialization.Metadata;

namespace Grip;

/// <summary>
/// Users as a target (SignalR's <c>Clients.User</c>, Web PubSub's <c>SendToUser</c>): the GripHandlers
/// host subscribes every connection of a signed-in user to <see cref="GripChannels.ForUser(string)"/>
/// when it opens, so a publish to that channel reaches all of the user's connections, on any
/// origin instance.
/// </summary>
public static class GripUserPublishingExtensions
{
    /// <summary>Sends a text message to every connection of the user <paramref name="userId"/>.</summary>
    public static Task PublishToUserAsync(this IGripPublisher publisher, string userId, string text, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(GripChannels.ForUser(userId), text, cancellationToken);

    /// <summary>Sends <paramref name="value"/> as JSON text to every connection of the user <paramref name="userId"/>.</summary>
    public static Task PublishJsonToUserAsync<T>(this IGripPublisher publisher, string userId, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        publisher.PublishJsonAsync(GripChannels.ForUser(userId), value, typeInfo, cancellationToken);

    /// <summary>Closes every connection of the user <paramref name="userId"/> (for example after signing out).</summary>
    public static Task CloseUserConnectionsAsync(this IGripPublisher publisher, string userId, int code = CloseCodes.Normal, string? reason = null, CancellationToken cancellationToken = default) =>
        publisher.PublishCloseAsync(GripChannels.ForUser(userId), code, reason, cancellationToken);
}
