using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Grip.Hosting.Security;

/// <summary>
/// Compact JWS (RFC 7515 §7.1) as GripHandlers needs it: base64url the way tokens and JWK members
/// have always been read here, and the one JWT the publisher signs (<c>iss</c> and <c>exp</c>).
/// </summary>
/// <remarks>
/// GripHandlers verified and signed with Microsoft.IdentityModel (8.x) until issue 18 took it out of
/// the Native AOT binary. Every rule here keeps what that library accepted and refused, so the same
/// tokens pass and fail as before; <c>GripJwsParityTests</c> checks it against the library itself.
/// </remarks>
internal static class GripJws
{
    /// <summary>The longest token read at all (IdentityModel's default <c>MaximumTokenSizeInBytes</c>, counted in characters).</summary>
    public const int MaxTokenLength = 256_000;

    /// <summary>
    /// Decodes base64url as JWK members and every token segment have been read: the base64url
    /// alphabet (<c>+</c> and <c>/</c> are taken for <c>-</c> and <c>_</c>), <c>=</c> padding optional,
    /// white space ignored, and strict otherwise (a length of 4n+1 data characters, or unused low
    /// bits of the last character that are not zero, are refused), i.e. the runtime's
    /// <see cref="Base64Url"/> decoder.
    /// </summary>
    public static bool TryDecodeBase64Url(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        char[]? mapped = null;
        if (text.ContainsAny('+', '/'))
        {
            mapped = text.ToArray();
            mapped.AsSpan().Replace('+', '-');
            mapped.AsSpan().Replace('/', '_');
            text = mapped;
        }

        byte[] output = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.DecodeFromChars(text, output, out _, out int written) != OperationStatus.Done)
        {
            return false;
        }

        bytes = written == output.Length ? output : output[..written];
        return true;
    }

    /// <summary>
    /// The publish JWT: header <c>{"alg":…,"typ":"JWT"}</c>, claims <c>iss</c> (when not empty) and
    /// <c>exp</c> (whole seconds), signed with <paramref name="key"/>. Byte for byte what
    /// IdentityModel's <c>JsonWebTokenHandler.CreateToken</c> wrote for the same key, issuer and expiry.
    /// </summary>
    public static string CreateToken(GripSecurityKey key, string? issuer, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(key);
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var header = new ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(header, options))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, key.Algorithm);
            writer.WriteString("typ"u8, "JWT"u8);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(payload, options))
        {
            writer.WriteStartObject();
            if (!string.IsNullOrEmpty(issuer))
            {
                writer.WriteString("iss"u8, issuer);
            }

            // RFC 7519 NumericDate, whole seconds; a time before 1970 is written as 0.
            writer.WriteNumber("exp"u8, Math.Max(0, expires.ToUnixTimeSeconds()));
            writer.WriteEndObject();
        }

        string signingInput = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        byte[] signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
