using System.Security.Claims;

namespace Grip;

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
