using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grip.Handlers.Tests;

/// <summary>{"type":"chat.send","id":"1","text":"hi"}, as a JavaScript client sends it.</summary>
public sealed record ChatSend(string Id, string Text, string? Note = null);

/// <summary>The reply.</summary>
public sealed record ChatAck(string Id, int Length, string? Note);

/// <summary>A message with a <c>required</c> member instead of a constructor parameter.</summary>
public sealed class Rename
{
    /// <summary>The new name; required.</summary>
    public required string NewName { get; init; }
}

/// <summary>Web conventions, required and nullable annotations respected (what GRIP0017's fix adds).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ChatSend))]
[JsonSerializable(typeof(ChatAck))]
[JsonSerializable(typeof(Rename))]
public sealed partial class WebChatJson : JsonSerializerContext;

/// <summary>Typed routes only: a message that does not fit closes with 1007.</summary>
[GripJsonContext(typeof(WebChatJson))]
public sealed partial class WebChatHandler
{
    [OnMessage("chat.send")]
    public static ChatAck Send(ChatSend message) => new(message.Id, message.Text.Length, message.Note);

    [OnMessage("rename")]
    public static string Rename(Rename message) => "renamed to " + message.NewName;
}

/// <summary>The same routes with an untyped text method: a message that does not fit goes there.</summary>
[GripJsonContext(typeof(WebChatJson))]
public sealed partial class WebChatWithFallbackHandler
{
    [OnMessage("chat.send")]
    public static ChatAck Send(ChatSend message) => new(message.Id, message.Text.Length, message.Note);

    [OnMessage]
    public static string Fallback(string text) => "fallback: " + text;
}

/// <summary>Typed publishing: each chat message goes to the room as JSON, to everyone but its sender.</summary>
[GripJsonContext(typeof(WebChatJson))]
public sealed partial class RoomHandler
{
    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe("room", Grip.GripFilters.SkipSelf);

    [OnMessage("chat.send")]
    public static Task Send(ChatSend message, GripConnection connection, CancellationToken cancellationToken) =>
        connection.PublishJsonToOthersAsync("room", new ChatAck(message.Id, message.Text.Length, message.Note), WebChatJson.Default.ChatAck, cancellationToken);
}
