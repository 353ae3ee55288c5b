using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grip.Handlers.Tests;

/// <summary>
/// The three mistakes of issue 16 item 2 that used to build and fail at run time, written as they
/// were tried: an HttpContext in [OnOpen], a non-generic ILogger, and the user. They work now.
/// </summary>
public sealed partial class RequestHandler(ILogger log)
{
    [OnOpen]
    public void Open(GripConnection connection, HttpContext context)
    {
        Log.Opened(log, context.Request.Path.Value);
        connection.Send($"open {context.Request.Path}{context.Request.QueryString} via {context.Request.Headers["X-Client"]}");
    }

    [OnMessage]
    public string Text(string text, ClaimsPrincipal user, ILogger logger, HttpContext context)
    {
        Log.Received(logger, text);
        string who = user.Identity is { IsAuthenticated: true } identity ? identity.Name ?? "?" : "anonymous";

        // The same request: the handler's HttpContext and the connection's user are one.
        bool same = ReferenceEquals(user, context.User);
        return $"{text} from {who} (same user: {same}, connection-id: {context.Request.Headers["Connection-Id"].Count == 1})";
    }
}

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "open {Path}")]
    public static partial void Opened(ILogger logger, string? path);

    [LoggerMessage(Level = LogLevel.Information, Message = "text {Text}")]
    public static partial void Received(ILogger logger, string text);
}

/// <summary>An echo of static methods only: it asks for neither services nor the user.</summary>
public sealed partial class StaticEchoHandler
{
    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe("echo");

    [OnMessage]
    public static string Echo(string text) => text;
}
