using System.Security.Claims;

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
