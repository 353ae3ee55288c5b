using System.Security.Cryptography;
using System.Text.Json;
using Grip.Configuration;

namespace Grip.Hosting.Security;

/// <summary>Turns <see cref="GripKeyMaterial"/> into JWS keys (no reflection: JWK members are read by hand).</summary>
internal static class GripSecurityKeys
{
    public static GripSecurityKey Create(GripKeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        return material.Kind switch
        {
            GripKeyKind.Symmetric => GripSecurityKey.Hmac(material.Secret.ToArray()),
            GripKeyKind.Pem => FromPem(material.Text!),
            GripKeyKind.Jwk => FromJwk(material.Text!),
            _ => throw new FormatException("Unknown key kind."),
        };
    }

    public static GripSecurityKey Create(string key) => Create(GripKeyMaterial.Parse(key));

    private static GripSecurityKey FromPem(string pem)
    {
        bool isPrivate = pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);
        if (!pem.Contains("RSA ", StringComparison.Ordinal))
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);
                return GripSecurityKey.Ecdsa(ec, isPrivate);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                ec.Dispose();
                if (pem.Contains("EC ", StringComparison.Ordinal))
                {
                    throw new FormatException("The PEM EC key could not be read: " + ex.Message, ex);
                }
            }
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new FormatException("The PEM key is neither an EC (P-256/384/521) nor an RSA key GripHandlers can use: " + ex.Message, ex);
        }

        if (rsa.KeySize < 2048)
        {
            int size = rsa.KeySize;
            rsa.Dispose();
            throw new FormatException($"The RSA key has {size} bits; at least 2048 are required.");
        }

        return GripSecurityKey.Rsa(rsa, isPrivate);
    }

    private static GripSecurityKey FromJwk(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string kty = GetString(root, "kty") ?? throw new FormatException("The JWK has no \"kty\".");
        switch (kty)
        {
            case "oct":
                byte[] k = GetBytes(root, "k", required: true)!;
                return k.Length == 0 ? throw new FormatException("The JWK member \"k\" is empty.") : GripSecurityKey.Hmac(k);

            case "EC":
            {
                string crv = GetString(root, "crv") ?? throw new FormatException("The EC JWK has no \"crv\".");
                ECCurve curve = crv switch
                {
                    "P-256" => ECCurve.NamedCurves.nistP256,
                    "P-384" => ECCurve.NamedCurves.nistP384,
                    "P-521" => ECCurve.NamedCurves.nistP521,
                    _ => throw new FormatException($"The EC JWK curve '{crv}' is not supported (P-256, P-384, P-521)."),
                };
                var parameters = new ECParameters
                {
                    Curve = curve,
                    Q = new ECPoint { X = GetBytes(root, "x", required: true), Y = GetBytes(root, "y", required: true) },
                    D = GetBytes(root, "d", required: false),
                };
                ECDsa ec;
                try
                {
                    ec = ECDsa.Create(parameters);
                }
                catch (CryptographicException ex)
                {
                    throw new FormatException("The EC JWK is not a valid key: " + ex.Message, ex);
                }

                return GripSecurityKey.Ecdsa(ec, parameters.D is not null);
            }

            case "RSA":
            {
                var parameters = new RSAParameters
                {
                    Modulus = GetBytes(root, "n", required: true),
                    Exponent = GetBytes(root, "e", required: true),
                    D = GetBytes(root, "d", required: false),
                    P = GetBytes(root, "p", required: false),
                    Q = GetBytes(root, "q", required: false),
                    DP = GetBytes(root, "dp", required: false),
                    DQ = GetBytes(root, "dq", required: false),
                    InverseQ = GetBytes(root, "qi", required: false),
                };
                RSA rsa;
                try
                {
                    rsa = RSA.Create(parameters);
                }
                catch (CryptographicException ex)
                {
                    throw new FormatException("The RSA JWK is not a valid key: " + ex.Message, ex);
                }

                if (rsa.KeySize < 2048)
                {
                    int size = rsa.KeySize;
                    rsa.Dispose();
                    throw new FormatException($"The RSA JWK has {size} bits; at least 2048 are required.");
                }

                return GripSecurityKey.Rsa(rsa, parameters.D is not null);
            }

            default:
                throw new FormatException($"The JWK key type '{kty}' is not supported (oct, EC, RSA).");
        }
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? GetBytes(JsonElement root, string name, bool required)
    {
        string? text = GetString(root, name);
        if (text is null)
        {
            return required ? throw new FormatException($"The JWK has no \"{name}\".") : null;
        }

        return GripJws.TryDecodeBase64Url(text, out byte[]? bytes)
            ? bytes
            : throw new FormatException($"The JWK member \"{name}\" is not base64url.");
    }
}
