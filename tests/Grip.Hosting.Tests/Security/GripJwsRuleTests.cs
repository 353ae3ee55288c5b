using System.Security.Cryptography;
using System.Text;
using Grip.Hosting.Security;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Grip.Hosting.Tests.Security;

/// <summary>
/// Each rule of GripHandlers' own compact JWS verification (issue 18), with the reason it logs. The
/// same tokens went through Microsoft.IdentityModel before; GripJwsParityTests compare the two.
/// </summary>
public class GripJwsRuleTests
{
    private const long Now = 1_800_000_000;
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static string Good(long exp = Now + 3600, string iss = "pushpin") => Jwt.Claims(iss, exp);

    private static async Task<(GripSignatureStatus Status, string? Reason)> VerifyAsync(string token, string key = "changeme", string? iss = "pushpin", int skewSeconds = 10)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now));
        var verifier = new GripSignatureVerifier([(GripSecurityKeys.Create(key), iss)], time, TimeSpan.FromSeconds(skewSeconds));
        return await verifier.VerifyAsync(token);
    }

    private static async Task AssertRefusedAsync(string expectedReason, string token, string key = "changeme", string? iss = "pushpin", int skewSeconds = 10)
    {
        var (status, reason) = await VerifyAsync(token, key, iss, skewSeconds);
        Assert.Equal(GripSignatureStatus.Invalid, status);
        Assert.Equal(expectedReason, reason);
    }

    private static async Task AssertValidAsync(string token, string key = "changeme", string? iss = "pushpin", int skewSeconds = 10)
    {
        var (status, reason) = await VerifyAsync(token, key, iss, skewSeconds);
        Assert.True(status == GripSignatureStatus.Valid, reason);
    }

    private static string Hs(string payload, string header = """{"typ":"JWT","alg":"HS256"}""") => Jwt.Hs256("changeme"u8.ToArray(), payload, header);

    [Fact]
    public async Task Alg_none_is_refused_with_or_without_a_signature()
    {
        await AssertRefusedAsync("signature does not verify", Jwt.SigningInput("""{"alg":"none"}""", Good()) + ".");
        await AssertRefusedAsync("signature does not verify", Hs(Good(), """{"alg":"none"}"""));
        await AssertRefusedAsync("signature does not verify", Hs(Good(), """{"alg":"None"}"""));
        await AssertRefusedAsync("signature does not verify", Hs(Good(), "{}"));
        await AssertRefusedAsync("signature does not verify", Hs(Good(), """{"alg":null}"""));
        await AssertRefusedAsync("malformed token", Hs(Good(), """{"alg":1}"""));
    }

    [Fact]
    public async Task A_public_key_used_as_an_hmac_secret_is_refused()
    {
        string rsaPem = Rsa.ExportSubjectPublicKeyInfoPem();
        string ecPem = Ec.ExportSubjectPublicKeyInfoPem();
        foreach (var (pem, der) in new[] { (rsaPem, Rsa.ExportSubjectPublicKeyInfo()), (ecPem, Ec.ExportSubjectPublicKeyInfo()) })
        {
            foreach (byte[] secret in new[] { Encoding.UTF8.GetBytes(pem), Encoding.UTF8.GetBytes(pem.Trim()), der })
            {
                await AssertRefusedAsync("signature does not verify", Jwt.Hs256(secret, Good()), key: pem);
            }
        }

        await AssertValidAsync(Jwt.Rs256(Rsa, Good()), key: rsaPem);
        await AssertValidAsync(Jwt.Es256(Ec, Good()), key: ecPem);
    }

    [Fact]
    public async Task Only_the_keys_own_algorithm_is_accepted()
    {
        string ecPem = Ec.ExportSubjectPublicKeyInfoPem();
        string es256 = Jwt.Es256(Ec, Good());
        string[] parts = es256.Split('.');

        // The same P-256 signature labelled ES384 or ES512, or an RS256 token against the EC key.
        foreach (string alg in new[] { "ES384", "ES512", "es256", "RS256", "HS256" })
        {
            string header = Jwt.Encode($$"""{"alg":"{{alg}}"}""");
            await AssertRefusedAsync("signature does not verify", header + "." + parts[1] + "." + parts[2], key: ecPem);
        }

        await AssertRefusedAsync("signature does not verify", Jwt.Rs256(Rsa, Good()), key: ecPem);
        await AssertRefusedAsync("signature does not verify", Hs(Good(), """{"alg":"HS384"}"""));
        await AssertRefusedAsync("signature does not verify", Hs(Good(), """{"alg":"hs256"}"""));
    }

    [Fact]
    public async Task A_kid_matches_no_key_and_puts_lifetime_and_issuer_before_the_signature()
    {
        const string header = """{"alg":"HS256","kid":"someone-else"}""";

        // A good signature: the kid does not matter.
        await AssertValidAsync(Hs(Good(), header));

        // A bad signature: with a kid the lifetime and the issuer are reported first (as before),
        // without one the signature is.
        byte[] wrong = "changemf"u8.ToArray();
        await AssertRefusedAsync("token expired", Jwt.Hs256(wrong, Good(Now - 3600), header));
        await AssertRefusedAsync("wrong or missing iss", Jwt.Hs256(wrong, Good(iss: "mallory"), header));
        // (There a missing exp is taken as the earliest time: expired, not "no exp".)
        await AssertRefusedAsync("token expired", Jwt.Hs256(wrong, Jwt.Claims("pushpin", null), header));
        await AssertRefusedAsync("token has no exp", Jwt.Hs256("changeme"u8.ToArray(), Jwt.Claims("pushpin", null), header));
        await AssertRefusedAsync("signature does not verify", Jwt.Hs256(wrong, Good(), header));
        await AssertRefusedAsync("signature does not verify", Jwt.Hs256(wrong, Good(Now - 3600)));
        await AssertRefusedAsync("signature does not verify", Jwt.Hs256(wrong, Good(Now - 3600), """{"alg":"HS256","kid":""}"""));

        // An unsigned token is refused for its signature before anything else, kid or not.
        await AssertRefusedAsync("signature does not verify", Jwt.SigningInput(header, Good(Now - 3600)) + ".");
        await AssertRefusedAsync("malformed token", Hs(Good(), """{"alg":"HS256","kid":5}"""));
    }

    [Fact]
    public async Task Malformed_base64url_in_each_segment()
    {
        string token = Hs(Good());
        string[] p = token.Split('.');

        // 4n+1 characters cannot be base64. The header is looked at first by the crit check, which
        // reports an unreadable header as a possible crit; the claims are malformed; the signature
        // does not verify.
        await AssertRefusedAsync("crit header names an extension GripHandlers does not support (RFC 7515 §4.1.11)", p[0] + "A." + p[1] + "." + p[2]);
        Assert.Equal(46, p[1].Length);
        await AssertRefusedAsync("malformed token", p[0] + "." + p[1] + "AAA." + p[2]);

        // Characters that decode past the end of the claims' JSON object are not read.
        await AssertRefusedAsync("signature does not verify", p[0] + "." + p[1] + "A." + p[2]);
        await AssertRefusedAsync("signature does not verify", p[0] + "." + p[1] + "." + p[2] + "A");
        await AssertRefusedAsync("signature does not verify", p[0] + "." + p[1] + "." + p[2][..^1]);

        // Characters outside base64url make it no compact JWS at all.
        foreach (string bad in new[] { p[0] + "+." + p[1] + "." + p[2], p[0] + "." + p[1] + "." + p[2][..^1] + "/", token + " ", "é" + token, token.Replace('.', ',') })
        {
            await AssertRefusedAsync("Grip-Sig is not a compact JWS", bad);
        }
    }

    [Fact]
    public async Task Padding_is_refused_and_so_are_unused_bits_that_are_not_zero()
    {
        string token = Hs(Good());
        string[] p = token.Split('.');
        await AssertRefusedAsync("Grip-Sig is not a compact JWS", token + "=");
        await AssertRefusedAsync("Grip-Sig is not a compact JWS", p[0] + "=." + p[1] + "." + p[2]);
        await AssertRefusedAsync("Grip-Sig is not a compact JWS", p[0] + "." + p[1] + "==." + p[2]);

        // A 32-byte HMAC is 43 characters; the last one carries 2 bits that encode nothing. They
        // must be zero: another value for them is not the same signature (one token, one encoding).
        char last = p[2][^1];
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int value = Alphabet.IndexOf(last, StringComparison.Ordinal);
        Assert.Equal(0, value & 3);
        for (int bits = 1; bits < 4; bits++)
        {
            await AssertRefusedAsync("signature does not verify", token[..^1] + Alphabet[value | bits]);
        }

        await AssertRefusedAsync("signature does not verify", token[..^1] + Alphabet[(value + 4) % 64]);
        await AssertValidAsync(token);
    }

    [Fact]
    public async Task Duplicate_members_count_with_their_last_value()
    {
        await AssertRefusedAsync("token expired", Hs($$"""{"iss":"pushpin","exp":{{Now + 3600}},"exp":{{Now - 3600}}}"""));
        await AssertValidAsync(Hs($$"""{"iss":"pushpin","exp":{{Now - 3600}},"exp":{{Now + 3600}}}"""));
        await AssertRefusedAsync("wrong or missing iss", Hs($$"""{"iss":"pushpin","iss":"mallory","exp":{{Now + 3600}}}"""));
        await AssertValidAsync(Hs($$"""{"iss":"mallory","iss":"pushpin","exp":{{Now + 3600}}}"""));
        await AssertRefusedAsync("signature does not verify", Hs(Good(), """{"alg":"HS256","alg":"none"}"""));
        await AssertValidAsync(Hs(Good(), """{"alg":"none","alg":"HS256"}"""));

        // Every occurrence must still be well-formed.
        await AssertRefusedAsync("exp is not a number", Hs($$"""{"iss":"pushpin","exp":"x","exp":{{Now + 3600}}}"""));
        await AssertRefusedAsync("malformed token", Hs($$"""{"iss":5,"iss":"pushpin","exp":{{Now + 3600}}}"""));
    }

    [Theory]
    [InlineData(3600, 10, null)]
    [InlineData(-9, 10, null)]
    [InlineData(-10, 10, "token expired")]
    [InlineData(0, 10, null)]
    [InlineData(0, 0, "token expired")]
    [InlineData(1, 0, null)]
    [InlineData(-3600, 10, "token expired")]
    public async Task Exp_with_the_clock_skew(long expOffset, int skew, string? reason)
    {
        string token = Hs(Good(Now + expOffset));
        if (reason is null)
        {
            await AssertValidAsync(token, skewSeconds: skew);
        }
        else
        {
            await AssertRefusedAsync(reason, token, skewSeconds: skew);
        }
    }

    [Theory]
    [InlineData("10", 10, null)]
    [InlineData("11", 10, "token not yet valid")]
    [InlineData("1", 0, "token not yet valid")]
    [InlineData("0", 0, null)]
    [InlineData("-100", 0, null)]
    [InlineData("\"100\"", 10, "token not yet valid")]
    [InlineData("\"5\"", 10, null)]
    [InlineData("\"soon\"", 10, "malformed token")]
    [InlineData("null", 10, "malformed token")]
    [InlineData("true", 10, "malformed token")]
    public async Task Nbf_with_the_clock_skew(string nbfOffsetJson, int skew, string? reason)
    {
        // nbf as an offset from now: a number, or a numeric string (taken, as before).
        string nbf = nbfOffsetJson.StartsWith('"') && long.TryParse(nbfOffsetJson.Trim('"'), out long quoted)
            ? $"\"{Now + quoted}\""
            : long.TryParse(nbfOffsetJson, out long offset) ? (Now + offset).ToString(System.Globalization.CultureInfo.InvariantCulture) : nbfOffsetJson;
        string token = Hs($$"""{"iss":"pushpin","exp":{{Now + 3600}},"nbf":{{nbf}}}""");
        if (reason is null)
        {
            await AssertValidAsync(token, skewSeconds: skew);
        }
        else
        {
            await AssertRefusedAsync(reason, token, skewSeconds: skew);
        }
    }

    [Theory]
    [InlineData(0, "5", 0, "token expired")]
    [InlineData(1, "5", 1, null)]
    [InlineData(2, "5", 2, "token expired")]
    [InlineData(1, "4", 1, "token expired")]
    [InlineData(1, "6", 1, null)]
    public async Task A_fractional_exp_is_rounded_half_to_even(long seconds, string fraction, int advanceSeconds, string? reason)
    {
        // exp = Now + seconds.fraction: .5 goes to the even second (0.5 -> 0, 1.5 -> 2, 2.5 -> 2).
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now + advanceSeconds));
        var verifier = new GripSignatureVerifier([(GripSecurityKeys.Create("changeme"), "pushpin")], time, TimeSpan.Zero);
        var (status, why) = await verifier.VerifyAsync(Hs($$"""{"iss":"pushpin","exp":{{Now + seconds}}.{{fraction}}}"""));
        Assert.Equal(reason is null ? GripSignatureStatus.Valid : GripSignatureStatus.Invalid, status);
        Assert.Equal(reason, why);
    }

    [Theory]
    [InlineData("""["exp-v2"]""")]
    [InlineData("[]")]
    [InlineData("\"exp-v2\"")]
    [InlineData("""["alg"]""")]
    [InlineData("""["b64"]""")]
    [InlineData("null")]
    public async Task Any_crit_header_is_refused(string crit)
    {
        await AssertRefusedAsync("crit header names an extension GripHandlers does not support (RFC 7515 §4.1.11)", Hs(Good(), $$"""{"alg":"HS256","crit":{{crit}}}"""));
    }

    [Theory]
    [InlineData("\"tomorrow\"")]
    [InlineData("\"1900000000\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[1900000000]")]
    [InlineData("1e400")]
    public async Task An_exp_that_is_not_a_json_number_is_refused(string exp)
    {
        await AssertRefusedAsync("exp is not a number", Hs($$"""{"iss":"pushpin","exp":{{exp}}}"""));
    }

    [Fact]
    public async Task An_exp_beyond_a_64_bit_integer_or_the_year_9999()
    {
        await AssertRefusedAsync("malformed token", Hs("""{"iss":"pushpin","exp":1e19}"""));

        // The end of time plus a positive skew is no time at all: malformed, as before; with no skew
        // the token never expires.
        await AssertRefusedAsync("malformed token", Hs("""{"iss":"pushpin","exp":253402300800}"""));
        await AssertValidAsync(Hs("""{"iss":"pushpin","exp":253402300800}"""), skewSeconds: 0);
        await AssertValidAsync(Hs("""{"iss":"pushpin","exp":253402300780}"""));
    }

    [Fact]
    public async Task Tokens_up_to_256000_characters_are_read_and_longer_ones_are_not()
    {
        // Header {"typ":"JWT","alg":"HS256"} is 36 characters, the HS256 signature 43, two dots: the
        // claims' base64url takes the rest. A JSON string member pads the claims.
        foreach (var (length, valid) in new[] { (256_000, true), (256_001, false), (1_000_000, false) })
        {
            string token = TokenOfLength(length);
            Assert.Equal(length, token.Length);
            if (valid)
            {
                await AssertValidAsync(token);
            }
            else
            {
                await AssertRefusedAsync("Grip-Sig is not a compact JWS", token);
            }
        }
    }

    [Fact]
    public async Task Json_that_is_not_strict_or_not_one_object_is_malformed()
    {
        foreach (string claims in new[] { $$"""{"iss":"pushpin","exp":{{Now + 3600}},}""", $$"""{"iss":"pushpin",/*x*/"exp":{{Now + 3600}}}""", "[]", "\"x\"", $$"""{"iss":"pushpin","exp":{{Now + 3600}}""", $$"""{"iss":"pushpin","exp":{{Now + 3600}},"x":"\ud800"}""" })
        {
            await AssertRefusedAsync("malformed token", Hs(claims));
        }

        // Bytes after the object are not read (as before).
        await AssertValidAsync(Hs($$"""{"iss":"pushpin","exp":{{Now + 3600}}}trailing"""));
    }

    [Fact]
    public void Base64url_decoding_of_jwk_members_and_token_segments()
    {
        Assert.True(GripJws.TryDecodeBase64Url("", out byte[]? empty));
        Assert.Empty(empty);
        Assert.True(GripJws.TryDecodeBase64Url("-_-_", out byte[]? url));
        Assert.Equal(Convert.FromBase64String("+/+/"), url);
        Assert.True(GripJws.TryDecodeBase64Url("+/+/", out byte[]? standard));
        Assert.Equal(url, standard);
        foreach (string a in new[] { "QQ", "QQ==", "QQ=", "Q Q", "QQ\n" })
        {
            Assert.True(GripJws.TryDecodeBase64Url(a, out byte[]? bytes), a);
            Assert.Equal("A"u8.ToArray(), bytes);
        }

        Assert.True(GripJws.TryDecodeBase64Url("QUI", out byte[]? ab));
        Assert.Equal("AB"u8.ToArray(), ab);

        // 4n+1 characters, unused bits that are not zero, other characters.
        foreach (string bad in new[] { "QUJDR", "QR", "QR==", "QUJ", "QQé=", "Q!==", "QQ===" })
        {
            Assert.False(GripJws.TryDecodeBase64Url(bad, out _), bad);
        }
    }

    [Fact]
    public void Publish_jwt_has_the_header_and_claims_pushpin_and_fastly_expect()
    {
        string token = GripJws.CreateToken(GripSecurityKeys.Create("changeme"), "pushpin", DateTimeOffset.FromUnixTimeSeconds(Now).AddMilliseconds(999));
        string[] p = token.Split('.');
        Assert.Equal("""{"alg":"HS256","typ":"JWT"}""", Encoding.UTF8.GetString(Convert.FromBase64String(Pad(p[0]))));
        Assert.Equal($$"""{"iss":"pushpin","exp":{{Now}}}""", Encoding.UTF8.GetString(Convert.FromBase64String(Pad(p[1]))));
        Assert.Equal(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(HMACSHA256.HashData("changeme"u8, Encoding.ASCII.GetBytes(p[0] + "." + p[1]))), p[2]);

        Assert.Throws<InvalidOperationException>(() => GripJws.CreateToken(GripSecurityKeys.Create(Ec.ExportSubjectPublicKeyInfoPem()), "x", DateTimeOffset.UnixEpoch));

        static string Pad(string s) => s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (s.Length % 4)) % 4);
    }

    [Fact]
    public void An_empty_oct_jwk_is_refused_with_a_reason()
    {
        var ex = Assert.Throws<FormatException>(() => GripSecurityKeys.Create("""{"kty":"oct","k":""}"""));
        Assert.Contains("\"k\"", ex.Message, StringComparison.Ordinal);
    }

    private static string TokenOfLength(int length)
    {
        // 36 + 1 + claims + 1 + 43 characters; claims of C bytes take ceil(4C/3) characters.
        string prefix = "{\"iss\":\"pushpin\",\"exp\":" + (Now + 3600) + ",\"pad\":\"";
        int claimsChars = length - 81;
        int bytes = claimsChars * 3 / 4;
        while ((((bytes * 4) + 2) / 3) < claimsChars)
        {
            bytes++;
        }

        string claims = prefix + new string('x', bytes - prefix.Length - 2) + "\"}";
        return Hs(claims);
    }
}
