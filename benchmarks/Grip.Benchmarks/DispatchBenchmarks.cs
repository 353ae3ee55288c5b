using System.Buffers;
using System.Text;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Grip.Protocol;

namespace Grip.Benchmarks;

/// <summary>
/// Generated dispatch against a hand-written direct call. Naming: <c>X_Baseline</c> is the
/// hand-written loop (read events, call the method), <c>X_Generated</c> the same work through the
/// generated <see cref="IGripHandler"/> and the lifecycle dispatcher. Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private GripConnection _connection = null!;
    private ReadOnlyMemory<byte> _binaryBatch;
    private ReadOnlyMemory<byte> _textBatch;
    private ReadOnlyMemory<byte> _typedBatch;

    [GlobalSetup]
    public void Setup()
    {
        // A realistic small batch: what Pushpin posts for one client message.
        _binaryBatch = Batch(WebSocketEventType.Binary, new byte[64]);
        _textBatch = Batch(WebSocketEventType.Text, Encoding.UTF8.GetBytes("hello from a client, a typical short chat line"));
        _typedBatch = Batch(WebSocketEventType.Text, """{"type":"chat.send","text":"hello from a client"}"""u8.ToArray());

        // Handlers below never write to the connection, so one connection serves every iteration.
        _connection = new GripConnection("bench", new BenchRequest(), new NoServices());
    }

    [Benchmark(Baseline = true)]
    public long Memory_Baseline()
    {
        var reader = new WebSocketEventReader(_binaryBatch);
        while (reader.Read(out var e))
        {
            if (e.Type == WebSocketEventType.Binary)
            {
                MemoryHandler.OnBytes(e.Content);
            }
        }

        return MemoryHandler.Total;
    }

    [Benchmark]
    public ValueTask Memory_Generated() => Run<MemoryHandler>(_connection, _binaryBatch);

    [Benchmark]
    public long Text_Baseline()
    {
        var reader = new WebSocketEventReader(_textBatch);
        while (reader.Read(out var e))
        {
            if (e.Type == WebSocketEventType.Text)
            {
                TextHandler.OnText(e.GetText());
            }
        }

        return TextHandler.Total;
    }

    [Benchmark]
    public ValueTask Text_Generated() => Run<TextHandler>(_connection, _textBatch);

    /// <summary>
    /// The direct call for a typed message: read the batch, deserialize the JSON with the same
    /// <see cref="BenchJson"/> metadata, call the method. What it allocates is what System.Text.Json
    /// allocates for the object; the generated path should allocate exactly as much.
    /// </summary>
    [Benchmark]
    public long Typed_Baseline()
    {
        var reader = new WebSocketEventReader(_typedBatch);
        while (reader.Read(out var e))
        {
            if (e.Type == WebSocketEventType.Text)
            {
                var chat = System.Text.Json.JsonSerializer.Deserialize(e.Content.Span, BenchJson.Default.BenchChat);
                if (chat is not null)
                {
                    TypedHandler.Send(chat);
                }
            }
        }

        return TypedHandler.Total;
    }

    [Benchmark]
    public ValueTask Typed_Generated() => Run<TypedHandler>(_connection, _typedBatch);

    private static ValueTask Run<T>(GripConnection connection, ReadOnlyMemory<byte> batch)
        where T : IGripHandler => T.DispatchAsync(connection, batch, CancellationToken.None);

    private static ReadOnlyMemory<byte> Batch(WebSocketEventType type, byte[] content)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, type, content);
        return buffer.WrittenMemory.ToArray();
    }

    private sealed class BenchRequest : IGripRequest
    {
        public string Path => "/bench";

        public string QueryString => string.Empty;

        public string? GetQueryValue(string name) => null;

        public string? GetHeader(string name) => null;
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}

public sealed partial class MemoryHandler
{
    public static long Total { get; private set; }

    [OnMessage]
    public static void OnBytes(ReadOnlyMemory<byte> data) => Total += data.Length;
}

public sealed partial class TextHandler
{
    public static long Total { get; private set; }

    [OnMessage]
    public static void OnText(string text) => Total += text.Length;
}

public sealed record BenchChat(string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchChat))]
public sealed partial class BenchJson : JsonSerializerContext;

[GripJsonContext(typeof(BenchJson))]
public sealed partial class TypedHandler
{
    public static long Total { get; private set; }

    [OnMessage("chat.send")]
    public static void Send(BenchChat chat) => Total += chat.Text.Length;
}
