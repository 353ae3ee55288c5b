using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Grip.Hosting.Security;

/// <summary>
/// HMAC-SHA256 (RFC 2104 over FIPS 180-4 SHA-256) in managed code, for the one HS256 key of a
/// <see cref="GripSecurityKey"/>. Why not <c>HMACSHA256</c>: on Linux it calls OpenSSL, and the first
/// call loads and initializes libcrypto and libssl, 3.7 MiB of resident memory in every origin
/// process (docs/performance.md, "Memory"), for the only cryptography a Pushpin origin does: one HMAC
/// over a 100-byte token, which the verifier's cache of valid tokens makes rare anyway.
/// </summary>
/// <remarks>
/// The key's inner and outer padded blocks are compressed once, when the key is made; each MAC then
/// costs the message's blocks plus one outer block. Nothing branches or indexes on key or message
/// bytes, so the time depends only on the message length. Checked against the platform's
/// <c>HMACSHA256</c> on thousands of random keys and messages of every length around the block
/// boundaries, and against the FIPS 180-4 and RFC 4231 vectors (GripHmacSha256Tests).
/// </remarks>
internal sealed class GripHmacSha256
{
    /// <summary>The MAC's length in bytes.</summary>
    public const int HashSize = 32;

    private const int BlockSize = 64;

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private State _inner;
    private State _outer;

    /// <summary>Prepares <paramref name="key"/> (any length; longer than a block is hashed first, as RFC 2104 says).</summary>
    public GripHmacSha256(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        if (key.Length > BlockSize)
        {
            Hash(key, block[..HashSize]);
        }
        else
        {
            key.CopyTo(block);
        }

        Span<byte> padded = stackalloc byte[BlockSize];
        for (int i = 0; i < BlockSize; i++)
        {
            padded[i] = (byte)(block[i] ^ 0x36);
        }

        _inner = State.Initial;
        Compress(ref _inner, padded);
        for (int i = 0; i < BlockSize; i++)
        {
            padded[i] = (byte)(block[i] ^ 0x5c);
        }

        _outer = State.Initial;
        Compress(ref _outer, padded);
        block.Clear();
        padded.Clear();
    }

    /// <summary>Writes the MAC of <paramref name="message"/> to <paramref name="destination"/> (32 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException($"The destination must hold {HashSize} bytes.", nameof(destination));
        }

        // Inner: H((K ^ ipad) || message), its first block already compressed.
        var inner = _inner;
        Finish(ref inner, message, BlockSize, destination);

        // Outer: H((K ^ opad) || inner hash).
        var outer = _outer;
        Finish(ref outer, destination[..HashSize], BlockSize, destination);
    }

    /// <summary>The MAC of <paramref name="message"/>.</summary>
    public byte[] Compute(ReadOnlySpan<byte> message)
    {
        byte[] mac = new byte[HashSize];
        Compute(message, mac);
        return mac;
    }

    /// <summary>Plain SHA-256 (for keys longer than a block, and for the tests' FIPS 180-4 vectors).</summary>
    internal static void Hash(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        var state = State.Initial;
        Finish(ref state, message, 0, destination);
    }

    /// <summary>
    /// Compresses <paramref name="message"/>'s whole blocks, then its tail with the padding (0x80,
    /// zeros, the total length in bits, big-endian), and writes the digest. <paramref name="alreadyHashed"/>
    /// is the number of bytes compressed into <paramref name="state"/> before this message.
    /// </summary>
    private static void Finish(ref State state, ReadOnlySpan<byte> message, long alreadyHashed, Span<byte> destination)
    {
        long bits = (alreadyHashed + message.Length) * 8;
        while (message.Length >= BlockSize)
        {
            Compress(ref state, message[..BlockSize]);
            message = message[BlockSize..];
        }

        Span<byte> tail = stackalloc byte[BlockSize * 2];
        tail.Clear();
        message.CopyTo(tail);
        tail[message.Length] = 0x80;
        int tailLength = message.Length + 1 + 8 <= BlockSize ? BlockSize : BlockSize * 2;
        BinaryPrimitives.WriteInt64BigEndian(tail.Slice(tailLength - 8, 8), bits);
        Compress(ref state, tail[..BlockSize]);
        if (tailLength > BlockSize)
        {
            Compress(ref state, tail.Slice(BlockSize, BlockSize));
        }

        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(i * 4, 4), state[i]);
        }
    }

    /// <summary>The SHA-256 compression function (FIPS 180-4 §6.2.2) over one 64-byte block.</summary>
    private static void Compress(ref State state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (int t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4, 4));
        }

        for (int t = 16; t < 64; t++)
        {
            uint w15 = w[t - 15];
            uint w2 = w[t - 2];
            uint s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            uint s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3];
        uint e = state[4], f = state[5], g = state[6], h = state[7];
        ReadOnlySpan<uint> k = RoundConstants;
        for (int t = 0; t < 64; t++)
        {
            uint sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + sum1 + choose + k[t] + w[t];
            uint sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary>The eight 32-bit words of a SHA-256 state.</summary>
    [InlineArray(8)]
    private struct State
    {
        private uint _h0;

        /// <summary>H(0), FIPS 180-4 §5.3.3.</summary>
        public static State Initial
        {
            get
            {
                State state = default;
                state[0] = 0x6a09e667;
                state[1] = 0xbb67ae85;
                state[2] = 0x3c6ef372;
                state[3] = 0xa54ff53a;
                state[4] = 0x510e527f;
                state[5] = 0x9b05688c;
                state[6] = 0x1f83d9ab;
                state[7] = 0x5be0cd19;
                return state;
            }
        }
    }
}
