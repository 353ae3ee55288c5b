using System.Buffers;
using CsCheck;
using Grip.Protocol;
using static Grip.Abstractions.Tests.Protocol.Segments;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>
/// Arbitrary bytes: each reader either decodes them or throws WebSocketFormatException (never
/// IndexOutOfRange or anything else), and both readers, however the bytes are split, agree on the
/// events and on the offset of the error.
/// </summary>
public class FuzzPropertyTests
{
    // Bytes built from grammar pieces, so that many inputs get deep into the parser.
    private static readonly Gen<byte[]> Piece = Gen.OneOf(
        Gen.Const("TEXT"u8.ToArray()),
        Gen.Const("CLOSE"u8.ToArray()),
        Gen.Const(" "u8.ToArray()),
        Gen.Const("\r\n"u8.ToArray()),
        Gen.Const("\r"u8.ToArray()),
        Gen.Const("\n"u8.ToArray()),
        Gen.Int[0, 40].Select(n => System.Text.Encoding.ASCII.GetBytes(n.ToString("x", System.Globalization.CultureInfo.InvariantCulture))),
        Gen.Byte.Array[0, 6]);

    private static readonly Gen<byte[]> Body = Piece.Array[0, 30].Select(pieces => pieces.SelectMany(p => p).ToArray());

    // Valid bodies with one byte changed, inserted or removed.
    private static readonly Gen<byte[]> Mutated = Gen.Select(Gen.Int[0, 5].Array[1, 6], Gen.Int, Gen.Byte, Gen.Int[0, 2], (lengths, at, value, op) =>
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (int n in lengths)
        {
            WebSocketEventWriter.WriteEvent(writer, WebSocketEventType.Text, new byte[n]);
        }

        var bytes = writer.WrittenSpan.ToArray().ToList();
        int i = (int)((uint)at % (uint)(bytes.Count + 1));
        switch (op)
        {
            case 0 when i < bytes.Count: bytes[i] = value; break;
            case 1: bytes.Insert(i, value); break;
            case 2 when i < bytes.Count: bytes.RemoveAt(i); break;
        }

        return bytes.ToArray();
    });

    [Fact]
    public void Random_bodies_decode_or_fail_with_a_format_error_and_readers_agree() =>
        Gen.OneOf(Body, Mutated).Sample(body =>
        {
            string memory = Outcome(() => DecodeMemory(body));
            Assert.Equal(memory, Outcome(() => DecodeSpan(body)));
            Assert.Equal(memory, Outcome(() => DecodeSequence(new ReadOnlySequence<byte>(body))));
            Assert.Equal(memory, Outcome(() => DecodeSequence(Bytewise(body))));
            Assert.Equal(memory, Outcome(() => DecodeSequence(Split(body, body.Length / 2))));
            Assert.Equal(memory, Outcome(() => DecodeIncrementally(body, [body.Length / 3, 2 * body.Length / 3])));
        }, iter: 3000);

    private static string Outcome(Func<List<string>> decode)
    {
        try
        {
            return string.Join(",", decode());
        }
        catch (WebSocketFormatException ex)
        {
            return $"error at {ex.Offset}";
        }
    }
}
