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

internal sealed class TestRequest(string path = "/ws", string query = "", Dictionary<string, string>? headers = null) : IGripRequest
{
    public string Path { get; } = path;

    public string QueryString { get; } = query;

    public string? GetQueryValue(string name)
    {
        foreach (string part in QueryString.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = part.Split('=', 2);
            if (kv[0] == name)
            {
                return kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            }
        }

        return null;
    }

    public string? GetHeader(string name) => headers is not null && headers.TryGetValue(name, out string? v) ? v : null;
}

/// <summary>A minimal service provider: what the generated code needs is IServiceProvider.GetService.</summary>
internal sealed class TestServices : Microsoft.Extensions.DependencyInjection.IKeyedServiceProvider
{
    private readonly Dictionary<Type, object> _services = [];
    private readonly Dictionary<(Type, object), object> _keyed = [];

    public TestServices AddKeyed<T>(object key, T service)
        where T : class
    {
        _keyed[(typeof(T), key)] = service;
        return this;
    }

    public object? GetKeyedService(Type serviceType, object? serviceKey) =>
        serviceKey is not null && _keyed.TryGetValue((serviceType, serviceKey), out object? s) ? s : null;

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
        GetKeyedService(serviceType, serviceKey) ?? throw new InvalidOperationException($"No keyed service {serviceType.Name} '{serviceKey}'.");

    public TestServices Add<T>(T service)
        where T : class
    {
        _services[typeof(T)] = service;
        return this;
    }

    public object? GetService(Type serviceType) => _services.GetValueOrDefault(serviceType);
}

internal static class Dispatch
{
    public static async Task<GripConnection> RunAsync<THandler>(ReadOnlyMemory<byte> batch, IServiceProvider? services = null, IGripRequest? request = null, string id = "conn-1", CancellationToken cancellationToken = default)
        where THandler : IGripHandler
    {
        var connection = new GripConnection(id, request ?? new TestRequest(), services ?? new TestServices());
        await THandler.DispatchAsync(connection, batch, cancellationToken);
        return connection;
    }
}
