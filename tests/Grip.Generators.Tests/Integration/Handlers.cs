using System.Text.Json.Serialization;

// These handler classes are compiled by the GripHandlers generator inside this project's own build
// (TreatWarningsAsErrors, nullable, latest-recommended analyzers): the integration check that
// generated code builds cleanly in a real project. LifecycleTests run them on real event batches.
namespace Grip.Generators.Tests.Integration;

public sealed class CallLog
{
    public List<string> Calls { get; } = [];
}

public interface IGreeting
{
    string Greet(string name);
}

public sealed class Greeting : IGreeting
{
    public string Greet(string name) => "hello " + name;
}

public sealed class LoudGreeting : IGreeting
{
    public string Greet(string name) => "HELLO " + name.ToUpperInvariant();
}

public sealed partial class LifecycleHandler(CallLog log)
{
    [OnOpen]
    public void Open(GripConnection connection)
    {
        log.Calls.Add("open " + connection.Id);
        switch (connection.Request.GetQueryValue("mode"))
        {
            case "reject":
                connection.Reject(403, "go away");
                break;
            case "throw":
                throw new InvalidOperationException("secret detail from open");
        }
    }

    [OnMessage]
    public string? Text(string text, GripConnection connection, CancellationToken cancellationToken)
    {
        log.Calls.Add("text " + text);
        return text switch
        {
            "cancel" => Cancel(cancellationToken),
            "boom" => throw new InvalidOperationException("secret detail from message"),
            "close" => Close(connection),
            "silent" => null,
            _ => "echo:" + text,
        };

        static string? Cancel(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            return "not cancelled";
        }

        static string? Close(GripConnection c)
        {
            c.Close(4000, "bye");
            return "never sent";
        }
    }

    [OnMessage]
    public byte[] Binary(byte[] data)
    {
        log.Calls.Add("binary " + data.Length);
        return [.. data, 0xFF];
    }

    [OnClose]
    public void Closed(CloseStatus status)
    {
        log.Calls.Add(status.IsDisconnect ? "disconnect" : $"close {status.Code} {status.Reason}");
        if (status.Reason == "throw")
        {
            throw new InvalidOperationException("from close");
        }
    }
}

/// <summary>No [OnOpen], no [OnClose], no binary handler.</summary>
public partial class TextOnlyHandler
{
    [OnMessage]
    public static Task<string> Upper(string text, CancellationToken cancellationToken) =>
        Task.FromResult(cancellationToken.IsCancellationRequested ? "cancelled" : text.ToUpperInvariant());
}

/// <summary>Constructor and method services, optional services, and the connection's API.</summary>
public partial class ServicesHandler(IGreeting greeting)
{
    [OnOpen]
    public static ValueTask Open(GripConnection connection)
    {
        connection.Subscribe("room", Grip.GripFilters.SkipSelf);
        return ValueTask.CompletedTask;
    }

    [OnMessage]
    public string Message(string name, CallLog log, IGripPublisher? publisher, [Microsoft.Extensions.DependencyInjection.FromKeyedServices("loud")] IGreeting? loud)
    {
        log.Calls.Add("publisher " + (publisher is null ? "missing" : "present"));
        return loud is null ? greeting.Greet(name) : loud.Greet(name);
    }
}

public sealed record ChatSend(string Text);

public sealed record ChatAck(string Echo, int Length);

public sealed record Rename(string Name);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatSend))]
[JsonSerializable(typeof(ChatAck))]
[JsonSerializable(typeof(Rename))]
public sealed partial class ChatJson : JsonSerializerContext;

/// <summary>Typed routes, no untyped fallback: unmatched text closes 1003, bad JSON 1007.</summary>
[GripJsonContext(typeof(ChatJson))]
public partial class TypedHandler
{
    [OnMessage("chat.send")]
    public ChatAck Send(ChatSend message) => new(message.Text, message.Text.Length);

    [OnMessage("rename")]
    public async ValueTask<string> RenameAsync(Rename rename, GripConnection connection)
    {
        await Task.Yield();
        connection.Meta.Set("name", rename.Name);
        return "renamed";
    }
}

/// <summary>Typed routes plus an untyped text fallback and a GripMessage binary handler.</summary>
[GripJsonContext(typeof(ChatJson), DiscriminatorProperty = "op")]
public partial class TypedWithFallbackHandler
{
    [OnMessage("chat.send")]
    public static string Send(ChatSend message) => "typed:" + message.Text;

    [OnMessage("raw")]
    public static ReadOnlyMemory<byte> Raw(ReadOnlyMemory<byte> json) => json;

    [OnMessage]
    public static string Fallback(string text) => "fallback:" + text;
}

/// <summary>A handler whose whole-message JSON (no discriminator) is one type.</summary>
[GripJsonContext(typeof(ChatJson))]
public partial class WholeJsonHandler
{
    [OnMessage]
    public static Task<ChatAck> Echo(ChatSend message) => Task.FromResult(new ChatAck(message.Text, message.Text.Length));
}

/// <summary>Really asynchronous handlers: the dispatcher's awaiting paths.</summary>
public partial class AsyncHandler
{
    [OnMessage]
    public static async Task<string> Text(string text)
    {
        await Task.Yield();
        return text == "boom" ? throw new InvalidOperationException("async failure") : "async:" + text;
    }
}
