using System.Buffers;
using System.Runtime.CompilerServices;
using static Grip.Protocol.WebSocketEventParser;

namespace Grip.Protocol;

/// <summary>
/// Decodes WebSocket-over-HTTP events from a <see cref="ReadOnlySequence{T}"/>, for example a body
/// read through a <c>PipeReader</c> and split at any byte, without
/// copying content and without allocating.
/// </summary>
/// <remarks>
/// <para>Typical loop:</para>
/// <code>
/// long offset = 0;
/// while (true)
/// {
///     ReadResult result = await pipe.ReadAsync(ct);
///     var reader = new WebSocketEventSequenceReader(result.Buffer, result.IsCompleted, offset);
///     while (reader.TryRead(out WebSocketSequenceEvent e) == OperationStatus.Done)
///     {
///         Handle(e); // e.Content is valid until AdvanceTo
///     }
///
///     offset += reader.BytesConsumed;
///     pipe.AdvanceTo(reader.Consumed, reader.Examined);
///     if (result.IsCompleted) break;
/// }
/// </code>
/// <para>
/// An incomplete event gives <see cref="OperationStatus.NeedMoreData"/> and consumes nothing of it;
/// when the block is final it throws <see cref="WebSocketFormatException"/> instead. Malformed
/// bytes always throw, with the body offset (counted from <c>bodyOffset</c>) and the reason.
/// </para>
/// <para>
/// A single-segment sequence (the common case: the whole body in one buffer) is parsed over a
/// span; only a multi-segment one walks segments. Events are the same either way.
/// </para>
/// </remarks>
public ref struct WebSocketEventSequenceReader
{
    private readonly ReadOnlySequence<byte> _buffer;
    private readonly ReadOnlySpan<byte> _single;
    private readonly ReadOnlyMemory<byte> _singleMemory;
    private readonly byte[]? _singleArray;
    private readonly int _singleArrayOffset;
    private readonly long _bodyOffset;
    private readonly bool _isFinalBlock;
    private readonly bool _isSingleSegment;
    private ReadOnlySequence<byte> _rest;
    private long _consumed;
    private bool _needMoreData;

    /// <summary>Creates a reader.</summary>
    /// <param name="buffer">The bytes read so far.</param>
    /// <param name="isFinalBlock">
    /// <see langword="true"/> when no more bytes follow (<c>ReadResult.IsCompleted</c>): an
    /// incomplete event is then an error.
    /// </param>
    /// <param name="bodyOffset">The body offset of the buffer's first byte (bytes consumed by earlier readers), for error messages.</param>
    public WebSocketEventSequenceReader(ReadOnlySequence<byte> buffer, bool isFinalBlock = true, long bodyOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyOffset);
        _buffer = buffer;
        _isFinalBlock = isFinalBlock;
        _bodyOffset = bodyOffset;
        _isSingleSegment = buffer.IsSingleSegment;
        if (_isSingleSegment)
        {
            _singleMemory = buffer.First;
            _single = _singleMemory.Span;

            // Array-backed (the usual case): slices are built straight from the array, the cheapest
            // ReadOnlySequence constructor.
            if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(_singleMemory, out ArraySegment<byte> segment))
            {
                _singleArray = segment.Array;
                _singleArrayOffset = segment.Offset;
            }
        }

        _rest = buffer;
        _consumed = 0;
        _needMoreData = false;
    }

    /// <summary>The number of bytes consumed: the end of the last complete event read.</summary>
    public readonly long BytesConsumed => _consumed;

    /// <summary>The position after the last complete event: pass it to <c>PipeReader.AdvanceTo</c> as <c>consumed</c>.</summary>
    public readonly SequencePosition Consumed => _buffer.GetPosition(_consumed);

    /// <summary>
    /// The position up to which the bytes were looked at: the end of the buffer after
    /// <see cref="OperationStatus.NeedMoreData"/>, else <see cref="Consumed"/>. Pass it to
    /// <c>PipeReader.AdvanceTo</c> as <c>examined</c>.
    /// </summary>
    public readonly SequencePosition Examined => _needMoreData ? _buffer.End : Consumed;

    /// <summary>Whether every byte of the buffer has been consumed.</summary>
    public readonly bool End => _consumed >= _buffer.Length;

    /// <summary>Reads the next event.</summary>
    /// <returns>
    /// <see cref="OperationStatus.Done"/> with an event, or <see cref="OperationStatus.NeedMoreData"/>
    /// when the remaining bytes hold no complete event (for a final block: none are left).
    /// </returns>
    /// <exception cref="WebSocketFormatException">The bytes are malformed, or a final block ends inside an event.</exception>
    public OperationStatus TryRead(out WebSocketSequenceEvent webSocketEvent) =>
        _isSingleSegment ? ReadSingle(out webSocketEvent) : ReadMulti(out webSocketEvent);

    /// <summary>Reads the next event of a final block.</summary>
    /// <returns><see langword="false"/> when no bytes are left.</returns>
    /// <exception cref="WebSocketFormatException">The bytes are malformed or end inside an event.</exception>
    /// <exception cref="InvalidOperationException">The reader was created with <c>isFinalBlock: false</c>.</exception>
    public bool Read(out WebSocketSequenceEvent webSocketEvent)
    {
        if (!_isFinalBlock)
        {
            throw new InvalidOperationException("Read is for a whole body; use TryRead when isFinalBlock is false.");
        }

        return TryRead(out webSocketEvent) == OperationStatus.Done;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OperationStatus ReadSingle(out WebSocketSequenceEvent webSocketEvent)
    {
        // _consumed is within one segment, so it fits an int.
        int start = (int)_consumed;
        if (start >= _single.Length)
        {
            return NeedMoreData(out webSocketEvent);
        }

        if (ReadEvent(_single[start..], _isFinalBlock, _bodyOffset + start, out var type, out int typeLength, out int contentStart, out int contentLength, out int consumed) != OperationStatus.Done)
        {
            return NeedMoreData(out webSocketEvent);
        }

        var typeName = type == WebSocketEventType.Unknown
            ? SliceSingle(start, typeLength)
            : WebSocketEventTypes.GetNameSequence(type);
        webSocketEvent = contentLength < 0
            ? new WebSocketSequenceEvent(type, typeName, hasContent: false, content: default)
            : new WebSocketSequenceEvent(type, typeName, hasContent: true, SliceSingle(start + contentStart, contentLength));
        _consumed = start + consumed;
        return OperationStatus.Done;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ReadOnlySequence<byte> SliceSingle(int start, int length) =>
        _singleArray is not null
            ? new ReadOnlySequence<byte>(_singleArray, _singleArrayOffset + start, length)
            : new ReadOnlySequence<byte>(_singleMemory.Slice(start, length));

    private OperationStatus ReadMulti(out WebSocketSequenceEvent webSocketEvent)
    {
        var rest = _rest;
        if (rest.IsEmpty)
        {
            return NeedMoreData(out webSocketEvent);
        }

        // Most events of a multi-segment body still lie within one segment: parse those over the
        // segment's span and fall back to the segment-crossing path below only when needed.
        if (TryReadWithinFirstSegment(rest, out webSocketEvent))
        {
            return OperationStatus.Done;
        }

        var window = rest.Length > LineSearchLength ? rest.Slice(0, LineSearchLength) : rest;
        var reader = new SequenceReader<byte>(window);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> lineSequence, CrLf, advancePastDelimiter: true) || lineSequence.Length > MaxLineLength)
        {
            return NoLineEnd(rest.Length, out webSocketEvent);
        }

        int lineLength = (int)lineSequence.Length;
        Span<byte> lineBuffer = stackalloc byte[MaxLineLength];
        scoped ReadOnlySpan<byte> line;
        if (lineSequence.IsSingleSegment)
        {
            line = lineSequence.FirstSpan;
        }
        else
        {
            lineSequence.CopyTo(lineBuffer);
            line = lineBuffer[..lineLength];
        }

        long start = _bodyOffset + _consumed;
        int contentLength = ParseLine(line, start, out var type, out int typeLength);
        var typeName = type == WebSocketEventType.Unknown
            ? lineSequence.Slice(0, typeLength)
            : WebSocketEventTypes.GetNameSequence(type);
        int contentStart = lineLength + 2;
        var afterLine = rest.Slice(contentStart);
        if (contentLength < 0)
        {
            Advance(afterLine, contentStart);
            webSocketEvent = new WebSocketSequenceEvent(type, typeName, hasContent: false, content: default);
            return OperationStatus.Done;
        }

        long available = afterLine.Length;
        if (available < (long)contentLength + 2)
        {
            int next = available > contentLength ? FirstByte(afterLine.Slice(contentLength)) : -1;
            return Incomplete(contentStart, contentLength, available, next, out webSocketEvent);
        }

        var content = afterLine.Slice(0, contentLength);
        var tail = afterLine.Slice(content.End);
        Span<byte> crlf = stackalloc byte[2];
        tail.Slice(0, 2).CopyTo(crlf);
        if (crlf[0] != CR || crlf[1] != LF)
        {
            ThrowMissingCrLf(start + contentStart + contentLength);
        }

        Advance(tail.Slice(2), contentStart + (long)contentLength + 2);
        webSocketEvent = new WebSocketSequenceEvent(type, typeName, hasContent: true, content);
        return OperationStatus.Done;
    }

    private bool TryReadWithinFirstSegment(ReadOnlySequence<byte> rest, out WebSocketSequenceEvent webSocketEvent)
    {
        // Not final: an event that does not end within this segment is read by the general path.
        // Errors found here are errors wherever the segment ends (a line over 256 bytes, a byte
        // after the content that is not CR), so throwing here is right.
        if (ReadEvent(rest.FirstSpan, isFinalBlock: false, _bodyOffset + _consumed, out var type, out int typeLength, out int contentStart, out int contentLength, out int consumed) != OperationStatus.Done)
        {
            webSocketEvent = default;
            return false;
        }

        var typeName = type == WebSocketEventType.Unknown
            ? rest.Slice(0, typeLength)
            : WebSocketEventTypes.GetNameSequence(type);
        webSocketEvent = contentLength < 0
            ? new WebSocketSequenceEvent(type, typeName, hasContent: false, content: default)
            : new WebSocketSequenceEvent(type, typeName, hasContent: true, rest.Slice(contentStart, contentLength));
        Advance(rest.Slice(consumed), consumed);
        return true;
    }

    private void Advance(ReadOnlySequence<byte> rest, long length)
    {
        _rest = rest;
        _consumed += length;
    }

    private static int FirstByte(ReadOnlySequence<byte> sequence)
    {
        foreach (var segment in sequence)
        {
            if (!segment.IsEmpty)
            {
                return segment.Span[0];
            }
        }

        return -1;
    }

    private OperationStatus NeedMoreData(out WebSocketSequenceEvent webSocketEvent)
    {
        _needMoreData = true;
        webSocketEvent = default;
        return OperationStatus.NeedMoreData;
    }

    private OperationStatus NoLineEnd(long available, out WebSocketSequenceEvent webSocketEvent)
    {
        if (_isFinalBlock || available >= LineSearchLength)
        {
            ThrowNoLineEnd(_bodyOffset + _consumed, available);
        }

        return NeedMoreData(out webSocketEvent);
    }

    private OperationStatus Incomplete(int contentStart, int contentLength, long available, int next, out WebSocketSequenceEvent webSocketEvent)
    {
        long contentOffset = _bodyOffset + _consumed + contentStart;
        if (next >= 0 && next != CR)
        {
            ThrowMissingCrLf(contentOffset + contentLength);
        }

        if (_isFinalBlock)
        {
            ThrowTruncated(contentOffset, contentLength, available);
        }

        return NeedMoreData(out webSocketEvent);
    }
}
