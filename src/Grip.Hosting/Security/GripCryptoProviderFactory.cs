using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Security;

/// <summary>
/// IdentityModel refuses HMAC keys shorter than 256 bits (IDX10720). Pushpin's shared secret is
/// whatever the operator wrote in <c>sig_key</c> — its default is the 8-byte <c>changeme</c> — so
/// HS256 with short keys must work. This factory returns a constant-time HMAC-SHA256 provider for
/// symmetric keys and leaves every other key to the default factory. Parsing, the algorithm check,
/// <c>exp</c> and <c>iss</c> stay with IdentityModel.
/// </summary>
internal sealed class GripCryptoProviderFactory : CryptoProviderFactory
{
    public static GripCryptoProviderFactory Instance { get; } = new() { CacheSignatureProviders = false };

    public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm) =>
        key is SymmetricSecurityKey symmetric && algorithm == SecurityAlgorithms.HmacSha256
            ? new HmacSha256Provider(symmetric, algorithm)
            : base.CreateForVerifying(key, algorithm);

    public override SignatureProvider CreateForSigning(SecurityKey key, string algorithm) =>
        key is SymmetricSecurityKey symmetric && algorithm == SecurityAlgorithms.HmacSha256
            ? new HmacSha256Provider(symmetric, algorithm)
            : base.CreateForSigning(key, algorithm);

    public override bool IsSupportedAlgorithm(string algorithm, SecurityKey key) =>
        (key is SymmetricSecurityKey && algorithm == SecurityAlgorithms.HmacSha256) || base.IsSupportedAlgorithm(algorithm, key);

    public override void ReleaseSignatureProvider(SignatureProvider signatureProvider)
    {
        if (signatureProvider is HmacSha256Provider)
        {
            signatureProvider.Dispose();
            return;
        }

        base.ReleaseSignatureProvider(signatureProvider);
    }

    private sealed class HmacSha256Provider : SignatureProvider
    {
        private readonly byte[] _key;

        public HmacSha256Provider(SymmetricSecurityKey key, string algorithm)
            : base(key, algorithm)
        {
            _key = key.Key;
            if (_key.Length == 0)
            {
                throw new ArgumentException("An HMAC key must not be empty.", nameof(key));
            }
        }

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
