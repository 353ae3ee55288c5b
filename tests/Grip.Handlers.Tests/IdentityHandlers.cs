using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Grip.Handlers.Tests;

/// <summary>Mapped with <c>.RequireAuthorization()</c>: only signed-in users connect.</summary>
public sealed partial class ProfileHandler
{
    [OnOpen]
    public static void Open(GripConnection connection, ClaimsPrincipal user) =>
        connection.Send("hello " + user.Identity?.Name);

    [OnMessage]
    public static string WhoAmI(string text, GripConnection connection) =>
        $"{text}: {connection.User.Identity?.Name} role={connection.User.FindFirst("role")?.Value ?? "none"}";
}

/// <summary>[Authorize] on the class: its endpoint requires the "admins" policy.</summary>
[Authorize(Policy = "admins")]
public sealed partial class AdminHandler
{
    [OnMessage]
    public static string Echo(string text) => "admin: " + text;
}

/// <summary>[Authorize] on the class, [AllowAnonymous] nowhere: any signed-in user.</summary>
[Authorize]
public sealed partial class MembersHandler
{
    [OnMessage]
    public static string Echo(string text, ClaimsPrincipal user) => user.Identity?.Name + ": " + text;
}
