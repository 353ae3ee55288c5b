using System.Text;
using Grip.Hosting.Development;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>The development proxy's copy of Pushpin's <c>%</c> content format (format.cpp, filter.cpp).</summary>
public sealed class GripContentFormatTests
{
    private static readonly Dictionary<string, string> Meta = new(StringComparer.Ordinal)
    {
        ["user"] = "alice",
        ["room"] = "lobby",
        ["a)b"] = "paren",
        ["na\\me"] = "backslash",
        ["prénom"] = "Zoë ✓",
    };

    private static string Subst(string content)
    {
        Assert.True(GripContentFormat.TrySubstituteVariables(Encoding.UTF8.GetBytes(content), Meta, out byte[] result, out string? error), error);
        return Encoding.UTF8.GetString(result);
    }

    private static string SubstError(string content)
    {
        Assert.False(GripContentFormat.TrySubstituteVariables(Encoding.UTF8.GetBytes(content), Meta, out _, out string? error));
        return error!;
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("plain text, no directives", "plain text, no directives")]
    [InlineData("100%% sure", "100% sure")]
    [InlineData("%%%%", "%%")]
    [InlineData("%%(user)s", "%(user)s")]
    [InlineData("Hello %(user)s", "Hello alice")]
    [InlineData("%(user)s in %(room)s, %(user)s again", "alice in lobby, alice again")]
    public void Substitutes(string content, string expected) => Assert.Equal(expected, Subst(content));

    [Theory]
    [InlineData(@"%(a\)b)s", "paren")]
    [InlineData(@"%(na\\me)s", "backslash")]
    [InlineData(@"%(\u\s\e\r)s", "alice")]
    public void Backslash_makes_the_next_byte_literal_inside_the_parentheses(string content, string expected) => Assert.Equal(expected, Subst(content));

    [Fact]
    public void Utf8_content_names_and_values_pass_through() =>
        Assert.Equal("héllo 日本語 Zoë ✓ 🎉", Subst("héllo 日本語 %(prénom)s 🎉"));

    [Theory]
    [InlineData("Hi %(nobody)s", "No such variable 'nobody' at position 12")]
    [InlineData("%(User)s", "No such variable 'User' at position 7")]
    [InlineData("%(user)d", "Unknown directive 'd' at position 7")]
    [InlineData("%d", "Unknown directive 'd' at position 1")]
    [InlineData("%s", "Directive 's' requires argument at position 1")]
    [InlineData("%()s", "Directive 's' requires argument at position 3")]
    [InlineData("50% off", "Unknown directive ' ' at position 3")]
    [InlineData("%(user)%", "Unknown directive '%' at position 7")]
    [InlineData("trailing %", "Expected directive after '%' at position 9")]
    [InlineData("%(", "Expected character after '(' at position 1")]
    [InlineData("%(user", "Unterminated field starting at position 1")]
    [InlineData("%(user)", "Expected directive after ')' at position 6")]
    [InlineData(@"%(user\", @"Expected character after '\' at position 6")]
    public void Errors_are_reported_like_Pushpin(string content, string expected) => Assert.Equal(expected, SubstError(content));

    [Fact]
    public void Binary_content_is_processed_byte_wise()
    {
        byte[] content = [0x00, 0xFF, (byte)'%', (byte)'(', (byte)'u', (byte)'s', (byte)'e', (byte)'r', (byte)')', (byte)'s', 0x80, (byte)'%', (byte)'%', 0x0A];
        Assert.True(GripContentFormat.TrySubstituteVariables(content, Meta, out byte[] result, out _));
        Assert.Equal([0x00, 0xFF, .. "alice"u8.ToArray(), 0x80, (byte)'%', 0x0A], result);
    }

    [Fact]
    public void A_non_ascii_byte_is_no_directive()
    {
        Assert.False(GripContentFormat.TrySubstituteVariables([(byte)'%', 0xC3, 0xA9], Meta, out _, out string? error));
        Assert.Equal(@"Unknown directive '\xc3' at position 1", error);
    }

    [Fact]
    public void Build_id_needs_id_format_and_renders_explicit_ids()
    {
        Assert.False(GripContentFormat.TryBuildIds("x"u8, Meta, out _, out string? error));
        Assert.Equal("no sub meta 'id_format'", error);

        var meta = new Dictionary<string, string> { ["id_format"] = "%(test)s" };
        Assert.True(GripContentFormat.TryBuildIds("id=%(abc)I 100%%"u8, meta, out byte[] result, out _));
        Assert.Equal("id=abc 100%", Encoding.UTF8.GetString(result));
        Assert.False(GripContentFormat.TryBuildIds("%I"u8, meta, out _, out error));
        Assert.Equal("No ID specified and no default ID in context at position 1", error);

        meta["id_encoding"] = "hex";
        Assert.True(GripContentFormat.TryBuildIds("%(AB)I"u8, meta, out result, out _));
        Assert.Equal("4142", Encoding.UTF8.GetString(result));
        meta["id_encoding"] = "base64";
        Assert.False(GripContentFormat.TryBuildIds("plain"u8, meta, out _, out error));
        Assert.Equal("unsupported encoding: base64", error);
    }
}
