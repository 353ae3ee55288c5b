using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Grip.Protocol;

namespace Grip.Benchmarks;

/// <summary>
/// The per-event cost of a batch: 50 TEXT events in one body (the load harness's batch50 scenario),
/// each echoed back, as the Echo sample does. Every result is per event (<c>OperationsPerInvoke = 50</c>).
/// </summary>
/// <remarks>
/// <para>
/// <c>X_Baseline</c> is the hand-written loop doing the same reading and writing with the codec
/// (<see cref="WebSocketEventReader"/>, <see cref="WebSocketEventWriter"/>) into one reused buffer;
/// <c>X_Generated</c> runs the batch through the generated <see cref="IGripHandler.DispatchAsync"/>
/// with a new <see cref="GripConnection"/> and <see cref="Infrastructure.GripResponse"/> per batch, as a
/// host does per request. <see cref="Connection_Only"/> is that per-batch connection alone (created,
/// disposed, nothing dispatched), shared over the 50 events, so the dispatch's own share is
/// <c>Generated - Connection_Only</c>.
/// </para>
/// <para>
/// <c>Text_*</c>: the handler takes and sends a <see langword="string"/> (UTF-8 decoded, then encoded
/// again). <c>Utf8_*</c>: the handler takes the <see cref="GripMessage"/> and sends its UTF-8 bytes
/// back as they came (samples/Echo). Results: docs/performance.md.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class BatchDispatchBenchmarks
{
    private const int Events = 50;

    private readonly ArrayBufferWriter<byte> _replies = new(8192);
    private ReadOnlyMemory<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new ArrayBufferWriter<byte>();
        byte[] line = Encoding.UTF8.GetBytes("hello from a client, a typical short chat line");
        for (int i = 0; i < Events; i++)
        {
            WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Text, line);
        }

        _batch = buffer.WrittenMemory.ToArray();

        // The handlers answer what they are sent: check once that all 50 replies come back.
        if (Text_Generated() != Utf8_Generated() || Utf8_Generated() != Utf8_Baseline() || Text_Baseline() != Utf8_Baseline())
        {
            throw new InvalidOperationException("The baseline and generated echoes answered differently.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int Utf8_Baseline()
    {
        _replies.ResetWrittenCount();
        var reader = new WebSocketEventReader(_batch);
        while (reader.Read(out var e))
        {
            if (e.Type == WebSocketEventType.Text)
            {
                WebSocketEventWriter.WriteEvent(_replies, WebSocketEventType.Text, "m:"u8, e.Content.Span);
            }
        }

        return _replies.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int Utf8_Generated() => Run<EchoUtf8Handler>(_batch);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Text_Baseline()
    {
        _replies.ResetWrittenCount();
        Span<byte> utf8 = stackalloc byte[256];
        var reader = new WebSocketEventReader(_batch);
        while (reader.Read(out var e))
        {
            if (e.Type == WebSocketEventType.Text)
            {
                string text = e.GetText();
                int n = Encoding.UTF8.GetBytes(text, utf8);
                WebSocketEventWriter.WriteEvent(_replies, WebSocketEventType.Text, "m:"u8, utf8[..n]);
            }
        }

        return _replies.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int Text_Generated() => Run<EchoTextHandler>(_batch);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Connection_Only()
    {
        using var connection = new GripConnection("bench", BenchRequest.Instance, NoServices.Instance);
        return connection.Id.Length;
    }

    private static int Run<T>(ReadOnlyMemory<byte> batch)
        where T : IGripHandler
    {
        var response = new Infrastructure.GripResponse();
        using var connection = new GripConnection("bench", BenchRequest.Instance, NoServices.Instance, response: response);
        var pending = T.DispatchAsync(connection, batch, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The echo handlers complete synchronously.");
        }

        return response.Events.Length;
    }

    private sealed class BenchRequest : IGripRequest
    {
        public static readonly BenchRequest Instance = new();

        public string Path => "/bench";

        public string QueryString => string.Empty;

        public string? GetQueryValue(string name) => null;

        public string? GetHeader(string name) => null;
    }

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}

/// <summary>An echo of text as strings: decoded from UTF-8, encoded again.</summary>
public sealed partial class EchoTextHandler
{
    [OnMessage]
    public static void Echo(GripConnection connection, string text) => connection.Send(text);
}

/// <summary>An echo of the bytes as they came (samples/Echo).</summary>
public sealed partial class EchoUtf8Handler
{
    [OnMessage]
    public static void Echo(GripConnection connection, GripMessage message)
    {
        if (message.IsText)
        {
            connection.SendUtf8(message.Data.Span);
        }
        else
        {
            connection.SendBinary(message.Data.Span);
        }
    }
}
