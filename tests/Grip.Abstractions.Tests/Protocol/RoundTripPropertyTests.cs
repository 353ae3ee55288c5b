using System.Buffers;
using CsCheck;
using Grip.Protocol;
using static Grip.Abstractions.Tests.Protocol.Segments;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>Random event lists survive encode then decode unchanged, with both readers and random splits.</summary>
public class RoundTripPropertyTests
{
    private static readonly WebSocketEventType[] Known =
    [
        WebSocketEventType.Open, WebSocketEventType.Text, WebSocketEventType.Binary, WebSocketEventType.Ping,
        WebSocketEventType.Pong, WebSocketEventType.Close, WebSocketEventType.Disconnect,
    ];

    // Payload bytes biased towards the ones that break decoders: CR, LF, space, digits, multi-byte UTF-8.
    private static readonly Gen<byte> InterestingByte = Gen.OneOf(
        Gen.Byte,
        Gen.OneOf((byte)'\r', (byte)'\n', (byte)' ', (byte)'0', (byte)'T', (byte)0xE2, (byte)0x9C, (byte)0x93, (byte)0xC3, (byte)0xA9));

    private static readonly Gen<byte[]?> Content = Gen.Frequency(
        (1, Gen.Const((byte[]?)null)),
        (1, Gen.Const((byte[]?)Array.Empty<byte>())),
        (4, InterestingByte.Array[1, 40].Select(a => (byte[]?)a)),
        (1, Gen.String.Select(s => (byte[]?)System.Text.Encoding.UTF8.GetBytes(s))),
        (1, InterestingByte.Array[200, 70000].Select(a => (byte[]?)a)));

    private static readonly Gen<string> UnknownName = Gen.Char['!', '~'].Array[1, 12]
        .Select(c => new string(c))
        .Where(s => WebSocketEventTypes_IsUnknown(s));

    private static readonly Gen<WebSocketEvent> Event = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf(Known), Content, (t, c) => new WebSocketEvent(t, AsContent(c)))),
        (1, Gen.Select(UnknownName, Content, (n, c) => WebSocketEvent.CreateUnknown(System.Text.Encoding.ASCII.GetBytes(n), AsContent(c)))));

    private static readonly Gen<WebSocketEvent[]> Events = Event.Array[0, 20];

    [Fact]
    public void Encode_then_decode_with_the_memory_reader() =>
        Events.Sample(events =>
        {
            byte[] body = Encode(events);
            var reader = new WebSocketEventReader(body);
            var decoded = new List<WebSocketEvent>();
            while (reader.Read(out var e))
            {
                decoded.Add(e);
            }

            return Same(events, decoded);
        }, iter: 500);

    [Fact]
    public void Encode_then_decode_with_the_sequence_reader_split_anywhere() =>
        Gen.Select(Events, Gen.Int[0, 1000].Array[0, 6]).Sample((events, cuts) =>
        {
            byte[] body = Encode(events);
            int[] at = [.. cuts.Select(c => body.Length == 0 ? 0 : c % (body.Length + 1)).Order()];
            var reader = new WebSocketEventSequenceReader(Split(body, at));
            var decoded = new List<WebSocketEvent>();
            while (reader.Read(out var e))
            {
                decoded.Add(e.ToEvent());
            }

            return Same(events, decoded);
        }, iter: 500);

    [Fact]
    public void Encode_then_decode_incrementally() =>
        Gen.Select(Events, Gen.Int[1, 64]).Sample((events, chunk) =>
        {
            byte[] body = Encode(events);
            var expected = events.Select(Describe).ToList();
            var ends = Enumerable.Range(1, body.Length / chunk).Select(i => i * chunk).ToList();
            return expected.SequenceEqual(DecodeIncrementally(body, ends));
        }, iter: 300);

    // Careful: a null byte[] converts to a non-null, empty ReadOnlyMemory<byte>?; keep null as null.
    private static ReadOnlyMemory<byte>? AsContent(byte[]? content) => content is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(content);

    [Fact]
    public void The_generator_produces_events_without_content_and_with_empty_content()
    {
        var sample = Events.Array[50].Single();
        Assert.Contains(sample.SelectMany(a => a), e => !e.HasContent);
        Assert.Contains(sample.SelectMany(a => a), e => e.HasContent && e.Content.IsEmpty);
    }

    private static bool Same(WebSocketEvent[] expected, List<WebSocketEvent> actual) =>
        expected.Length == actual.Count && expected.Zip(actual).All(p => p.First == p.Second && p.First.Type == p.Second.Type);

    private static byte[] Encode(WebSocketEvent[] events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var e in events)
        {
            WebSocketEventWriter.WriteEvent(buffer, e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool WebSocketEventTypes_IsUnknown(string name) =>
        name is not ("OPEN" or "TEXT" or "BINARY" or "PING" or "PONG" or "CLOSE" or "DISCONNECT");
}
