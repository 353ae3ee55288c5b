using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A bare RFC 6455 client over a socket, for what <see cref="System.Net.WebSockets.ClientWebSocket"/>
/// cannot do: send a ping with a chosen payload and see the exact pong frame that comes back.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    public const byte OpText = 0x1;
    public const byte OpBinary = 0x2;
    public const byte OpClose = 0x8;
    public const byte OpPing = 0x9;
    public const byte OpPong = 0xA;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawWebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port, cancellationToken);
        var ws = new RawWebSocket(tcp);
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await ws._stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);

        // Read the handshake response byte by byte up to the blank line, so no frame byte is consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await ws._stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException($"Connection closed during the handshake: {head}");
            }

            head.Append((char)one[0]);
        }

        string response = head.ToString();
        if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            await ws.DisposeAsync();
            throw new IOException($"Handshake refused: {response}");
        }

        // RFC 6455 §4.2.2 fixes SHA-1 for Sec-WebSocket-Accept; it is not used for security here.
#pragma warning disable CA5350
        string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        if (!response.Contains("Sec-WebSocket-Accept: " + expected, StringComparison.OrdinalIgnoreCase))
        {
            await ws.DisposeAsync();
            throw new IOException($"Bad Sec-WebSocket-Accept in: {response}");
        }

        return ws;
    }

    /// <summary>Sends one masked frame with FIN set.</summary>
    public async Task SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var frame = new List<byte> { (byte)(0x80 | opcode) };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add(0x80 | 127);
            var len = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(len, (ulong)payload.Length);
            frame.AddRange(len);
        }

        byte[] mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        var span = payload.Span;
        for (int i = 0; i < span.Length; i++)
        {
            frame.Add((byte)(span[i] ^ mask[i % 4]));
        }

        await _stream.WriteAsync(frame.ToArray(), cancellationToken);
    }

    /// <summary>Reads one frame (the server never masks).</summary>
    public async Task<(byte Opcode, bool Fin, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        byte[] head = await ReadExactlyAsync(2, cancellationToken);
        bool fin = (head[0] & 0x80) != 0;
        byte opcode = (byte)(head[0] & 0x0F);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2, cancellationToken));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8, cancellationToken));
        }

        return (opcode, fin, await ReadExactlyAsync((int)length, cancellationToken));
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
