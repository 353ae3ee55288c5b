namespace Grip.Configuration;

/// <summary>What a GRIP key string holds (grip-spec §4.1, js-grip <c>loadKey</c>).</summary>
public enum GripKeyKind
{
    /// <summary>A shared secret (HMAC key bytes): Pushpin's <c>sig_key</c>, HS256.</summary>
    Symmetric,

    /// <summary>A PEM public key (<c>BEGIN PUBLIC KEY</c>) or private key (<c>BEGIN PRIVATE KEY</c>, <c>BEGIN EC PRIVATE KEY</c>, <c>BEGIN RSA PRIVATE KEY</c>).</summary>
    Pem,

    /// <summary>A JSON Web Key (a JSON object with <c>kty</c>).</summary>
    Jwk,
}
