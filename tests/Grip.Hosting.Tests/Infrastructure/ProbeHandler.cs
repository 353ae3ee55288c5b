using System.Collections.Concurrent;
using System.Text;
using Grip.Infrastructure;

namespace Grip.Hosting.Tests.Infrastructure;

/// <summary>What the hand-written handler saw; shared through DI.</summary>
public sealed class HandlerProbe
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public Action<GripConnection>? OnOpen { get; set; }

    public Func<GripConnection, GripMessage, ValueTask>? OnMessage { get; set; }

    public IReadOnlyDictionary<string, string>? LastMeta { get; set; }
}

/// <summary>
/// A handler implementing <see cref="IGripHandler"/> by hand, the way the generator will: a static
/// DispatchAsync calling <see cref="GripDispatcher"/> with a struct invoker. It tests hosting, not
/// the generator.
/// </summary>
public sealed class ProbeHandler(HandlerProbe probe) : IGripHandler
{
    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<ProbeHandler, Invoker>(connection, events, default, cancellationToken);

    private ValueTask OpenAsync(GripConnection connection)
    {
        probe.Calls.Enqueue("open");
        probe.LastMeta = new Dictionary<string, string>(connection.Meta.Values, StringComparer.OrdinalIgnoreCase);
        probe.OnOpen?.Invoke(connection);
        return ValueTask.CompletedTask;
    }

    private async ValueTask MessageAsync(GripConnection connection, GripMessage message)
    {
        string text = message.IsText ? message.GetText() : Convert.ToHexString(message.Data.Span);
        probe.Calls.Enqueue("message:" + text);
        probe.LastMeta = new Dictionary<string, string>(connection.Meta.Values, StringComparer.OrdinalIgnoreCase);
        if (probe.OnMessage is { } custom)
        {
            await custom(connection, message);
            return;
        }

        if (text == "throw")
        {
            throw new InvalidOperationException("secret exception text");
        }

        connection.Send("echo:" + text);
    }

    private ValueTask CloseAsync(CloseStatus status)
    {
        probe.Calls.Enqueue("close:" + (status.IsDisconnect ? "disconnect" : status.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));
        return ValueTask.CompletedTask;
    }

    public struct Invoker : IGripHandlerInvoker<ProbeHandler>
    {
        public readonly bool HasOpen => true;

        public readonly bool HasClose => true;

        // Created on first use in the batch, as the generated invoker does for instance methods.
        private static ProbeHandler Create(IServiceProvider services) => new((HandlerProbe)services.GetService(typeof(HandlerProbe))!);

        public readonly ValueTask OnOpenAsync(ref ProbeHandler? handler, GripConnection connection, CancellationToken cancellationToken) => (handler ??= Create(connection.Services)).OpenAsync(connection);

        public readonly ValueTask OnMessageAsync(ref ProbeHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) => (handler ??= Create(connection.Services)).MessageAsync(connection, message);

        public readonly ValueTask OnCloseAsync(ref ProbeHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) => (handler ??= Create(connection.Services)).CloseAsync(status);
    }
}

public static class Events
{
    public static byte[] Open => "OPEN\r\n"u8.ToArray();

    public static byte[] Text(string text)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        return [.. Encoding.ASCII.GetBytes($"TEXT {payload.Length:x}\r\n"), .. payload, .. "\r\n"u8];
    }

    public static string Decode(byte[] body) => Encoding.UTF8.GetString(body);
}
