using System.Security.Cryptography;

namespace Grip.Hosting.Security;

/// <summary>
/// A key for compact JWS (RFC 7515) with the one algorithm it may be used with: HS256 for a shared
/// secret, ES256/ES384/ES512 for a P-256/P-384/P-521 key, RS256 for an RSA key of at least 2048 bits.
/// The algorithm comes from the key, never from a token, so a token naming another one (<c>none</c>,
/// HS256 against a public key, ES384 against a P-256 key) is never verified with this key.
/// </summary>
internal sealed class GripSecurityKey
{
    private readonly GripHmacSha256? _hmac;
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly HashAlgorithmName _hash;

    private GripSecurityKey(string algorithm, bool hasPrivateKey, GripHmacSha256? hmac, ECDsa? ecdsa, RSA? rsa, HashAlgorithmName hash)
    {
        Algorithm = algorithm;
        HasPrivateKey = hasPrivateKey;
        _hmac = hmac;
        _ecdsa = ecdsa;
        _rsa = rsa;
        _hash = hash;
    }

    /// <summary>The JWS <c>alg</c> this key signs and verifies (<see cref="GripJwsAlgorithms"/>).</summary>
    public string Algorithm { get; }

    /// <summary>Whether the key can sign (a shared secret, or a private EC/RSA key).</summary>
    public bool HasPrivateKey { get; }

    /// <summary>An HS256 key. Pushpin's <c>sig_key</c> may be short (its default, <c>changeme</c>, is 8 bytes): any non-empty length works.</summary>
    public static GripSecurityKey Hmac(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length == 0)
        {
            throw new FormatException("An HMAC key must not be empty.");
        }

        // Managed HMAC-SHA256 (GripHmacSha256): verifying Pushpin's tokens never loads OpenSSL.
        return new GripSecurityKey(GripJwsAlgorithms.HmacSha256, true, new GripHmacSha256(secret), null, null, HashAlgorithmName.SHA256);
    }

    /// <summary>An ES256/384/512 key, by its curve size.</summary>
    /// <exception cref="FormatException">The curve is not P-256, P-384 or P-521.</exception>
    public static GripSecurityKey Ecdsa(ECDsa ecdsa, bool hasPrivateKey)
    {
        ArgumentNullException.ThrowIfNull(ecdsa);
        (string algorithm, HashAlgorithmName hash) = ecdsa.KeySize switch
        {
            256 => (GripJwsAlgorithms.EcdsaSha256, HashAlgorithmName.SHA256),
            384 => (GripJwsAlgorithms.EcdsaSha384, HashAlgorithmName.SHA384),
            521 => (GripJwsAlgorithms.EcdsaSha512, HashAlgorithmName.SHA512),
            _ => throw new FormatException($"EC keys of {ecdsa.KeySize} bits are not supported (P-256, P-384, P-521)."),
        };
        return new GripSecurityKey(algorithm, hasPrivateKey, null, ecdsa, null, hash);
    }

    /// <summary>An RS256 key (the caller has checked its size).</summary>
    public static GripSecurityKey Rsa(RSA rsa, bool hasPrivateKey)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        return new GripSecurityKey(GripJwsAlgorithms.RsaSha256, hasPrivateKey, null, null, rsa, HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is this key's signature of <paramref name="signingInput"/>
    /// (the ASCII bytes of <c>header.payload</c>). HS256 compares in constant time; ES* signatures are
    /// the JWS form (IEEE P1363: r and s, fixed width, concatenated); RS256 is PKCS #1 v1.5.
    /// A signature of the wrong length is simply not valid.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (_hmac is not null)
        {
            if (signature.Length != GripHmacSha256.HashSize)
            {
                return false;
            }

            Span<byte> expected = stackalloc byte[GripHmacSha256.HashSize];
            _hmac.Compute(signingInput, expected);
            return CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        if (_ecdsa is not null)
        {
            return _ecdsa.VerifyData(signingInput, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        return _rsa!.VerifyData(signingInput, signature, _hash, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Signs <paramref name="signingInput"/> (the key must have its private part).</summary>
    public byte[] Sign(ReadOnlySpan<byte> signingInput)
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("A public key cannot sign.");
        }

        if (_hmac is not null)
        {
            return _hmac.Compute(signingInput);
        }

        if (_ecdsa is not null)
        {
            return _ecdsa.SignData(signingInput, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        return _rsa!.SignData(signingInput, _hash, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The algorithm only (never key material).</summary>
    public override string ToString() => $"GripSecurityKey({Algorithm})";
}

/// <summary>The JWS <c>alg</c> values GripHandlers signs and verifies (RFC 7518 §3.1).</summary>
internal static class GripJwsAlgorithms
{
    /// <summary>HMAC with SHA-256 (Pushpin's Grip-Sig).</summary>
    public const string HmacSha256 = "HS256";

    /// <summary>ECDSA P-256 with SHA-256 (Fastly Fanout's Grip-Sig).</summary>
    public const string EcdsaSha256 = "ES256";

    /// <summary>ECDSA P-384 with SHA-384.</summary>
    public const string EcdsaSha384 = "ES384";

    /// <summary>ECDSA P-521 with SHA-512.</summary>
    public const string EcdsaSha512 = "ES512";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    public const string RsaSha256 = "RS256";
}
