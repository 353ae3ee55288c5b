namespace Grip.Configuration;

/// <summary>Facts about Fastly Fanout (grip-spec §4.3).</summary>
public static class FastlyFanout
{
    /// <summary>The <c>iss</c> of Fanout's <c>Grip-Sig</c> is this prefix followed by the service id.</summary>
    public const string IssuerPrefix = "fastly:";

    /// <summary>Fanout's published ES256 (P-256) public key as a JWK.</summary>
    public const string PublicKeyJwk = """{"kty":"EC","crv":"P-256","x":"CKo5A1ebyFcnmVV8SE5On-8G81JyBjSvcrx4VLetWCg","y":"7gwJqaU6N8TP88--twjkwoB36f-pT3QsmI46nPhjO7M"}""";

    /// <summary>Fanout's published ES256 (P-256) public key as PEM (SPKI).</summary>
    public const string PublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECKo5A1ebyFcnmVV8SE5On+8G81Jy
        BjSvcrx4VLetWCjuDAmppTo3xM/zz763COTCgHfp/6lPdCyYjjqc+GM7sw==
        -----END PUBLIC KEY-----
        """;
}
