using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>
/// One subscriber connected to a <see cref="ZmtpPubSocket"/>: the ZMTP handshake, a reader for its
/// subscriptions, and a bounded send queue drained by a writer task.
/// </summary>
internal sealed class ZmtpPeer : IDisposable
{
    private const int WriteBufferBytes = 64 * 1024;

    private readonly ZmtpPubSocket _owner;
    private readonly Socket _socket;
    private readonly ZmtpPubSocketOptions _options;
    private readonly Channel<ZeroMqPublishMessage> _queue;
    private readonly CancellationTokenSource _abort = new();
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;
    private int _closed;
    private Task? _writer;

    public ZmtpPeer(ZmtpPubSocket owner, Socket socket, ZmtpPubSocketOptions options)
    {
        _owner = owner;
        _socket = socket;
        _options = options;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = new BufferedStream(_stream, 4096);
        _queue = Channel.CreateBounded<ZeroMqPublishMessage>(new BoundedChannelOptions(options.SendHighWaterMark)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the caller counts a drop
        });
        var remote = socket.RemoteEndPoint as IPEndPoint;
        Name = remote is null
            ? "tcp://?"
            : "tcp://" + remote.Address.ToString() + ":" + remote.Port.ToString(CultureInfo.InvariantCulture);
        Address = new Uri(Name.Contains('?', StringComparison.Ordinal) ? "tcp://unknown" : Name);
    }

    /// <summary>The subscriber's address as seen here, e.g. <c>tcp://127.0.0.1:53122</c>.</summary>
    public string Name { get; }

    /// <summary><see cref="Name"/> as a URI (for publish failures).</summary>
    public Uri Address { get; }

    /// <summary>The ZMTP socket type the peer announced (SUB or XSUB).</summary>
    public string SocketType { get; private set; } = string.Empty;

    /// <summary>Used by the subscription index to add a peer once per send.</summary>
    internal long MatchStamp { get; set; }

    /// <summary>The topics this peer subscribed to (index keys), for clean-up when it leaves.</summary>
    internal HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages waiting in this peer's queue.</summary>
    public int QueueLength => _queue.Reader.Count;

    public bool TryEnqueue(ZeroMqPublishMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>Exchanges greetings and READY commands; returns why the peer was refused, or <see langword="null"/>.</summary>
    public async Task<string?> HandshakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            // Our whole greeting and READY at once: libzmq reads a greeting that arrives in one piece.
            byte[] ready = ZmtpProtocol.ReadyCommand();
            byte[] hello = new byte[ZmtpProtocol.GreetingLength + ready.Length];
            ZmtpProtocol.Greeting.CopyTo(hello);
            ready.CopyTo(hello, ZmtpProtocol.GreetingLength);
            await _stream.WriteAsync(hello, timeout.Token).ConfigureAwait(false);

            byte[] greeting = new byte[ZmtpProtocol.GreetingLength];
            await _input.ReadExactlyAsync(greeting, timeout.Token).ConfigureAwait(false);
            if (ZmtpProtocol.CheckGreeting(greeting) is { } bad)
            {
                return bad;
            }

            var frame = await ReadFrameAsync(timeout.Token).ConfigureAwait(false);
            return CheckReady(frame);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            return $"no ZMTP handshake within {_options.HandshakeTimeout.TotalSeconds:0.#} s";
        }
        catch (EndOfStreamException)
        {
            return "the connection closed during the ZMTP handshake";
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
    }

    // Synchronous on purpose: the spans of a parsed command must not live in an async method's
    // state machine (a Debug build hoists every local there, and a span cannot be hoisted).
    private string? CheckReady(Frame? frame)
    {
        if (frame is not { } f || (f.Flags & ZmtpProtocol.FlagCommand) == 0
            || !ZmtpProtocol.TryParseCommand(f.Body, out var name, out var data) || !name.SequenceEqual("READY"u8))
        {
            return "the first frame after the greeting was not a READY command";
        }

        string? socketType = ZmtpProtocol.ReadSocketType(data);
        if (socketType is not ("SUB" or "XSUB"))
        {
            return $"socket type '{socketType ?? "(none)"}' cannot subscribe to a PUB socket (SUB or XSUB expected)";
        }

        SocketType = socketType;
        return null;
    }

    /// <summary>Runs the writer and reads subscriptions until the connection ends; returns why it ended.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        var writer = _writer = WriteLoopAsync(linked.Token);
        string reason;
        try
        {
            reason = await ReadLoopAsync(linked.Token).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            reason = "the subscriber closed the connection";
        }
        catch (InvalidDataException ex)
        {
            reason = "protocol error: " + ex.Message;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            reason = writer.IsFaulted ? writer.Exception!.GetBaseException().Message : ex.Message;
        }

        // The reader is done: stop the writer too (a peer that cannot be read is gone).
        await linked.CancelAsync().ConfigureAwait(false);
        try
        {
            await writer.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        return reason;
    }

    /// <summary>Closes the connection; returns how many queued messages were never written.</summary>
    public int Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return 0;
        }

        _queue.Writer.TryComplete();
        int abandoned = 0;
        while (_queue.Reader.TryRead(out var message))
        {
            if (message.Channel.Length > 0)
            {
                abandoned++;
            }
        }

        _abort.Cancel();
        _input.Dispose();
        _stream.Dispose();
        _socket.Dispose();
        _abort.Dispose();
        return abandoned;
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    /// <summary>Takes no more messages and waits (at most <paramref name="timeout"/>) until the queued ones are written.</summary>
    /// <returns>Whether the queue was written out in time.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        if (_writer is not { } writer)
        {
            return _queue.Reader.Count == 0;
        }

        try
        {
            await writer.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Ends the connection from outside (socket shutdown).</summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task<string> ReadLoopAsync(CancellationToken cancellationToken)
    {
        bool inMessage = false; // inside a multi-frame message: its later frames are not subscriptions
        while (true)
        {
            var frame = await ReadFrameAsync(cancellationToken).ConfigureAwait(false) ?? throw new EndOfStreamException();
            var body = frame.Body;
            if ((frame.Flags & ZmtpProtocol.FlagCommand) != 0)
            {
                if (!ZmtpProtocol.TryParseCommand(body, out var name, out var data))
                {
                    throw new InvalidDataException("malformed command frame");
                }

                if (name.SequenceEqual("SUBSCRIBE"u8))
                {
                    _owner.OnSubscribe(this, data);
                }
                else if (name.SequenceEqual("CANCEL"u8))
                {
                    _owner.OnCancel(this, data);
                }
                else if (name.SequenceEqual("PING"u8))
                {
                    _queue.Writer.TryWrite(ZeroMqPublishMessage.Control(ZmtpProtocol.PongCommand(data)));
                }
                else if (name.SequenceEqual("ERROR"u8))
                {
                    int length = data.IsEmpty ? 0 : Math.Min(data[0], data.Length - 1);
                    return "the subscriber sent ERROR: " + System.Text.Encoding.ASCII.GetString(data.Slice(1, length));
                }

                continue;
            }

            bool first = !inMessage;
            inMessage = (frame.Flags & ZmtpProtocol.FlagMore) != 0;
            if (first && !inMessage && body.Length > 0)
            {
                // ZMTP 3.0 subscriptions: one frame, 1 = subscribe / 0 = cancel, then the topic.
                if (body[0] == 1)
                {
                    _owner.OnSubscribe(this, body.AsSpan(1));
                }
                else if (body[0] == 0)
                {
                    _owner.OnCancel(this, body.AsSpan(1));
                }
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(WriteBufferBytes);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Gather what is queued into one send: under load many messages share one syscall.
                int filled = 0;
                while (filled < buffer.Length && reader.TryRead(out var message))
                {
                    byte[] wire = message.Wire;
                    if (wire.Length > buffer.Length - filled)
                    {
                        if (filled > 0)
                        {
                            await SendAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                            filled = 0;
                        }

                        if (wire.Length > buffer.Length)
                        {
                            await SendAsync(wire, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                    }

                    wire.CopyTo(buffer.AsSpan(filled));
                    filled += wire.Length;
                }

                if (filled > 0)
                {
                    await SendAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private async Task<Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        byte[] header = new byte[9];
        int read = await _input.ReadAtLeastAsync(header.AsMemory(0, 2), 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < 2)
        {
            throw new EndOfStreamException();
        }

        byte flags = header[0];
        if ((flags & 0xF8) != 0)
        {
            throw new InvalidDataException($"reserved frame flag bits set (0x{flags:x2})");
        }

        long length = header[1];
        if ((flags & ZmtpProtocol.FlagLong) != 0)
        {
            await _input.ReadExactlyAsync(header.AsMemory(2, 7), cancellationToken).ConfigureAwait(false);
            length = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(1, 8));
        }

        if (length < 0 || length > _options.MaxIncomingFrameBytes)
        {
            throw new InvalidDataException($"a {length}-byte frame from a subscriber is over the {_options.MaxIncomingFrameBytes}-byte limit");
        }

        byte[] body = new byte[length];
        await _input.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return new Frame(flags, body);
    }

    private readonly record struct Frame(byte Flags, byte[] Body);
}
