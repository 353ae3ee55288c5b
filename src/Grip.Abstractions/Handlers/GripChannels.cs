
namespace Grip;

/// <summary>
/// Per-connection channels: a connection that subscribes to its own channel can be sent to later,
/// from any request or process, by publishing to that channel. Opt-in: a connection gets no such
/// channel unless it calls <see cref="GripChannelExtensions.SubscribeToOwnChannel(GripConnection)"/>.
/// </summary>
public static class GripChannels
{
    /// <summary>The prefix of per-connection channel names.</summary>
    public const string ConnectionPrefix = "grip.connection.";

    /// <summary>The prefix of per-user channel names.</summary>
    public const string UserPrefix = "grip.user.";

    /// <summary>
    /// The one check of a channel name, for subscriptions and publishes alike: non-empty and free of
    /// control characters (Pushpin refuses anything else: the connection is dropped or the publish fails).
    /// The generator's GRIP diagnostic for a constant channel name applies the same rule at build time.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is empty or has a control character.</exception>
    internal static void ValidateName(string channel, string paramName)
    {
        ArgumentNullException.ThrowIfNull(channel, paramName);
        if (channel.Length == 0)
        {
            throw new ArgumentException("A channel name must not be empty (Pushpin needs a non-empty channel).", paramName);
        }

        foreach (char c in channel)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("A channel name must not contain control characters.", paramName);
            }
        }
    }

    /// <summary>The channel of the connection <paramref name="connectionId"/>.</summary>
    public static string ForConnection(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        return ConnectionPrefix + connectionId;
    }

    /// <summary>
    /// The channel of the user <paramref name="userId"/> (<see cref="IGripUserIdProvider"/>): every
    /// connection of a signed-in user is subscribed to it when it opens.
    /// </summary>
    /// <exception cref="ArgumentException">The id is empty or contains control characters (not a valid channel name).</exception>
    public static string ForUser(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        foreach (char c in userId)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("A user id used in a channel name must not contain control characters.", nameof(userId));
            }
        }

        return UserPrefix + userId;
    }
}
