using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grip;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PackageConsumer.Identity;

/// <summary>
/// What issue 16 asked for, from the packages: HttpContext, ClaimsPrincipal and ILogger parameters,
/// [Authorize] on the class, typed publishing to others and to users, web JSON.
/// </summary>
[Authorize]
[GripJsonContext(typeof(AccountJson))]
public sealed partial class AccountHandler(ILogger log)
{
    [OnOpen]
    public static void Open(GripConnection connection, HttpContext context, ClaimsPrincipal user)
    {
        connection.Subscribe("lobby", GripFilters.SkipSelf);
        connection.Send($"hello {user.Identity?.Name} on {context.Request.Path}");
    }

    [OnMessage("say")]
    public Task Say(Say message, GripConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        Log.Said(logger, message.Text);
        Log.Said(log, message.Text);
        return connection.PublishJsonToOthersAsync("lobby", new Said(connection.User.Identity?.Name ?? "?", message.Text), AccountJson.Default.Said, cancellationToken);
    }

    [OnMessage]
    public static string Other(string text) => "unknown: " + text;
}

public sealed record Say(string Text);

public sealed record Said(string From, string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(Say))]
[JsonSerializable(typeof(Said))]
public sealed partial class AccountJson : JsonSerializerContext;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "said {Text}")]
    public static partial void Said(ILogger logger, string text);
}
