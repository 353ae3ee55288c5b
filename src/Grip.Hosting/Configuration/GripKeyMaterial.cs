using System.Text;
using System.Text.Json;

namespace Grip.Configuration;

/// <summary>
/// A key as written in GRIP configuration: <c>base64:&lt;b64&gt;</c> (decoded, then looked at again),
/// PEM text, a JWK JSON object, or otherwise a plain string whose UTF-8 bytes are a shared secret.
/// </summary>
/// <remarks>
/// This type only classifies and decodes the text; turning it into a signing or verification key is
/// the hosting layer's job (it owns the cryptography and the JWT library).
/// </remarks>
public sealed class GripKeyMaterial
{
    /// <summary>The prefix that marks a base64-encoded key.</summary>
    public const string Base64Prefix = "base64:";

    private readonly byte[]? _secret;

    private GripKeyMaterial(GripKeyKind kind, byte[]? secret, string? text, string source)
    {
        Kind = kind;
        _secret = secret;
        Text = text;
        Source = source;
    }

    /// <summary>What the key is.</summary>
    public GripKeyKind Kind { get; }

    /// <summary>The shared secret bytes of a <see cref="GripKeyKind.Symmetric"/> key, otherwise empty.</summary>
    public ReadOnlySpan<byte> Secret => _secret;

    /// <summary>The PEM or JWK text of an asymmetric key, otherwise <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>The string the key was parsed from (may contain a secret: never log it).</summary>
    public string Source { get; }

    /// <summary>A shared secret given as bytes.</summary>
    public static GripKeyMaterial FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("A shared secret must not be empty.", nameof(secret));
        }

        return new GripKeyMaterial(GripKeyKind.Symmetric, secret.ToArray(), null, Base64Prefix + Convert.ToBase64String(secret));
    }

    /// <summary>Parses a key string; see <see cref="TryParse(string?, out GripKeyMaterial?, out string?)"/>.</summary>
    /// <exception cref="FormatException">The key is malformed; the message says how.</exception>
    public static GripKeyMaterial Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryParse(key, out var material, out string? error) ? material : throw new FormatException(error);
    }

    /// <summary>
    /// Parses a key string: <c>base64:</c> + base64 or base64url (a space stands for <c>+</c>, which
    /// form-decoding of a URL turns into a space), PEM text, a JWK JSON object, or a plain secret.
    /// </summary>
    /// <param name="key">The key string.</param>
    /// <param name="material">The parsed key.</param>
    /// <param name="error">Why the key is malformed (never contains the key itself).</param>
    public static bool TryParse(string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GripKeyMaterial? material, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        material = null;
        if (string.IsNullOrEmpty(key))
        {
            error = "The key is empty.";
            return false;
        }

        if (key.StartsWith(Base64Prefix, StringComparison.Ordinal))
        {
            if (!GripBase64.TryDecode(key[Base64Prefix.Length..], out byte[]? bytes))
            {
                error = "The key starts with 'base64:' but the rest is not valid base64 or base64url.";
                return false;
            }

            if (bytes.Length == 0)
            {
                error = "The key 'base64:' decodes to no bytes.";
                return false;
            }

            // js-grip looks at decoded bytes again: they may be a PEM or a JWK.
            if (LooksLikeText(bytes, out string? decoded) && TryClassifyText(decoded, key, out material, out error, strict: false))
            {
                return true;
            }

            material = new GripKeyMaterial(GripKeyKind.Symmetric, bytes, null, key);
            error = null;
            return true;
        }

        if (TryClassifyText(key, key, out material, out error, strict: true))
        {
            return true;
        }

        if (error is not null)
        {
            return false;
        }

        material = new GripKeyMaterial(GripKeyKind.Symmetric, Encoding.UTF8.GetBytes(key), null, key);
        return true;
    }

    /// <summary>Returns the key's kind only (the secret stays out of logs and exception text).</summary>
    public override string ToString() => $"GripKeyMaterial({Kind})";

    private static bool TryClassifyText(string text, string source, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GripKeyMaterial? material, out string? error, bool strict)
    {
        material = null;
        error = null;
        string trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN ", StringComparison.Ordinal))
        {
            if (!trimmed.Contains("-----END ", StringComparison.Ordinal))
            {
                error = "The key looks like PEM but has no '-----END ...-----' line.";
                return false;
            }

            material = new GripKeyMaterial(GripKeyKind.Pem, null, trimmed, source);
            return true;
        }

        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(trimmed);
                if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                    doc.RootElement.TryGetProperty("kty", out var kty) && kty.ValueKind == JsonValueKind.String)
                {
                    material = new GripKeyMaterial(GripKeyKind.Jwk, null, trimmed, source);
                    return true;
                }
            }
            catch (JsonException)
            {
                if (strict)
                {
                    error = "The key starts with '{' but is not valid JSON (a JWK is a JSON object with \"kty\").";
                }

                return false;
            }

            if (strict)
            {
                error = "The key is a JSON value but not a JWK: a JWK is a JSON object with a string \"kty\" member.";
            }

            return false;
        }

        return false;
    }

    private static bool LooksLikeText(byte[] bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        text = null;
        byte first = bytes[0];
        if (first != (byte)'-' && first != (byte)'{' && first != (byte)' ' && first != (byte)'\n' && first != (byte)'\r' && first != (byte)'\t')
        {
            return false;
        }

        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
