using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Grip.Hosting.Security;

/// <summary>
/// A <c>Grip-Sig</c> read as a compact JWS (RFC 7515 §7.1) or, for its shape only, a compact JWE
/// (RFC 7516 §7.1: five segments; GripHandlers decrypts nothing, so such a token is always refused).
/// Reading decodes the header and the claims and keeps what verification needs: <c>alg</c>,
/// <c>kid</c>, <c>iss</c>, <c>exp</c>, <c>nbf</c>.
/// </summary>
/// <remarks>
/// <para>
/// The reading rules are the ones Microsoft.IdentityModel 8 applied before issue 18 replaced it, so
/// a token is malformed here exactly when it was malformed there:
/// </para>
/// <list type="bullet">
/// <item>Header and claims are each one JSON object (strict JSON: no comments, no trailing commas,
/// depth at most 64, valid UTF-8 in every string that is read); bytes after the object's closing
/// brace are not read.</item>
/// <item>Header members <c>alg</c>, <c>cty</c>, <c>kid</c>, <c>typ</c>, <c>x5t</c>, <c>zip</c> are a
/// string or null. Claims <c>iss</c>, <c>azp</c>, <c>jti</c> are a string or null; <c>aud</c> a string,
/// null, or an array of strings and nulls; <c>sub</c> a string, number or null; <c>exp</c>,
/// <c>nbf</c>, <c>iat</c> a number or a numeric string (rounded to whole seconds). Any other member may
/// hold any JSON value.</item>
/// <item>A member given twice counts with its last value (each value must still be well-formed).
/// (<see cref="GripSignatureVerifier"/> refuses an <c>exp</c> that is not a JSON number, and any
/// <c>crit</c> header, before this runs.)</item>
/// <item>A NumericDate at or before 0 is 1970-01-01; one past year 9999 is <see cref="DateTime.MaxValue"/>.</item>
/// </list>
/// </remarks>
internal sealed class GripJwsToken
{
    private static readonly DateTime UnixEpoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private GripJwsToken(string encoded, int dot2)
    {
        Encoded = encoded;
        SignatureStart = dot2 + 1;
    }

    /// <summary>The token text.</summary>
    public string Encoded { get; }

    /// <summary>Whether the token has five segments (a JWE).</summary>
    public bool IsEncrypted { get; private init; }

    /// <summary>The index of the first character of the signature segment (a JWS).</summary>
    public int SignatureStart { get; }

    /// <summary>Whether a JWS has a non-empty signature segment.</summary>
    public bool IsSigned => SignatureStart < Encoded.Length;

    /// <summary>The header's <c>alg</c>.</summary>
    public string? Algorithm { get; private set; }

    /// <summary>The header's <c>kid</c>.</summary>
    public string? KeyId { get; private set; }

    /// <summary>A JWE header's <c>enc</c>: whether it is there and is not null or an empty string.</summary>
    public bool HasEncryption { get; private set; }

    /// <summary>The <c>iss</c> claim.</summary>
    public string? Issuer { get; private set; }

    /// <summary>The <c>exp</c> claim as a UTC time, when present.</summary>
    public DateTime? Expires { get; private set; }

    /// <summary>The <c>nbf</c> claim as a UTC time, when present.</summary>
    public DateTime? NotBefore { get; private set; }

    /// <summary>
    /// Decodes a JWS signature segment: base64url characters only (the one line feed
    /// <see cref="HasCompactShape"/> lets through makes it fail), unused bits zero.
    /// </summary>
    public bool TryDecodeSignature([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? signature)
    {
        ReadOnlySpan<char> text = Encoded.AsSpan(SignatureStart);
        if (text.ContainsAnyExcept(Base64UrlCharacters))
        {
            signature = null;
            return false;
        }

        return GripJws.TryDecodeBase64Url(text, out signature);
    }

    /// <summary>The bytes a JWS signature covers: the ASCII text of <c>header.payload</c>.</summary>
    public byte[] SigningInput() => Encoding.ASCII.GetBytes(Encoded, 0, SignatureStart - 1);

    /// <summary>
    /// Whether <paramref name="token"/> has the shape of a compact JWS (three segments of base64url
    /// characters, the first two not empty) or JWE (five, all but the second not empty), is not
    /// blank and at most <see cref="GripJws.MaxTokenLength"/> characters. As before, one final line
    /// feed is tolerated here (then the last segment does not decode).
    /// </summary>
    public static bool HasCompactShape(string token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > GripJws.MaxTokenLength)
        {
            return false;
        }

        ReadOnlySpan<char> text = token.AsSpan();
        if (text[^1] == '\n')
        {
            text = text[..^1];
        }

        Span<int> lengths = stackalloc int[5];
        int segments = 0;
        int length = 0;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (segments == 4)
                {
                    return false;
                }

                lengths[segments++] = length;
                length = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                length++;
            }
            else
            {
                return false;
            }
        }

        lengths[segments++] = length;
        return segments switch
        {
            3 => lengths[0] > 0 && lengths[1] > 0,
            5 => lengths[0] > 0 && lengths[2] > 0 && lengths[3] > 0 && lengths[4] > 0,
            _ => false,
        };
    }

    /// <summary>Reads a token that has the compact shape (<see cref="HasCompactShape"/>).</summary>
    /// <returns>The token, or <see langword="null"/> when it is malformed.</returns>
    public static GripJwsToken? Read(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        int dot1 = token.IndexOf('.', StringComparison.Ordinal);
        int dot2 = dot1 < 0 ? -1 : token.IndexOf('.', dot1 + 1);
        if (dot2 < 0)
        {
            return null;
        }

        int dot3 = token.IndexOf('.', dot2 + 1);
        try
        {
            if (dot3 < 0)
            {
                var jws = new GripJwsToken(token, dot2);
                if (!GripJws.TryDecodeBase64Url(token.AsSpan(0, dot1), out byte[]? header) || !jws.ReadHeader(header) ||
                    !GripJws.TryDecodeBase64Url(token.AsSpan(dot1 + 1, dot2 - dot1 - 1), out byte[]? claims) || !jws.ReadClaims(claims))
                {
                    return null;
                }

                return jws;
            }

            // A JWE: every segment must decode, then the header is read like a JWS header.
            int dot4 = token.IndexOf('.', dot3 + 1);
            if (dot4 < 0 || token.IndexOf('.', dot4 + 1) >= 0)
            {
                return null;
            }

            var jwe = new GripJwsToken(token, dot2) { IsEncrypted = true };
            if (!GripJws.TryDecodeBase64Url(token.AsSpan(0, dot1), out byte[]? jweHeader) || !jwe.ReadHeader(jweHeader) ||
                !GripJws.TryDecodeBase64Url(token.AsSpan(dot1 + 1, dot2 - dot1 - 1), out _) ||
                !GripJws.TryDecodeBase64Url(token.AsSpan(dot2 + 1, dot3 - dot2 - 1), out _) ||
                !GripJws.TryDecodeBase64Url(token.AsSpan(dot4 + 1), out _) ||
                !GripJws.TryDecodeBase64Url(token.AsSpan(dot3 + 1, dot4 - dot3 - 1), out _))
            {
                return null;
            }

            return jwe;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or OverflowException or FormatException)
        {
            // JsonException: not JSON; InvalidOperationException: a string that is not valid UTF-8 or
            // a value of the wrong type; OverflowException: a NumericDate beyond a 64-bit integer.
            return null;
        }
    }

    private bool ReadHeader(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        reader.Read();
        while (reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                if (!reader.Read())
                {
                    return true;
                }

                continue;
            }

            if (reader.ValueTextEquals("alg"u8))
            {
                Algorithm = ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("kid"u8))
            {
                KeyId = ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("cty"u8) || reader.ValueTextEquals("typ"u8) || reader.ValueTextEquals("x5t"u8) || reader.ValueTextEquals("zip"u8))
            {
                ReadStringOrNull(ref reader);
            }
            else if (IsEncrypted && reader.ValueTextEquals("enc"u8))
            {
                reader.Read();
                HasEncryption = reader.TokenType switch
                {
                    JsonTokenType.Null => false,
                    JsonTokenType.String => reader.GetString()!.Length > 0,
                    _ => true,
                };
                SkipValue(ref reader);
            }
            else
            {
                SkipMember(ref reader);
            }
        }

        return true;
    }

    private bool ReadClaims(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        reader.Read();
        while (reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                if (!reader.Read())
                {
                    return true;
                }

                continue;
            }

            if (reader.ValueTextEquals("iss"u8))
            {
                Issuer = ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("exp"u8))
            {
                Expires = ToDateTime(ReadNumericDate(ref reader));
            }
            else if (reader.ValueTextEquals("nbf"u8))
            {
                NotBefore = ToDateTime(ReadNumericDate(ref reader));
            }
            else if (reader.ValueTextEquals("iat"u8))
            {
                ReadNumericDate(ref reader);
            }
            else if (reader.ValueTextEquals("azp"u8) || reader.ValueTextEquals("jti"u8))
            {
                ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("aud"u8))
            {
                ReadAudience(ref reader);
            }
            else if (reader.ValueTextEquals("sub"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.Null or JsonTokenType.Number or JsonTokenType.String))
                {
                    throw new InvalidOperationException("sub is not a string or a number.");
                }

                SkipValue(ref reader);
            }
            else
            {
                SkipMember(ref reader);
            }
        }

        return true;
    }

    /// <summary>
    /// Skips a member this reader does not use. Its name is still decoded: a name that is not valid
    /// UTF-8 makes the token unreadable (InvalidOperationException), as it did under IdentityModel.
    /// </summary>
    private static void SkipMember(ref Utf8JsonReader reader)
    {
        _ = reader.GetString();
        reader.Read();
        SkipValue(ref reader);
    }

    /// <summary>Moves to the member's value, reads it as a string or null, and moves past it.</summary>
    private static string? ReadStringOrNull(ref Utf8JsonReader reader)
    {
        reader.Read();
        string? value = reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => throw new InvalidOperationException("Expected a string or null."),
        };
        reader.Read();
        return value;
    }

    /// <summary><c>aud</c>: a string, null, or an array of strings and nulls.</summary>
    private static void ReadAudience(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    reader.GetString();
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw new InvalidOperationException("aud holds a value that is not a string.");
                }
            }

            reader.Read();
            return;
        }

        if (reader.TokenType is not (JsonTokenType.Null or JsonTokenType.String))
        {
            throw new InvalidOperationException("aud is not a string or an array.");
        }

        SkipValue(ref reader);
    }

    /// <summary>A NumericDate: a JSON number, or a string holding one; rounded to a whole second (half to even).</summary>
    private static long ReadNumericDate(ref Utf8JsonReader reader)
    {
        reader.Read();
        long seconds;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt64(out seconds))
            {
                seconds = reader.TryGetDouble(out double d) ? Convert.ToInt64(d) : throw new InvalidOperationException("Not a number.");
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            string text = reader.GetString()!;
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.CurrentCulture, out seconds))
            {
                seconds = double.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.CurrentCulture, out double d)
                    ? Convert.ToInt64(d)
                    : throw new InvalidOperationException("Not a number.");
            }
        }
        else
        {
            throw new InvalidOperationException("Not a number.");
        }

        reader.Read();
        return seconds;
    }

    /// <summary>Moves past the value the reader is on; strings must be valid UTF-8.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            reader.GetString();
        }
        else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        reader.Read();
    }

    private static DateTime ToDateTime(long seconds)
    {
        if (seconds <= 0)
        {
            return UnixEpoch;
        }

        TimeSpan sinceEpoch = seconds > TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        return DateTime.MaxValue - UnixEpoch <= sinceEpoch ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : UnixEpoch + sinceEpoch;
    }
}
