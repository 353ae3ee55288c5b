using System.Buffers;
using System.Text;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>Builds multi-segment sequences and decodes bodies with both readers, for the fragmentation matrix.</summary>
internal static class Segments
{
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

    /// <summary>A sequence whose segments are the given pieces (each copied into its own array, so reading across a boundary is visible).</summary>
    public static ReadOnlySequence<byte> Create(params byte[][] pieces)
    {
        if (pieces.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(pieces[0].ToArray(), 0);
        var last = first;
        for (int i = 1; i < pieces.Length; i++)
        {
            last = last.Append(pieces[i].ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>The body split at the given offsets.</summary>
    public static ReadOnlySequence<byte> Split(byte[] body, params int[] at)
    {
        var pieces = new List<byte[]>();
        int start = 0;
        foreach (int i in at)
        {
            pieces.Add(body[start..i]);
            start = i;
        }

        pieces.Add(body[start..]);
        return Create([.. pieces]);
    }

    /// <summary>One byte per segment.</summary>
    public static ReadOnlySequence<byte> Bytewise(byte[] body) =>
        Create([.. body.Select(b => new[] { b })]);

    /// <summary>A printable form of an event, for comparisons: type, presence of content, content bytes.</summary>
    public static string Describe(WebSocketEvent e) =>
        $"{Encoding.ASCII.GetString(e.TypeName.Span)}[{e.Type}]" + (e.HasContent ? $"({Convert.ToHexString(e.Content.Span)})" : "(null)");

    public static string Describe(WebSocketSequenceEvent e) =>
        $"{Encoding.ASCII.GetString(e.TypeName)}[{e.Type}]" + (e.HasContent ? $"({Convert.ToHexString(e.Content.ToArray())})" : "(null)");

    public static List<string> DecodeMemory(ReadOnlyMemory<byte> body)
    {
        var list = new List<string>();
        var reader = new WebSocketEventReader(body);
        while (reader.Read(out var e))
        {
            list.Add(Describe(e));
        }

        return list;
    }

    public static List<string> DecodeSpan(ReadOnlySpan<byte> body)
    {
        var list = new List<string>();
        var reader = new WebSocketEventSpanReader(body);
        while (reader.TryRead(out var e) == OperationStatus.Done)
        {
            list.Add($"{Encoding.ASCII.GetString(e.TypeName)}[{e.Type}]" + (e.HasContent ? $"({Convert.ToHexString(e.Content)})" : "(null)"));
        }

        Assert.True(reader.End);
        return list;
    }

    public static List<string> DecodeSequence(ReadOnlySequence<byte> body)
    {
        var list = new List<string>();
        var reader = new WebSocketEventSequenceReader(body);
        while (reader.Read(out var e))
        {
            list.Add(Describe(e));
        }

        Assert.True(reader.End);
        Assert.Equal(body.Length, reader.BytesConsumed);
        return list;
    }

    /// <summary>Decodes a body as a PipeReader would see it: the bytes arriving in the given chunks.</summary>
    public static List<string> DecodeIncrementally(byte[] body, IReadOnlyList<int> chunkEnds)
    {
        var list = new List<string>();
        long consumed = 0;
        int available = 0;
        foreach (int end in chunkEnds.Append(body.Length))
        {
            available = Math.Max(available, end);
            bool final = available == body.Length;
            var window = Split(body[(int)consumed..available]);
            var reader = new WebSocketEventSequenceReader(window, final, consumed);
            while (reader.TryRead(out var e) == OperationStatus.Done)
            {
                list.Add(Describe(e));
            }

            consumed += reader.BytesConsumed;
            if (final)
            {
                break;
            }
        }

        Assert.Equal(body.Length, consumed);
        return list;
    }

    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);
}
