using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Grip.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Tests.Security;

/// <summary>
/// The Grip-Sig verifier and publish-JWT signer as they were before issue 18 (Grip.Hosting at commit
/// 16f4186, Microsoft.IdentityModel 8.23.0), kept here as the oracle that GripJwsParityTests hold the
/// compact JWS code up against: same inputs, same (status, reason), same publish tokens.
/// </summary>
internal sealed class IdentityModelOracle
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters[] _parameters;

    public IdentityModelOracle(IEnumerable<(string Key, string? Issuer)> keys, TimeProvider time, TimeSpan clockSkew) =>
        _parameters = [.. keys.Select(k => CreateParameters(CreateKey(k.Key), k.Issuer, time, clockSkew))];

    public async Task<(string Status, string? Reason)> VerifyAsync(string? gripSig)
    {
        if (string.IsNullOrEmpty(gripSig))
        {
            return ("Missing", "no Grip-Sig header");
        }

        if (!_handler.CanReadToken(gripSig))
        {
            return ("Invalid", "Grip-Sig is not a compact JWS");
        }

        if (CheckStructure(gripSig) is { } structural)
        {
            return ("Invalid", structural);
        }

        string? reason = null;
        foreach (var parameters in _parameters)
        {
            var result = await _handler.ValidateTokenAsync(gripSig, parameters);
            if (result.IsValid)
            {
                return ("Valid", null);
            }

            reason ??= Describe(result.Exception);
        }

        return ("Invalid", reason ?? "rejected");
    }

    /// <summary>The publish JWT as HttpProxySender made it with IdentityModel.</summary>
    public static string CreatePublishToken(string key, string? issuer, DateTimeOffset expires)
    {
        var (securityKey, algorithm, _) = CreateKey(key);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(securityKey, algorithm) { CryptoProviderFactory = ShortHmacFactory.Instance },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The old GripSecurityKeys.Create, reduced to what the tests configure (secrets, PEM, EC/RSA JWK).</summary>
    public static (SecurityKey Key, string Algorithm, bool HasPrivateKey) CreateKey(string key)
    {
        var material = GripKeyMaterial.Parse(key);
        switch (material.Kind)
        {
            case GripKeyKind.Symmetric:
                return (new SymmetricSecurityKey(material.Secret.ToArray()), SecurityAlgorithms.HmacSha256, true);
            case GripKeyKind.Pem when !material.Text!.Contains("RSA ", StringComparison.Ordinal):
                var ec = ECDsa.Create();
                try
                {
                    ec.ImportFromPem(material.Text);
                    return (new ECDsaSecurityKey(ec), EcAlgorithm(ec.KeySize), material.Text.Contains("PRIVATE", StringComparison.Ordinal));
                }
                catch (CryptographicException)
                {
                    ec.Dispose();
                }

                goto case GripKeyKind.Pem;
            case GripKeyKind.Pem:
                var rsa = RSA.Create();
                rsa.ImportFromPem(material.Text);
                return (new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256, material.Text.Contains("PRIVATE", StringComparison.Ordinal));
            default:
                using (var doc = JsonDocument.Parse(material.Text!))
                {
                    var root = doc.RootElement;
                    byte[] Get(string name) => Base64UrlEncoder.DecodeBytes(root.GetProperty(name).GetString());
                    if (root.GetProperty("kty").GetString() == "oct")
                    {
                        return (new SymmetricSecurityKey(Get("k")), SecurityAlgorithms.HmacSha256, true);
                    }

                    var curve = root.GetProperty("crv").GetString() switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        _ => ECCurve.NamedCurves.nistP521,
                    };
                    var key2 = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = Get("x"), Y = Get("y") } });
                    return (new ECDsaSecurityKey(key2), EcAlgorithm(key2.KeySize), false);
                }
        }
    }

    private static string EcAlgorithm(int keySize) => keySize switch
    {
        256 => SecurityAlgorithms.EcdsaSha256,
        384 => SecurityAlgorithms.EcdsaSha384,
        _ => SecurityAlgorithms.EcdsaSha512,
    };

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

    private static TokenValidationParameters CreateParameters((SecurityKey Key, string Algorithm, bool _) key, string? issuer, TimeProvider timeProvider, TimeSpan clockSkew) => new()
    {
        IssuerSigningKey = key.Key,
        ValidAlgorithms = [key.Algorithm],
        CryptoProviderFactory = ShortHmacFactory.Instance,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = clockSkew,
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

    /// <summary>The old GripCryptoProviderFactory: HS256 with keys shorter than 256 bits.</summary>
    private sealed class ShortHmacFactory : CryptoProviderFactory
    {
        public static ShortHmacFactory Instance { get; } = new() { CacheSignatureProviders = false };

        public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm) =>
            key is SymmetricSecurityKey symmetric && algorithm == SecurityAlgorithms.HmacSha256
                ? new HmacProvider(symmetric, algorithm)
                : base.CreateForVerifying(key, algorithm);

        public override SignatureProvider CreateForSigning(SecurityKey key, string algorithm) =>
            key is SymmetricSecurityKey symmetric && algorithm == SecurityAlgorithms.HmacSha256
                ? new HmacProvider(symmetric, algorithm)
                : base.CreateForSigning(key, algorithm);

        public override bool IsSupportedAlgorithm(string algorithm, SecurityKey key) =>
            (key is SymmetricSecurityKey && algorithm == SecurityAlgorithms.HmacSha256) || base.IsSupportedAlgorithm(algorithm, key);

        public override void ReleaseSignatureProvider(SignatureProvider signatureProvider)
        {
            if (signatureProvider is HmacProvider)
            {
                return;
            }

            base.ReleaseSignatureProvider(signatureProvider);
        }

        private sealed class HmacProvider(SymmetricSecurityKey key, string algorithm) : SignatureProvider(key, algorithm)
        {
            private readonly byte[] _key = key.Key;

            public override byte[] Sign(byte[] input) => HMACSHA256.HashData(_key, input);

            public override bool Sign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) =>
                HMACSHA256.TryHashData(_key, data, destination, out bytesWritten);

            public override bool Verify(byte[] input, byte[] signature) => Verify(input, 0, input.Length, signature, 0, signature.Length);

            public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength)
            {
                if (signatureLength != HMACSHA256.HashSizeInBytes)
                {
                    return false;
                }

                Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
                HMACSHA256.HashData(_key, input.AsSpan(inputOffset, inputLength), expected);
                return CryptographicOperations.FixedTimeEquals(expected, signature.AsSpan(signatureOffset, signatureLength));
            }

            protected override void Dispose(bool disposing)
            {
            }
        }
    }
}
