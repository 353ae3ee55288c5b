using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Json;

namespace Grip.Hosting.Security;

/// <summary>
/// Verifies <c>Grip-Sig</c> tokens (grip-spec §5.2), compact JWS over System.Security.Cryptography:
/// the algorithm comes from each configured key (HS256 for a shared secret, ES256/384/512 for EC,
/// RS256 for RSA), never from the token, so <c>alg: none</c> and HS/RS confusion cannot pass;
/// <c>exp</c> is required; <c>iss</c> is checked when the key's proxy has a verify issuer. Several
/// keys may be configured (rotation, several proxies): a token is valid when one of them accepts it.
/// </summary>
/// <remarks>
/// The rules, in the order they are applied (docs/security.md has the list for users): the token's
/// shape (three base64url segments, at most 256,000 characters), no <c>crit</c> header, <c>exp</c> a
/// JSON number, header and claims readable (<see cref="GripJwsToken"/>), then for each key in turn:
/// a signature present, <c>alg</c> equal to the key's algorithm and the signature verifying, <c>exp</c>
/// not passed (and <c>nbf</c> passed) with the clock skew, <c>iss</c> equal to the key's verify
/// issuer. The first key's reason is the one reported. Until issue 18 this was Microsoft.IdentityModel;
/// the same tokens pass and fail with the same reasons (GripJwsParityTests compares the two).
/// </remarks>
public sealed class GripSignatureVerifier
{
    /// <summary>
    /// Pushpin signs every request with claims <c>exp</c> (whole seconds) and <c>iss</c> only, so all
    /// requests within the same second carry the same token. Tokens that verified are remembered
    /// until their <c>exp</c>: a repeat costs a lookup instead of a signature check. Only valid tokens
    /// enter (nobody can fill it without the key) and it is bounded.
    /// </summary>
    private const int MaxCachedTokens = 256;

    private readonly (GripSecurityKey Key, string? Issuer)[] _keys;
    private readonly ConcurrentDictionary<string, DateTime> _validTokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;
    private ValidToken? _last;

    internal GripSignatureVerifier(IEnumerable<(GripSecurityKey Key, string? Issuer)> keys, TimeProvider timeProvider, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);
        _timeProvider = timeProvider;
        _clockSkew = clockSkew;
        _keys = [.. keys];
    }

    /// <summary>Whether any verify key is configured (then every request must be signed).</summary>
    public bool IsEnabled => _keys.Length > 0;

    /// <summary>The number of configured verify keys.</summary>
    public int KeyCount => _keys.Length;

    /// <summary>Checks a <c>Grip-Sig</c> header value.</summary>
    /// <param name="gripSig">The header value, or <see langword="null"/> when absent.</param>
    /// <returns>The status, and for an invalid token a short reason safe to log (no token text).</returns>
    /// <remarks>
    /// Verification is synchronous; the result is a <see cref="ValueTask{TResult}"/> so that a
    /// verifier that must wait (a key fetched over the network) can come later without an API change.
    /// A token seen before (and still before its <c>exp</c>) is answered without checking its
    /// signature again: first from the last token that verified (one ordinal comparison; behind Pushpin
    /// nearly every request of a second carries the same token), then from the bounded set of valid
    /// tokens. Its <c>exp</c> is checked on every request; its signature and <c>iss</c> were checked
    /// when it entered, against keys that cannot change afterwards.
    /// </remarks>
    public ValueTask<(GripSignatureStatus Status, string? Reason)> VerifyAsync(string? gripSig)
    {
        if (string.IsNullOrEmpty(gripSig))
        {
            return new((GripSignatureStatus.Missing, "no Grip-Sig header"));
        }

        if (_keys.Length == 0)
        {
            return new((GripSignatureStatus.Invalid, "no verify key is configured"));
        }

        if (Volatile.Read(ref _last) is { } last && string.Equals(last.Token, gripSig, StringComparison.Ordinal) &&
            _timeProvider.GetUtcNow().UtcDateTime < last.Expires + _clockSkew)
        {
            return new((GripSignatureStatus.Valid, null));
        }

        if (_validTokens.TryGetValue(gripSig, out DateTime expires))
        {
            if (_timeProvider.GetUtcNow().UtcDateTime < expires + _clockSkew)
            {
                Volatile.Write(ref _last, new ValidToken(gripSig, expires));
                return new((GripSignatureStatus.Valid, null));
            }

            _validTokens.TryRemove(gripSig, out _);
        }

        return new(VerifyFully(gripSig));
    }

    private (GripSignatureStatus Status, string? Reason) VerifyFully(string gripSig)
    {
        if (!GripJwsToken.HasCompactShape(gripSig))
        {
            return (GripSignatureStatus.Invalid, "Grip-Sig is not a compact JWS");
        }

        if (CheckStructure(gripSig) is { } structural)
        {
            return (GripSignatureStatus.Invalid, structural);
        }

        if (GripJwsToken.Read(gripSig) is not { } token)
        {
            return (GripSignatureStatus.Invalid, "malformed token");
        }

        if (token.IsEncrypted)
        {
            // A JWE: nothing here decrypts, so no key can accept it.
            return (GripSignatureStatus.Invalid, token.HasEncryption ? "rejected (SecurityTokenDecryptionFailedException)" : "rejected (SecurityTokenException)");
        }

        DateTime now = _timeProvider.GetUtcNow().UtcDateTime;
        byte[]? signingInput = null;
        string? reason = null;
        foreach (var (key, issuer) in _keys)
        {
            string? refused = Check(token, key, issuer, now, ref signingInput);
            if (refused is null)
            {
                Remember(gripSig, token.Expires!.Value);
                return (GripSignatureStatus.Valid, null);
            }

            reason ??= refused;
        }

        return (GripSignatureStatus.Invalid, reason ?? "rejected");
    }

    /// <summary>One key's verdict on a token: <see langword="null"/> when it accepts it, else the reason.</summary>
    private string? Check(GripJwsToken token, GripSecurityKey key, string? issuer, DateTime now, ref byte[]? signingInput)
    {
        // An empty signature segment is never a signature, whatever the header says (alg none included).
        if (!token.IsSigned)
        {
            return SignatureDoesNotVerify;
        }

        // The key decides the algorithm: a token naming another (none, HS256 against a public key,
        // ES384 against a P-256 key) is not verified with it at all.
        bool verified = string.Equals(token.Algorithm, key.Algorithm, StringComparison.Ordinal) &&
            token.TryDecodeSignature(out byte[]? signature) &&
            key.Verify(signingInput ??= token.SigningInput(), signature);
        if (!verified)
        {
            // A token that names a key (kid; our keys have no id, so it never matches) gets its
            // lifetime and issuer reported before its signature, as before; there a missing exp
            // counts as the earliest time (expired), not as missing.
            if (!string.IsNullOrEmpty(token.KeyId) && (CheckLifetime(token, now, missingExpIsExpired: true) ?? CheckIssuer(token, issuer)) is { } first)
            {
                return first;
            }

            return SignatureDoesNotVerify;
        }

        return CheckLifetime(token, now) ?? CheckIssuer(token, issuer);
    }

    private const string SignatureDoesNotVerify = "signature does not verify";

    /// <summary>
    /// Pushpin's and pygripcontrol's rule: <c>exp</c> is required and a token is dead once
    /// now ≥ exp + skew; a token with <c>nbf</c> is not valid while now + skew &lt; nbf.
    /// </summary>
    private string? CheckLifetime(GripJwsToken token, DateTime now, bool missingExpIsExpired = false)
    {
        if (token.Expires is not { } exp)
        {
            if (!missingExpIsExpired)
            {
                return "token has no exp";
            }

            exp = DateTime.MinValue;
        }

        // exp at the end of time plus a positive skew does not exist: refused as malformed, as before.
        long deadline = exp.Ticks + _clockSkew.Ticks;
        if (deadline > DateTime.MaxValue.Ticks || deadline < 0)
        {
            return "malformed token";
        }

        if (now >= new DateTime(deadline, DateTimeKind.Utc))
        {
            return "token expired";
        }

        if (token.NotBefore is { } nbf && now + _clockSkew < nbf)
        {
            return "token not yet valid";
        }

        return null;
    }

    /// <summary>When the key's proxy has a verify issuer, <c>iss</c> must be exactly it (ordinal); a blank one never matches.</summary>
    private static string? CheckIssuer(GripJwsToken token, string? issuer)
    {
        if (issuer is null)
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(token.Issuer) || string.IsNullOrWhiteSpace(issuer) || !string.Equals(issuer, token.Issuer, StringComparison.Ordinal)
            ? "wrong or missing iss"
            : null;
    }

    /// <summary>
    /// Checked before the token is read: a <c>crit</c> header (RFC 7515 §4.1.11: the recipient must
    /// understand every listed extension, and GripHandlers understands none, so any <c>crit</c> makes
    /// the token invalid), and an <c>exp</c> that is not a JSON number (RFC 7519 §4.1.4 NumericDate;
    /// the reader would take a numeric string).
    /// </summary>
    /// <returns>A reason safe to log, or <see langword="null"/> when the token passes.</returns>
    private static string? CheckStructure(string token)
    {
        int firstDot = token.IndexOf('.', StringComparison.Ordinal);
        int secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (secondDot < 0)
        {
            return "malformed token";
        }

        if (HasTopLevelProperty(token.AsSpan(0, firstDot), "crit"u8, out _) is not false)
        {
            return "crit header names an extension GripHandlers does not support (RFC 7515 §4.1.11)";
        }

        return HasTopLevelProperty(token.AsSpan(firstDot + 1, secondDot - firstDot - 1), "exp"u8, out bool allNumbers) switch
        {
            null => "malformed token",
            true when !allNumbers => "exp is not a number",
            _ => null,
        };
    }

    /// <summary>
    /// Whether the base64url JSON object <paramref name="segment"/> has the top-level property
    /// <paramref name="name"/> (<see langword="null"/> when it is not a readable JSON object);
    /// <paramref name="allNumbers"/> tells whether every occurrence's value is a JSON number.
    /// </summary>
    private static bool? HasTopLevelProperty(ReadOnlySpan<char> segment, ReadOnlySpan<byte> name, out bool allNumbers)
    {
        allNumbers = true;
        int max = Base64Url.GetMaxDecodedLength(segment.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(max, 1));
        try
        {
            if (Base64Url.DecodeFromChars(segment, rented, out _, out int written) != OperationStatus.Done)
            {
                return null;
            }

            var reader = new Utf8JsonReader(rented.AsSpan(0, written), new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(name);
                if (!reader.Read())
                {
                    return null;
                }

                if (match)
                {
                    found = true;
                    allNumbers &= reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double d) && double.IsFinite(d);
                }

                reader.Skip();
            }

            return found;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Remember(string token, DateTime expires)
    {
        if (_validTokens.Count >= MaxCachedTokens)
        {
            _validTokens.Clear();
        }

        _validTokens[token] = expires;
        Volatile.Write(ref _last, new ValidToken(token, expires));
    }

    /// <summary>A token that verified, and its <c>exp</c> (UTC).</summary>
    private sealed record ValidToken(string Token, DateTime Expires);
}
