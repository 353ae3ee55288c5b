using System.Security.Cryptography;
using System.Text;
using Grip.Hosting.Security;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Tests.Security;

/// <summary>
/// Issue 18 replaced Microsoft.IdentityModel with GripHandlers' own compact JWS. These tests hold the
/// new verifier and signer up against the old IdentityModel code (<see cref="IdentityModelOracle"/>):
/// thousands of tokens, hand-made and mutated, under several key configurations, must get the same
/// status and the same logged reason from both; publish JWTs must be the same bytes.
/// </summary>
public class GripJwsParityTests
{
    private const long Now = 1_800_000_000;

    private static readonly ECDsa Ec256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa Ec384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private static readonly ECDsa Ec521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
    private static readonly RSA Rsa = RSA.Create(2048);

    /// <summary>Key configurations: (key, verify iss) pairs and the clock skew.</summary>
    private static readonly (string Name, (string Key, string? Iss)[] Keys, TimeSpan Skew)[] Configurations =
    [
        ("hs256 iss=pushpin skew=10s", [("changeme", "pushpin")], TimeSpan.FromSeconds(10)),
        ("hs256 no iss skew=0", [("changeme", null)], TimeSpan.Zero),
        ("es256 iss=fastly:SID + old hs256 key", [(Ec256.ExportSubjectPublicKeyInfoPem(), "fastly:SID"), ("changeme", null)], TimeSpan.FromSeconds(10)),
        ("rs256 iss=pushpin skew=0", [(Rsa.ExportSubjectPublicKeyInfoPem(), "pushpin")], TimeSpan.Zero),
        ("es384 + es512 iss=pushpin", [(Ec384.ExportSubjectPublicKeyInfoPem(), "pushpin"), (Ec521.ExportSubjectPublicKeyInfoPem(), "pushpin")], TimeSpan.FromSeconds(10)),
        ("hs256 iss blank", [("changeme", " ")], TimeSpan.FromSeconds(10)),
        ("hs256 skew=5min", [("changeme", "pushpin")], TimeSpan.FromMinutes(5)),
    ];

    [Fact]
    public async Task Every_token_gets_the_same_status_and_reason_as_from_identitymodel()
    {
        var tokens = Corpus();
        Assert.True(tokens.Count > 5000, $"corpus of {tokens.Count}");
        var mismatches = new List<string>();
        int valid = 0;
        foreach (var (name, keys, skew) in Configurations)
        {
            var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now));
            var ours = new GripSignatureVerifier(keys.Select(k => (GripSecurityKeys.Create(k.Key), k.Iss)), time, skew);
            var oracle = new IdentityModelOracle(keys, time, skew);
            foreach (string token in tokens)
            {
                var expected = await oracle.VerifyAsync(token);
                var (status, reason) = await ours.VerifyAsync(token);
                if (expected.Status != status.ToString() || expected.Reason != reason)
                {
                    mismatches.Add($"[{name}] {Show(token)}: IdentityModel {expected.Status} ({expected.Reason}), ours {status} ({reason})");
                }

                valid += status == GripSignatureStatus.Valid ? 1 : 0;
            }
        }

        var kinds = mismatches.GroupBy(m => m[(m.IndexOf(": IdentityModel", StringComparison.Ordinal) + 2)..]).Select(g => $"{g.Count()} x {g.Key}\n    e.g. {g.First()}");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differences:\n" + string.Join("\n", kinds.Take(40)));
        Assert.True(valid > 100, $"only {valid} valid verdicts: the corpus does not reach the claims checks");
    }

    public static TheoryData<string> PublishKeys() =>
    [
        "changeme",
        "base64:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        """{"kty":"oct","k":"c2VjcmV0LWtleS0x"}""",
        Rsa.ExportRSAPrivateKeyPem(),
        Rsa.ExportPkcs8PrivateKeyPem(),
    ];

    [Theory]
    [MemberData(nameof(PublishKeys))]
    public void Publish_jwts_are_the_same_bytes_as_identitymodel_made(string key)
    {
        string?[] issuers = ["pushpin", null, "", "fastly:SID", "a+b<c>&'\"\\ é😀/\u0001\u007f"];
        DateTimeOffset[] expiries = [DateTimeOffset.FromUnixTimeSeconds(Now).AddMinutes(10), DateTimeOffset.FromUnixTimeMilliseconds((Now * 1000) + 999), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(-5)];
        var ours = GripSecurityKeys.Create(key);
        foreach (string? issuer in issuers)
        {
            foreach (var expires in expiries)
            {
                Assert.Equal(IdentityModelOracle.CreatePublishToken(key, issuer, expires), GripJws.CreateToken(ours, issuer, expires));
            }
        }
    }

    [Theory]
    [InlineData(256)]
    [InlineData(384)]
    [InlineData(521)]
    public async Task Ec_publish_jwts_have_identitymodels_header_and_claims_and_verify_with_it(int bits)
    {
        var ec = bits switch { 256 => Ec256, 384 => Ec384, _ => Ec521 };
        string key = ec.ExportPkcs8PrivateKeyPem();
        var expires = DateTimeOffset.FromUnixTimeSeconds(Now + 600);
        string ours = GripJws.CreateToken(GripSecurityKeys.Create(key), "me", expires);
        string theirs = IdentityModelOracle.CreatePublishToken(key, "me", expires);
        Assert.Equal(theirs[..theirs.LastIndexOf('.')], ours[..ours.LastIndexOf('.')]);

        var (securityKey, algorithm, _) = IdentityModelOracle.CreateKey(ec.ExportSubjectPublicKeyInfoPem());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(ours, new TokenValidationParameters
        {
            IssuerSigningKey = securityKey,
            ValidAlgorithms = [algorithm],
            ValidIssuer = "me",
            ValidateAudience = false,
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    private static string Show(string token) => token.Length > 200 ? $"{token[..120]}…({token.Length} chars)" : token;

    /// <summary>Every token the parity test sends: hand-made headers × claims, signed, then mutated.</summary>
    private static List<string> Corpus()
    {
        var tokens = new List<string> { "", "value", "..", "a.b", "a.b.c.d", "a..c", ".b.c", "a.b.c.d.e.f", " ", "\n", "a.b.c\n", "a.b.\n", "a.b.c\n\n", "a.b.c ", "é.b.c", "a=.b.c", "a.b=.c", "a.b.c=" };
        var good = new List<string>();
        foreach (byte[] header in Headers())
        {
            foreach (byte[] claims in Claims())
            {
                string token = Sign(header, claims);
                tokens.Add(token);
                if (claims.Length < 60 && header.Length < 40)
                {
                    good.Add(token);
                }
            }
        }

        // JWE shapes: five segments. The second must be a JSON object or the structure check stops it first.
        string[] jweHeaders = ["""{"alg":"dir","enc":"A128GCM"}""", """{"alg":"dir"}""", """{"alg":"dir","enc":""}""", """{"alg":"dir","enc":null}""", """{"alg":"dir","enc":5}""", """{"alg":"dir","enc":{}}""", """{"alg":"RSA-OAEP","enc":"A256GCM","kid":"k"}""", """{"enc":"A128GCM","crit":["x"]}""", "not json", """{"alg":5,"enc":"A128GCM"}"""];
        string[] secondSegments = ["", Jwt("""{"a":1}"""), Jwt("""{"exp":"x"}"""), Jwt("""{"exp":1}"""), "AAAA", "A"];
        string[] rest = ["AAAA.AAAA.AAAA", "AAAA.A.AAAA", "AAAA.AAAA.A", "A.AAAA.AAAA", "AAAA.AAAA.AAAA\n"];
        foreach (string h in jweHeaders)
        {
            foreach (string second in secondSegments)
            {
                foreach (string r in rest)
                {
                    tokens.Add(Jwt(h) + "." + second + "." + r);
                }
            }
        }

        // Huge tokens around the 256,000-character limit, validly signed (36 + 1 + claims + 1 + 43 characters).
        foreach (int target in new[] { 255_999, 256_000, 256_001, 300_000 })
        {
            string prefix = "{\"iss\":\"pushpin\",\"exp\":" + (Now + 3600) + ",\"pad\":\"";
            int bytes = (target - 81) * 3 / 4;
            while ((((bytes * 4) + 2) / 3) < target - 81)
            {
                bytes++;
            }

            string claims = prefix + new string('x', bytes - prefix.Length - 2) + "\"}";
            tokens.Add(Sign(Encoding.UTF8.GetBytes("""{"typ":"JWT","alg":"HS256"}"""), Encoding.UTF8.GetBytes(claims)));
        }

        // Mutations of well-formed tokens: signatures truncated, extended, re-padded, their last
        // character's unused bits changed; segments padded with '='; random edits.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var random = new Random(18);
        foreach (string token in good.Take(60))
        {
            int dot2 = token.LastIndexOf('.');
            string signingInput = token[..dot2];
            string signature = token[(dot2 + 1)..];
            tokens.Add(signingInput + ".");
            tokens.Add(signingInput);
            for (int cut = 1; cut <= 4 && cut < signature.Length; cut++)
            {
                tokens.Add(signingInput + "." + signature[..^cut]);
            }

            tokens.Add(token + "A");
            tokens.Add(token + "AA");
            tokens.Add(token + "=");
            tokens.Add(token + "==");
            tokens.Add(token + "\n");
            tokens.Add(token.Replace(".", "=.", StringComparison.Ordinal));
            foreach (char c in alphabet)
            {
                tokens.Add(token[..^1] + c);
            }

            for (int i = 0; i < 6; i++)
            {
                var chars = token.ToCharArray().ToList();
                int edits = random.Next(1, 4);
                for (int e = 0; e < edits; e++)
                {
                    int at = random.Next(chars.Count);
                    switch (random.Next(3))
                    {
                        case 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                        case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                        default: chars.RemoveAt(at); break;
                    }
                }

                tokens.Add(new string([.. chars]));
            }
        }

        // Random JSON around the claims that matter, validly signed, so the reader and the
        // lifetime/issuer checks see them.
        string[] values = ["1", "-1", "0", "1.5", "2.5", "1e3", "1e400", "-1e400", "\"1\"", "\" 2 \"", "\"1.5\"", "\"1,000\"", "\"x\"", "null", "true", "[]", "{}", "[1,\"a\"]", "\"pushpin\"", (Now + 100).ToString(System.Globalization.CultureInfo.InvariantCulture), (Now - 100).ToString(System.Globalization.CultureInfo.InvariantCulture), "\"" + (Now + 100) + "\"", "\"" + (Now - 100) + "\"", "\"\\ud800\"", "\"\\u0000\""];
        string[] names = ["exp", "nbf", "iat", "iss", "aud", "sub", "azp", "jti", "x", "\\u0065xp", "kid"];
        for (int i = 0; i < 2500; i++)
        {
            var members = new List<string> { "\"iss\":\"pushpin\"", "\"exp\":" + (Now + 3600) };
            int extra = random.Next(1, 4);
            for (int m = 0; m < extra; m++)
            {
                string member = "\"" + names[random.Next(names.Length)] + "\":" + values[random.Next(values.Length)];
                members.Insert(random.Next(members.Count + 1), member);
            }

            if (random.Next(5) == 0)
            {
                members.RemoveAt(random.Next(members.Count));
            }

            string header = random.Next(4) switch
            {
                0 => """{"alg":"HS256","kid":"k"}""",
                1 => """{"alg":"HS256","typ":"JWT","x":""" + values[random.Next(values.Length)] + "}",
                2 => """{"alg":"RS256"}""",
                _ => """{"typ":"JWT","alg":"HS256"}""",
            };
            tokens.Add(Sign(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes("{" + string.Join(",", members) + "}")));
        }

        return tokens;
    }

    private static IEnumerable<byte[]> Headers()
    {
        string[] headers =
        [
            """{"typ":"JWT","alg":"HS256"}""", """{"alg":"HS256"}""", """{"alg":"hs256"}""", """{"alg":"HS384"}""", """{"alg":"HS512"}""",
            """{"alg":"none"}""", """{"alg":"None"}""", """{"alg":""}""", """{"alg":null}""", """{"alg":1}""", """{"alg":["HS256"]}""", "{}",
            """{"alg":"RS256"}""", """{"alg":"ES256"}""", """{"alg":"ES384"}""", """{"alg":"ES512"}""", """{"alg":"PS256"}""", """{"alg":"RS384"}""",
            """{"alg":"HS256","kid":"k1"}""", """{"alg":"HS256","kid":""}""", """{"alg":"HS256","kid":null}""", """{"alg":"HS256","kid":5}""",
            """{"alg":"ES256","kid":"fastly"}""", """{"alg":"HS256","x5t":"abc"}""", """{"alg":"HS256","typ":5}""", """{"alg":"HS256","cty":{}}""",
            """{"alg":"HS256","zip":"DEF"}""", """{"alg":"HS256","enc":"A128GCM"}""", """{"alg":"HS256","alg":"none"}""", """{"alg":"none","alg":"HS256"}""",
            """{"\u0061lg":"HS256"}""", """{"alg":"HS256","x":[1,{"a":null}],"y":1e400,"z":true,"w":-0.0}""", """{"alg":"HS256"}xyz""", """{"alg":"HS256"}}""",
            """{"alg":"HS256",}""", """ {"alg":"HS256"} """, "[]", "\"HS256\"", "1", """{"alg":"HS256","crit":["x"]}""", """{"alg":"HS256"/*c*/}""",
            """{"alg":"HS256","x":"\ud800"}""", """{"alg":"HS256","jku":"https://x"}""", """{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}""",
            """{"alg":"HS256","b64":false}""", """{"alg":"HS256","x":"2020-01-01T00:00:00.0000000Z"}""",
        ];
        foreach (string header in headers)
        {
            yield return Encoding.UTF8.GetBytes(header);
        }

        yield return [.. "{\"alg\":\"HS256\",\"x\":\""u8, 0xFF, .. "\"}"u8];
        yield return [.. "{\"alg\":\"HS256\",\""u8, 0xC3, .. "\":1}"u8];
        yield return [.. "{\"alg\":\"HS256\",\"kid\":\""u8, 0xFF, .. "\"}"u8];
    }

    private static IEnumerable<byte[]> Claims()
    {
        long n = Now;
        string[] claims =
        [
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}}}""", $$"""{"exp":{{n + 3600}},"iss":"pushpin"}""", $$"""{"exp":{{n + 3600}},"iss":"fastly:SID"}""", $$"""{"exp":{{n + 3600}},"iss":"bar"}""",
            """{"iss":"pushpin"}""", $$$"""{"iss":"pushpin","exp":{{{n - 3600}}}}""", $$$"""{"iss":"pushpin","exp":{{{n - 5}}}}""", $$$"""{"iss":"pushpin","exp":{{{n}}}}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 1}}}}""", $$$"""{"iss":"pushpin","exp":{{{n + 20}}}}""", $$$"""{"iss":"pushpin","exp":{{{n + 40}}}}""",
            $$"""{"iss":"pushpin","exp":{{n}}.5}""", $$"""{"iss":"pushpin","exp":{{n - 1}}.5}""", $$"""{"iss":"pushpin","exp":{{n + 3600}}.4}""",
            """{"iss":"pushpin","exp":1e15}""", """{"iss":"pushpin","exp":1e19}""", """{"iss":"pushpin","exp":253402300799}""", """{"iss":"pushpin","exp":253402300800}""",
            """{"iss":"pushpin","exp":922337203685}""", """{"iss":"pushpin","exp":922337203686}""", """{"iss":"pushpin","exp":9223372036854775807}""",
            """{"iss":"pushpin","exp":-5}""", """{"iss":"pushpin","exp":0}""", """{"iss":"pushpin","exp":-1e300}""", """{"iss":"pushpin","exp":1e300}""",
            $$"""{"iss":"pushpin","exp":"{{n + 3600}}"}""", """{"iss":"pushpin","exp":null}""", """{"iss":"pushpin","exp":1e400}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"exp":{{{n - 3600}}}}""", $$$"""{"iss":"pushpin","exp":{{{n - 3600}}},"exp":{{{n + 3600}}}}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"nbf":{{{n + 3600}}}}""", $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"nbf":{{{n + 5}}}}""", $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"nbf":{{{n + 20}}}}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"nbf":{{{n + 40}}}}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"nbf":"{{n + 3600}}"}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"nbf":"abc"}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"nbf":null}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"nbf":true}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"nbf":1.5}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"nbf":{{{n - 100}}}}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"nbf":1e300}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"iat":"x"}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"iat":true}""", $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"iat":{{{n}}}}""",
            $$$"""{"iss":null,"exp":{{{n + 3600}}}}""", $$$"""{"iss":5,"exp":{{{n + 3600}}}}""", $$$"""{"iss":" ","exp":{{{n + 3600}}}}""", $$$"""{"iss":"Pushpin","exp":{{{n + 3600}}}}""",
            $$$"""{"iss":"pushpin ","exp":{{{n + 3600}}}}""", $$$"""{"iss":"mallory","exp":{{{n + 3600}}}}""", $$$"""{"iss":"pushpin","iss":"mallory","exp":{{{n + 3600}}}}""",
            $$$"""{"iss":"mallory","iss":"pushpin","exp":{{{n + 3600}}}}""", $$$"""{"iss":["pushpin"],"exp":{{{n + 3600}}}}""", $$$"""{"exp":{{{n + 3600}}}}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"aud":"x"}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"aud":["a",null]}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"aud":[1]}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"aud":null}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"aud":5}""", $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"aud":{}}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"aud":[["a"]]}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"sub":5}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"sub":true}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}},"sub":{}}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"azp":5}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"jti":[]}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"x":{"deep":[[[[1]]]]},"y":"\ud800"}""", $$$"""{"iss":"pushpin","\u0065xp":{{{n + 3600}}}}""", $$"""{"iss":"pushpin","\u0065xp":"{{n + 3600}}"}""",
            $$$"""{"iss":"pushpin","exp":{{{n + 3600}}}}garbage""", "{\"iss\":\"pushpin\",\"exp\":" + (n + 3600) + "}}", $$"""{"iss":"pushpin","exp":{{n + 3600}},}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}}""", "[]", "\"x\"", "null", "", " ", $$$""" {"iss":"pushpin","exp":{{{n + 3600}}}} """,
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"x":[{"a":[{"b":[{"c":[{"d":[{"e":[{"f":[{"g":[{"h":[1]}]}]}]}]}]}]}]}]}""",
            $$"""{"iss":"pushpin","exp":{{n + 3600}},"x":"2020-01-01T00:00:00.0000000Z"}""", $$"""{"iss":"pushpin","exp":{{n + 3600}},"x":1e400}""",
        ];
        foreach (string c in claims)
        {
            yield return Encoding.UTF8.GetBytes(c);
        }

        yield return [.. "{\"iss\":\"pushpin\",\"exp\":1900000000,\"x\":\""u8, 0xFF, .. "\"}"u8];
        yield return [.. "{\"iss\":\""u8, 0xFF, .. "\",\"exp\":1900000000}"u8];
        yield return [.. "{\"iss\":\"pushpin\",\"exp\":1900000000,\"x\":{\"y\":\""u8, 0xFF, .. "\"}}"u8];
        yield return [.. "{\"iss\":\"pushpin\",\"exp\":1900000000,\""u8, 0xFF, .. "\":1}"u8];
    }

    private static string Jwt(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    /// <summary>Signs with the key the header's alg names (HS256 with <c>changeme</c> for anything else).</summary>
    private static string Sign(byte[] header, byte[] claims)
    {
        string signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(claims);
        byte[] data = Encoding.ASCII.GetBytes(signingInput);
        string text = Encoding.UTF8.GetString(header);
        byte[] signature =
            text.Contains("\"RS256\"", StringComparison.Ordinal) ? Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) :
            text.Contains("\"ES256\"", StringComparison.Ordinal) ? Ec256.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) :
            text.Contains("\"ES384\"", StringComparison.Ordinal) ? Ec384.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) :
            text.Contains("\"ES512\"", StringComparison.Ordinal) ? Ec521.SignData(data, HashAlgorithmName.SHA512, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) :
            HMACSHA256.HashData("changeme"u8, data);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }
}
