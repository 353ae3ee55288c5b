using System.Buffers;
using BenchmarkDotNet.Attributes;
using Grip.Protocol;

namespace Grip.Benchmarks;

/// <summary>
/// Decoding of a WebSocket-over-HTTP body of <see cref="EventCount"/> TEXT events with 64-byte
/// payloads, as Pushpin sends them. Naming: <c>Decode_&lt;reader&gt;</c>; the <c>_Baseline</c> is
/// the least any decoder must do: find every CRLF in the body.
/// </summary>
[MemoryDiagnoser]
public class CodecDecodeBenchmarks
{
    private byte[] _body = [];
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _segmented;

    [Params(1, 50)]
    public int EventCount { get; set; }

    /// <summary>The body size, for MB/s.</summary>
    public int BodyBytes => _body.Length;

    [GlobalSetup]
    public void Setup()
    {
        _body = CodecData.TextBody(EventCount, 64);
        _single = new ReadOnlySequence<byte>(_body);
        _segmented = CodecData.Segmented(_body, 512);
    }

    [Benchmark(Baseline = true)]
    public int Decode_Baseline_FindCrLf()
    {
        var span = _body.AsSpan();
        int count = 0;
        int i;
        while ((i = span.IndexOf("\r\n"u8)) >= 0)
        {
            count++;
            span = span[(i + 2)..];
        }

        return count;
    }

    [Benchmark]
    public int Decode_MemoryReader()
    {
        var reader = new WebSocketEventReader(_body);
        int total = 0;
        while (reader.Read(out var e))
        {
            total += e.Content.Length;
        }

        return total;
    }

    [Benchmark]
    public int Decode_SpanReader()
    {
        var reader = new WebSocketEventSpanReader(_body);
        int total = 0;
        while (reader.TryRead(out var e) == OperationStatus.Done)
        {
            total += e.Content.Length;
        }

        return total;
    }

    [Benchmark]
    public long Decode_SequenceReader_OneSegment()
    {
        var reader = new WebSocketEventSequenceReader(_single);
        long total = 0;
        while (reader.TryRead(out var e) == OperationStatus.Done)
        {
            total += e.Content.Length;
        }

        return total;
    }

    [Benchmark]
    public long Decode_SequenceReader_512ByteSegments()
    {
        var reader = new WebSocketEventSequenceReader(_segmented);
        long total = 0;
        while (reader.TryRead(out var e) == OperationStatus.Done)
        {
            total += e.Content.Length;
        }

        return total;
    }
}

/// <summary>Encoding of <see cref="EventCount"/> <c>m:</c>-prefixed TEXT events of 64 bytes into a reused buffer.</summary>
[MemoryDiagnoser]
public class CodecEncodeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private byte[] _payload = [];

    [Params(1, 50)]
    public int EventCount { get; set; }

    [GlobalSetup]
    public void Setup() => _payload = CodecData.Payload(64);

    [Benchmark(Baseline = true)]
    public int Encode_Baseline_CopyPayloads()
    {
        _output.ResetWrittenCount();
        for (int i = 0; i < EventCount; i++)
        {
            _payload.CopyTo(_output.GetSpan(_payload.Length));
            _output.Advance(_payload.Length);
        }

        return _output.WrittenCount;
    }

    [Benchmark]
    public int Encode_WebSocketEventWriter()
    {
        _output.ResetWrittenCount();
        for (int i = 0; i < EventCount; i++)
        {
            WebSocketEventWriter.WriteEvent(_output, WebSocketEventType.Text, "m:"u8, _payload);
        }

        return _output.WrittenCount;
    }
}

internal static class CodecData
{
    public static byte[] Payload(int size)
    {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }

    public static byte[] TextBody(int events, int payloadSize)
    {
        var writer = new ArrayBufferWriter<byte>();
        byte[] payload = Payload(payloadSize);
        for (int i = 0; i < events; i++)
        {
            WebSocketEventWriter.WriteEvent(writer, WebSocketEventType.Text, payload);
        }

        return writer.WrittenSpan.ToArray();
    }

    public static ReadOnlySequence<byte> Segmented(byte[] body, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (int i = 0; i < body.Length; i += segmentSize)
        {
            var memory = body.AsMemory(i, Math.Min(segmentSize, body.Length - i));
            if (last is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last.Append(memory);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
