using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>Builds HS256 JWTs the way Pushpin signs Grip-Sig, to forge or imitate one.</summary>
public static class TestJwt
{
    public static string Hs256(string issuer, string key, DateTimeOffset expires, string alg = "HS256")
    {
        string header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"typ\":\"JWT\",\"alg\":\"{alg}\"}}"));
        string claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"exp\":{expires.ToUnixTimeSeconds()},\"iss\":\"{issuer}\"}}"));
        string signingInput = header + "." + claims;
        if (alg == "none")
        {
            return signingInput + ".";
        }

        byte[] signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
