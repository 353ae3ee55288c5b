using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Tests.Infrastructure;

/// <summary>Builds JWTs by hand, so tests can forge exactly the bad tokens an attacker would send.</summary>
public static class Jwt
{
    public static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    public static string SigningInput(string headerJson, string payloadJson) => Encode(headerJson) + "." + Encode(payloadJson);

    public static string Hs256(byte[] key, string payloadJson, string headerJson = """{"typ":"JWT","alg":"HS256"}""")
    {
        string signingInput = SigningInput(headerJson, payloadJson);
        byte[] signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public static string Hs256(string key, string payloadJson) => Hs256(Encoding.UTF8.GetBytes(key), payloadJson);

    public static string Rs256(RSA rsa, string payloadJson)
    {
        string signingInput = SigningInput("""{"typ":"JWT","alg":"RS256"}""", payloadJson);
        byte[] signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public static string Es256(ECDsa ec, string payloadJson)
    {
        string signingInput = SigningInput("""{"typ":"JWT","alg":"ES256"}""", payloadJson);
        byte[] signature = ec.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeSeconds();

    public static string Claims(string? iss, long? exp)
    {
        var parts = new List<string>();
        if (exp is { } e)
        {
            parts.Add($"\"exp\":{e}");
        }

        if (iss is not null)
        {
            parts.Add($"\"iss\":\"{iss}\"");
        }

        return "{" + string.Join(",", parts) + "}";
    }
}
