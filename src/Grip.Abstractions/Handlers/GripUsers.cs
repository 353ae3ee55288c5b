using System.Security.Claims;
using System.Text.Json.Serialization.Metadata;

namespace Grip;

/// <summary>
/// Which user a connection belongs to, for per-user channels (<see cref="GripChannels.ForUser(string)"/>).
/// Register your own implementation as a singleton to use another claim; return
/// <see langword="null"/> to keep a user's connections out of user channels.
/// </summary>
public interface IGripUserIdProvider
{
    /// <summary>The user id of <paramref name="user"/>, or <see langword="null"/> for none (anonymous).</summary>
    string? GetUserId(ClaimsPrincipal user);
}

/// <summary>
/// The default <see cref="IGripUserIdProvider"/>, as SignalR's: the <see cref="ClaimTypes.NameIdentifier"/>
/// claim of an authenticated user, else its <c>sub</c> claim (a JWT's subject when inbound claim
/// mapping is off); <see langword="null"/> for an anonymous user.
/// </summary>
public sealed class GripUserIdProvider : IGripUserIdProvider
{
    /// <summary>The shared instance.</summary>
    public static GripUserIdProvider Default { get; } = new();

    /// <inheritdoc />
    public string? GetUserId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        return user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value;
    }
}

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
