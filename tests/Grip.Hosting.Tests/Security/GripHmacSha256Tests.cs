using System.Security.Cryptography;
using System.Text;
using Grip.Hosting.Security;

namespace Grip.Hosting.Tests.Security;

/// <summary>
/// The managed HMAC-SHA256 behind HS256 Grip-Sig keys: the published test vectors (FIPS 180-4's
/// SHA-256 examples, RFC 4231's HMAC-SHA-256 cases) and the platform's own implementation (OpenSSL
/// here) as an oracle on random keys and messages of every length around the block boundaries.
/// </summary>
public sealed class GripHmacSha256Tests
{
    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static string Sha256(ReadOnlySpan<byte> message)
    {
        Span<byte> digest = stackalloc byte[32];
        GripHmacSha256.Hash(message, digest);
        return Hex(digest);
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void SHA_256_matches_the_FIPS_180_examples(string message, string digest) =>
        Assert.Equal(digest, Sha256(Encoding.ASCII.GetBytes(message)));

    [Fact]
    public void SHA_256_of_a_million_a_matches_the_FIPS_180_example() =>
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Sha256(Enumerable.Repeat((byte)'a', 1_000_000).ToArray()));

    // RFC 4231 section 4: test cases 1-4, 6 and 7 (case 5 checks a truncated MAC, which HS256 never uses).
    [Theory]
    [InlineData("0b*20", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("aa*20", "dd*50", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")]
    [InlineData("0102030405060708090a0b0c0d0e0f10111213141516171819", "cd*50", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")]
    [InlineData("aa*131", "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    [InlineData("aa*131", "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")]
    public void HMAC_SHA_256_matches_RFC_4231(string key, string data, string mac) =>
        Assert.Equal(mac, Hex(new GripHmacSha256(FromHex(key)).Compute(FromHex(data))));

    /// <summary>Hex, or <c>aa*131</c> for a byte repeated (RFC 4231 writes its long keys that way).</summary>
    private static byte[] FromHex(string text) =>
        text.Split('*') is [var hex, var count] ? Enumerable.Repeat(Convert.FromHexString(hex)[0], int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : Convert.FromHexString(text);

    [Fact]
    public void HMAC_SHA_256_equals_the_platform_on_random_keys_and_every_length_around_the_block_boundaries()
    {
        var random = new Random(20261205);
        int[] keyLengths = [1, 8, 31, 32, 33, 55, 56, 63, 64, 65, 100, 127, 128, 129, 300];
        int checkedCases = 0;
        foreach (int keyLength in keyLengths)
        {
            byte[] key = new byte[keyLength];
            random.NextBytes(key);
            var hmac = new GripHmacSha256(key);

            // Every message length 0-200 (the padding's one- and two-block tails, 55/56/63/64/119/120/...),
            // then longer random ones.
            for (int length = 0; length <= 200; length++)
            {
                Check(hmac, key, RandomBytes(random, length));
                checkedCases++;
            }

            for (int i = 0; i < 40; i++)
            {
                Check(hmac, key, RandomBytes(random, random.Next(201, 5000)));
                checkedCases++;
            }
        }

        Assert.Equal(keyLengths.Length * 241, checkedCases);

        static void Check(GripHmacSha256 hmac, byte[] key, byte[] message)
        {
            byte[] expected = HMACSHA256.HashData(key, message);
            Assert.Equal(Hex(expected), Hex(hmac.Compute(message)));
            Span<byte> into = stackalloc byte[40];
            into.Fill(0xEE);
            hmac.Compute(message, into);
            Assert.Equal(Hex(expected), Hex(into[..32]));
            Assert.True(into[32..].ToArray().All(b => b == 0xEE), "Compute wrote past the 32 bytes of the MAC.");
        }
    }

    [Fact]
    public void SHA_256_equals_the_platform_on_random_messages()
    {
        var random = new Random(7);
        for (int length = 0; length < 300; length++)
        {
            byte[] message = RandomBytes(random, length);
            Assert.Equal(Hex(SHA256.HashData(message)), Sha256(message));
        }
    }

    [Fact]
    public void One_key_computes_the_same_MAC_again_and_concurrently()
    {
        var hmac = new GripHmacSha256("changeme"u8);
        byte[] message = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJwdXNocGluIiwiZXhwIjoxNzk2NTIwMDAwfQ"u8.ToArray();
        string expected = Hex(HMACSHA256.HashData("changeme"u8, message));
        Parallel.For(0, 1000, _ => Assert.Equal(expected, Hex(hmac.Compute(message))));
    }

    [Fact]
    public void A_destination_shorter_than_32_bytes_is_refused()
    {
        var hmac = new GripHmacSha256("k"u8);
        var error = Assert.Throws<ArgumentException>(() => hmac.Compute("m"u8, new byte[31]));
        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void An_HS256_key_verifies_and_signs_with_it()
    {
        var key = GripSecurityKey.Hmac("changeme"u8.ToArray());
        byte[] input = "header.payload"u8.ToArray();
        byte[] platform = HMACSHA256.HashData("changeme"u8, input);
        Assert.Equal(Hex(platform), Hex(key.Sign(input)));
        Assert.True(key.Verify(input, platform));
        platform[31] ^= 1;
        Assert.False(key.Verify(input, platform));
        Assert.False(key.Verify(input, platform.AsSpan(0, 31)));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
