using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grip.Hosting.Tests.ZeroMq;

/// <summary>A ZMTP peer written byte by byte from the spec (not with the code under test), for the cases NetMQ cannot produce.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly NetworkStream _stream;

    private RawPeer(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static byte[] Greeting(byte major, byte minor, string mechanism)
    {
        var g = new byte[64];
        g[0] = 0xFF;
        g[9] = 0x7F;
        g[10] = major;
        g[11] = minor;
        Encoding.ASCII.GetBytes(mechanism).CopyTo(g, 12);
        return g;
    }

    public static byte[] Ready(string socketType)
    {
        byte[] type = Encoding.ASCII.GetBytes(socketType);
        byte[] body = [5, .. "READY"u8, 11, .. "Socket-Type"u8, 0, 0, 0, (byte)type.Length, .. type];
        return [0x04, (byte)body.Length, .. body];
    }

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint, string socketType, byte minor = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(endPoint);
        var peer = new RawPeer(socket);
        await peer._stream.WriteAsync(Greeting(3, minor, "NULL"));
        await peer._stream.WriteAsync(Ready(socketType));
        var greeting = new byte[64];
        await peer._stream.ReadExactlyAsync(greeting);
        Assert.Equal(0xFF, greeting[0]);
        Assert.Equal(0x7F, greeting[9]);
        Assert.Equal(3, greeting[10]);
        Assert.Equal("NULL"u8.ToArray(), greeting[12..16]);
        var (flags, body) = await peer.ReadFrameAsync();
        Assert.Equal(0x04, flags);
        Assert.Equal([5, .. "READY"u8, 11, .. "Socket-Type"u8, 0, 0, 0, 3, .. "PUB"u8], body);
        return peer;
    }

    public async Task SendFrameAsync(byte flags, byte[] body) => await _stream.WriteAsync((byte[])[flags, (byte)body.Length, .. body]);

    public async Task<(byte Flags, byte[] Body)> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new byte[2];
        await _stream.ReadExactlyAsync(header, cts.Token);
        long length = header[1];
        if ((header[0] & 0x02) != 0)
        {
            var size = new byte[8];
            size[0] = header[1];
            await _stream.ReadExactlyAsync(size.AsMemory(1, 7), cts.Token);
            length = BinaryPrimitives.ReadInt64BigEndian(size);
        }

        var body = new byte[length];
        await _stream.ReadExactlyAsync(body, cts.Token);
        return ((byte)(header[0] & ~0x02), body);
    }

    public void Dispose() => _stream.Dispose();
}
