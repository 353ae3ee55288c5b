using System.Buffers;
using System.Text;
using Grip.Protocol;

namespace Grip.Generators.Tests.Infrastructure;

/// <summary>Builds request batches and reads response events, with the real codec.</summary>
internal static class Wire
{
    public static ReadOnlyMemory<byte> Batch(params (WebSocketEventType Type, object? Content)[] events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (type, content) in events)
        {
            switch (content)
            {
                case null:
                    WebSocketEventWriter.WriteEvent(buffer, type);
                    break;
                case string text:
                    WebSocketEventWriter.WriteEvent(buffer, type, Encoding.UTF8.GetBytes(text));
                    break;
                case byte[] bytes:
                    WebSocketEventWriter.WriteEvent(buffer, type, bytes);
                    break;
                default:
                    throw new ArgumentException("content must be null, string or byte[]");
            }
        }

        return buffer.WrittenMemory.ToArray();
    }

    public static byte[] CloseCode(int code, string reason = "") =>
        [(byte)(code >> 8), (byte)code, .. Encoding.UTF8.GetBytes(reason)];

    public static List<(WebSocketEventType Type, byte[] Content)> Events(GripConnection connection)
    {
        var list = new List<(WebSocketEventType, byte[])>();
        var reader = new WebSocketEventReader(connection.Response.Events);
        while (reader.Read(out var e))
        {
            list.Add((e.Type, e.Content.ToArray()));
        }

        return list;
    }

    /// <summary>Events as short strings: "OPEN", "TEXT m:hi", "CLOSE 1000", "PONG abc", ...</summary>
    public static List<string> Describe(GripConnection connection) =>
        Events(connection).Select(e => e.Type switch
        {
            WebSocketEventType.Close when e.Content.Length >= 2 => $"CLOSE {(e.Content[0] << 8) | e.Content[1]}{(e.Content.Length > 2 ? " " + Encoding.UTF8.GetString(e.Content, 2, e.Content.Length - 2) : string.Empty)}",
            WebSocketEventType.Binary => "BINARY " + Encoding.UTF8.GetString(e.Content),
            _ when e.Content.Length == 0 => e.Type.ToString().ToUpperInvariant(),
            _ => e.Type.ToString().ToUpperInvariant() + " " + Encoding.UTF8.GetString(e.Content),
        }).ToList();
}

internal static class Dispatch
{
    public static async Task<GripConnection> RunAsync<THandler>(ReadOnlyMemory<byte> batch, IServiceProvider? services = null, IGripRequest? request = null, string id = "conn-1", CancellationToken cancellationToken = default)
        where THandler : IGripHandler
    {
        var connection = new GripConnection(id, request ?? new TestGripRequest(), services ?? new TestServices());
        await THandler.DispatchAsync(connection, batch, cancellationToken);
        return connection;
    }
}
