using Grip.Configuration;

namespace Grip.Hosting.Tests.Configuration;

/// <summary>grip-spec §8.9.</summary>
public class GripBase64Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "Zg==")]
    [InlineData("fo", "Zm8=")]
    [InlineData("foo", "Zm9v")]
    [InlineData("foob", "Zm9vYg==")]
    [InlineData("fooba", "Zm9vYmE=")]
    [InlineData("foobar", "Zm9vYmFy")]
    public void Encodes_and_decodes_the_rfc_vectors(string text, string base64)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.Equal(base64, GripBase64.Encode(bytes));
        Assert.Equal(bytes, GripBase64.Decode(base64));
    }

    [Fact]
    public void Encodes_bytes() => Assert.Equal("AAEC", GripBase64.Encode([0x00, 0x01, 0x02]));

    [Theory]
    [InlineData("Aag_7Ge-2Q==", new byte[] { 0x01, 0xA8, 0x3F, 0xEC, 0x67, 0xBE, 0xD9 })]
    [InlineData("Aag_7Ge-2Q", new byte[] { 0x01, 0xA8, 0x3F, 0xEC, 0x67, 0xBE, 0xD9 })]
    [InlineData("AEJ 3w==", new byte[] { 0x00, 0x42, 0x7E, 0xDF })]
    [InlineData("AEJ+3w==", new byte[] { 0x00, 0x42, 0x7E, 0xDF })]
    [InlineData("aGVsbG8=", new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    public void Decodes_base64url_spaces_for_plus_and_missing_padding(string text, byte[] expected)
    {
        Assert.Equal(expected, GripBase64.Decode(text));
        Assert.True(GripBase64.TryDecode(text, out byte[]? bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("geag121321=", "not a multiple of 4")]
    [InlineData("Zg===", "more than two '='")]
    [InlineData("Z", "cannot encode whole bytes")]
    [InlineData("Zm9v\n", "U+000A")]
    [InlineData("Zm9v\t", "U+0009")]
    [InlineData("Zm=v", "'='")]
    [InlineData("Zm9v*", "'*'")]
    public void Refuses_what_is_not_base64(string text, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => GripBase64.Decode(text));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.False(GripBase64.TryDecode(text, out _));
    }

    [Fact]
    public void Decodes_long_input_beyond_the_stack_buffer()
    {
        byte[] bytes = [.. Enumerable.Range(0, 3000).Select(i => (byte)i)];
        Assert.Equal(bytes, GripBase64.Decode(Convert.ToBase64String(bytes)));
        Assert.Equal(bytes, GripBase64.Decode(Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=')));
    }
}
