using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Security;

/// <summary>
/// Verifies <c>Grip-Sig</c> tokens (grip-spec §5.2) with Microsoft.IdentityModel: the algorithm
/// comes from each configured key (HS256 for a shared secret, ES256/384/512 for EC, RS256 for RSA),
/// never from the token, so <c>alg: none</c> and HS/RS confusion cannot pass; <c>exp</c> is required;
/// <c>iss</c> is checked when the key's proxy has a verify issuer. Several keys may be configured
/// (rotation, several proxies): a token is valid when one of them accepts it.
/// </summary>
public sealed class GripSignatureVerifier
{
    /// <summary>
    /// Pushpin signs every request with claims <c>exp</c> (whole seconds) and <c>iss</c> only, so all
    /// requests within the same second carry the same token. Tokens that verified are remembered
    /// until their <c>exp</c>: a repeat costs a lookup instead of a signature check. Only valid tokens
    /// enter (nobody can fill it without the key) and it is bounded.
    /// </summary>
    private const int MaxCachedTokens = 256;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters[] _parameters;
    private readonly ConcurrentDictionary<string, DateTime> _validTokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;
    private ValidToken? _last;

    internal GripSignatureVerifier(IEnumerable<(GripSecurityKey Key, string? Issuer)> keys, TimeProvider timeProvider, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _clockSkew = clockSkew;
        _parameters = keys.Select(k => CreateParameters(k.Key, k.Issuer, timeProvider, clockSkew)).ToArray();
    }

    /// <summary>Whether any verify key is configured (then every request must be signed).</summary>
    public bool IsEnabled => _parameters.Length > 0;

    /// <summary>The number of configured verify keys.</summary>
    public int KeyCount => _parameters.Length;

    /// <summary>Checks a <c>Grip-Sig</c> header value.</summary>
    /// <param name="gripSig">The header value, or <see langword="null"/> when absent.</param>
    /// <returns>The status, and for an invalid token a short reason safe to log (no token text).</returns>
    /// <remarks>
    /// A token seen before (and still before its <c>exp</c>) is answered synchronously, without
    /// IdentityModel: first from the last token that verified (one ordinal comparison; behind Pushpin
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

        if (_parameters.Length == 0)
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

        return VerifyFullyAsync(gripSig);
    }

    private async ValueTask<(GripSignatureStatus Status, string? Reason)> VerifyFullyAsync(string gripSig)
    {
        if (!_handler.CanReadToken(gripSig))
        {
            return (GripSignatureStatus.Invalid, "Grip-Sig is not a compact JWS");
        }

        if (CheckStructure(gripSig) is { } structural)
        {
            return (GripSignatureStatus.Invalid, structural);
        }

        string? reason = null;
        foreach (var parameters in _parameters)
        {
            var result = await _handler.ValidateTokenAsync(gripSig, parameters).ConfigureAwait(false);
            if (result.IsValid)
            {
                Remember(gripSig, result.SecurityToken);
                return (GripSignatureStatus.Valid, null);
            }

            reason ??= Describe(result.Exception);
        }

        return (GripSignatureStatus.Invalid, reason ?? "rejected");
    }

    /// <summary>
    /// What IdentityModel lets through and GripHandlers refuses: a <c>crit</c> header (RFC 7515
    /// §4.1.11: the recipient must understand every listed extension, and GripHandlers understands
    /// none, so any <c>crit</c> makes the token invalid), and an <c>exp</c> that is not a JSON number
    /// (RFC 7519 §4.1.4 NumericDate; IdentityModel reads a numeric string as a date).
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

    private void Remember(string token, SecurityToken? validated)
    {
        if (validated is not JsonWebToken { ValidTo: var validTo } || validTo == DateTime.MinValue)
        {
            return;
        }

        if (_validTokens.Count >= MaxCachedTokens)
        {
            _validTokens.Clear();
        }

        var expires = DateTime.SpecifyKind(validTo, DateTimeKind.Utc);
        _validTokens[token] = expires;
        Volatile.Write(ref _last, new ValidToken(token, expires));
    }

    /// <summary>A token that verified, and its <c>exp</c> (UTC).</summary>
    private sealed record ValidToken(string Token, DateTime Expires);

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNoExpirationException => "token has no exp",
        SecurityTokenInvalidIssuerException => "wrong or missing iss",
        SecurityTokenInvalidAlgorithmException => "algorithm does not match the configured key",
        SecurityTokenSignatureKeyNotFoundException => "signature does not verify",
        SecurityTokenInvalidSignatureException => "signature does not verify",
        SecurityTokenMalformedException or ArgumentException => "malformed token",
        SecurityTokenNotYetValidException => "token not yet valid",
        null => "rejected",
        _ => "rejected (" + exception.GetType().Name + ")",
    };

    private static TokenValidationParameters CreateParameters(GripSecurityKey key, string? issuer, TimeProvider timeProvider, TimeSpan clockSkew) => new()
    {
        IssuerSigningKey = key.Key,
        ValidAlgorithms = [key.Algorithm],
        CryptoProviderFactory = GripCryptoProviderFactory.Instance,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = clockSkew,

        // Our own clock (TimeProvider, testable) and pygripcontrol/Pushpin's rule: exp is required
        // and a token is dead once now >= exp (+ the configured skew).
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            DateTime now = timeProvider.GetUtcNow().UtcDateTime;
            if (expires is not { } exp)
            {
                throw new SecurityTokenNoExpirationException("Grip-Sig has no exp.");
            }

            if (now >= exp.ToUniversalTime() + clockSkew)
            {
                throw new SecurityTokenExpiredException("Grip-Sig expired.");
            }

            if (notBefore is { } nbf && now + clockSkew < nbf.ToUniversalTime())
            {
                throw new SecurityTokenNotYetValidException("Grip-Sig not yet valid.");
            }

            return true;
        },
        ValidateIssuer = issuer is not null,
        ValidIssuer = issuer,
        ValidateAudience = false,
        ValidateIssuerSigningKey = false,
        TryAllIssuerSigningKeys = true,
        LogValidationExceptions = false,
    };
}
