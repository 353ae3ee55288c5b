using System.Buffers;
using System.IO.Pipelines;
using Grip.Protocol;
using static Grip.Abstractions.Tests.Protocol.Segments;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>
/// house-style §20: every valid body whole, inside guard bytes, split at every byte, one byte per
/// segment, and every strict prefix (which must give NeedMoreData for the incomplete event and
/// consume nothing of it), for both readers.
/// </summary>
public class FragmentationMatrixTests
{
    public static TheoryData<string> Bodies => new()
    {
        "OPEN\r\n",
        "TEXT 5\r\nhello\r\n",
        "TEXT\r\n",
        "TEXT 0\r\n\r\n",
        "BINARY 3\r\n\x00\x01\xff\r\n",
        "TEXT a\r\nh\xc3\xa9llo \xe2\x9c\x93\r\n",
        "CLOSE 5\r\n\x0f\xa0" + "bye\r\n",
        "DISCONNECT\r\n",
        "OPEN\r\nTEXT 5\r\nHello\r\nTEXT 0\r\n\r\nCLOSE\r\nTEXT\r\nCLOSE\r\n",
        "PING\r\nPONG 2\r\nab\r\nPING 3\r\nxyz\r\n",
        "FOO 2\r\nxx\r\nBAR\r\nTEXT 3\r\nm:B\r\n",
        "TEXT b\r\nTEXT 1\r\nx\r\n\r\nTEXT 2\r\n\r\n\r\n",
        "TEXT 1A\r\nabcdefghijklmnopqrstuvwxyz\r\n",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Whole_and_with_guard_bytes(string text)
    {
        byte[] body = Bytes(text);
        var expected = DecodeMemory(body);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, DecodeSequence(new ReadOnlySequence<byte>(body)));

        // The body in the middle of a larger buffer: the readers must not look outside their slice.
        byte[] guarded = [.. Bytes("GUARD\r\n"), .. body, .. Bytes("TEXT 9")];
        var memory = guarded.AsMemory(7, body.Length);
        Assert.Equal(expected, DecodeMemory(memory));
        Assert.Equal(expected, DecodeSpan(memory.Span));
        Assert.Equal(expected, DecodeSequence(new ReadOnlySequence<byte>(memory)));
        Assert.Equal(expected, DecodeSequence(Create(Bytes("xx"), body, Bytes("yy")).Slice(2, body.Length)));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Split_at_every_byte_and_one_byte_per_segment(string text)
    {
        byte[] body = Bytes(text);
        var expected = DecodeMemory(body);
        for (int i = 0; i <= body.Length; i++)
        {
            Assert.Equal(expected, DecodeSequence(Split(body, i)));
            for (int j = i; j <= body.Length; j++)
            {
                Assert.Equal(expected, DecodeSequence(Split(body, i, j)));
            }
        }

        Assert.Equal(expected, DecodeSequence(Bytewise(body)));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Every_strict_prefix_needs_more_data_and_consumes_only_complete_events(string text)
    {
        byte[] body = Bytes(text);
        var ends = EventEnds(body);
        for (int length = 0; length < body.Length; length++)
        {
            byte[] prefix = body[..length];
            int complete = ends.Count(end => end <= length);
            int consumedExpected = complete == 0 ? 0 : ends[complete - 1];

            // Memory reader.
            var memoryReader = new WebSocketEventReader(prefix, isFinalBlock: false);
            int memoryEvents = 0;
            while (memoryReader.TryRead(out _) == OperationStatus.Done)
            {
                memoryEvents++;
            }

            Assert.Equal(complete, memoryEvents);
            Assert.Equal(consumedExpected, memoryReader.Consumed);

            // Span reader.
            var spanReader = new WebSocketEventSpanReader(prefix, isFinalBlock: false);
            int spanEvents = 0;
            while (spanReader.TryRead(out _) == OperationStatus.Done)
            {
                spanEvents++;
            }

            Assert.Equal(complete, spanEvents);
            Assert.Equal(consumedExpected, spanReader.Consumed);

            // Sequence reader, whole and one byte per segment.
            foreach (var sequence in new[] { new ReadOnlySequence<byte>(prefix), Bytewise(prefix) })
            {
                var reader = new WebSocketEventSequenceReader(sequence, isFinalBlock: false);
                int events = 0;
                while (reader.TryRead(out _) == OperationStatus.Done)
                {
                    events++;
                }

                Assert.Equal(complete, events);
                Assert.Equal(consumedExpected, reader.BytesConsumed);
                Assert.Equal(sequence.GetPosition(consumedExpected), reader.Consumed);
                Assert.Equal(sequence.End, reader.Examined);
            }

            // A final prefix that ends inside an event is an error, never a silent short read.
            if (consumedExpected < length || (length > 0 && complete == 0))
            {
                Assert.Throws<WebSocketFormatException>(() => DecodeMemory(prefix));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Incremental_reading_at_every_split_gives_the_same_events(string text)
    {
        byte[] body = Bytes(text);
        var expected = DecodeMemory(body);
        for (int i = 0; i <= body.Length; i++)
        {
            Assert.Equal(expected, DecodeIncrementally(body, [i]));
        }

        Assert.Equal(expected, DecodeIncrementally(body, [.. Enumerable.Range(1, body.Length)]));
    }

    [Fact]
    public async Task Reads_a_body_through_a_real_PipeReader_written_one_byte_at_a_time()
    {
        byte[] body = Bytes("OPEN\r\nTEXT 5\r\nhello\r\nBINARY 3\r\n\x00\x01\xff\r\nCLOSE 2\r\n\x03\xe8\r\n");
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 1, useSynchronizationContext: false));
        var writing = Task.Run(async () =>
        {
            foreach (byte b in body)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });

        var events = new List<string>();
        long offset = 0;
        while (true)
        {
            var result = await pipe.Reader.ReadAsync();
            var (consumed, examined, read) = ReadAvailable(result.Buffer, result.IsCompleted, offset, events);
            offset += read;
            pipe.Reader.AdvanceTo(consumed, examined);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await writing;
        Assert.Equal(DecodeMemory(body), events);
        Assert.Equal(body.Length, offset);
    }

    private static (SequencePosition Consumed, SequencePosition Examined, long Read) ReadAvailable(ReadOnlySequence<byte> buffer, bool final, long offset, List<string> events)
    {
        var reader = new WebSocketEventSequenceReader(buffer, final, offset);
        while (reader.TryRead(out var e) == OperationStatus.Done)
        {
            events.Add(Describe(e));
        }

        return (reader.Consumed, reader.Examined, reader.BytesConsumed);
    }

    private static List<int> EventEnds(byte[] body)
    {
        var ends = new List<int>();
        var reader = new WebSocketEventReader(body);
        while (reader.Read(out _))
        {
            ends.Add(reader.Position);
        }

        return ends;
    }
}
