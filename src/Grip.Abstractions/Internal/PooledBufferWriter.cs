using System.Buffers;

namespace Grip.Internal;

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private PooledBuffer _buffer;

    public PooledBufferWriter(int initialCapacity = 256)
    {
        _buffer = new PooledBuffer(initialCapacity);
    }

    public int WrittenCount => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Advance(int count) => _buffer.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

    /// <summary>Forgets everything written, keeping the buffer.</summary>
    public void Clear() => _buffer.Clear();

    /// <summary>Drops everything written after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _buffer.Truncate(length);

    public void Dispose() => _buffer.Dispose();
}
