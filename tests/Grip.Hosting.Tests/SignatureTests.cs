using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grip.Configuration;
using Grip.Hosting.Security;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Tests;

/// <summary>Grip-Sig through the whole endpoint: the attack matrix, none of which may reach a handler.</summary>
public class SignatureEndpointTests
{
    private const string HsUrl = "http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin";

    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly string RsaPublicPem = Rsa.ExportSubjectPublicKeyInfoPem();

    public static TheoryData<string> HsAttacks => ["missing", "garbage", "empty-segments", "alg-none", "alg-none-unsigned-no-dot", "wrong-key", "expired", "no-exp", "wrong-iss", "no-iss", "truncated", "tampered-payload", "rs256-with-own-key", "signature-stripped", "exp-string", "exp-numeric-string", "exp-null", "exp-object", "exp-bool", "exp-array", "exp-huge", "crit-unknown", "crit-empty-list", "crit-not-a-list", "crit-names-a-standard-header", "crit-b64"];

    private static string Forge(string attack, ProbeHost host)
    {
        long now = Jwt.Now(host.Time);
        string good = Jwt.Claims("pushpin", now + 3600);
        switch (attack)
        {
            case "missing": return string.Empty;
            case "garbage": return "value";
            case "empty-segments": return "..";
            case "alg-none": return Jwt.SigningInput("""{"typ":"JWT","alg":"none"}""", good) + ".";
            case "alg-none-unsigned-no-dot": return Jwt.SigningInput("""{"typ":"JWT","alg":"none"}""", good);
            case "wrong-key": return Jwt.Hs256("changemf", good);
            case "expired": return Jwt.Hs256(ProbeHost.Key, Jwt.Claims("pushpin", now - 3600));
            case "no-exp": return Jwt.Hs256(ProbeHost.Key, Jwt.Claims("pushpin", null));
            case "wrong-iss": return Jwt.Hs256(ProbeHost.Key, Jwt.Claims("mallory", now + 3600));
            case "no-iss": return Jwt.Hs256(ProbeHost.Key, Jwt.Claims(null, now + 3600));
            case "truncated":
                string valid = host.ValidSig();
                return valid[..^5];
            case "tampered-payload":
                string[] parts = host.ValidSig().Split('.');
                return parts[0] + "." + Jwt.Encode(Jwt.Claims("pushpin", now + 999_999)) + "." + parts[2];
            case "rs256-with-own-key": return Jwt.Rs256(RSA.Create(2048), good);
            case "signature-stripped":
                string[] p = host.ValidSig().Split('.');
                return p[0] + "." + p[1] + ".";

            // RFC 7519 §4.1.4: exp is a NumericDate (a JSON number); anything else is refused, even a
            // numeric string some libraries coerce.
            case "exp-string": return Jwt.Hs256(ProbeHost.Key, """{"iss":"pushpin","exp":"tomorrow"}""");
            case "exp-numeric-string": return Jwt.Hs256(ProbeHost.Key, $$"""{"iss":"pushpin","exp":"{{now + 3600}}"}""");
            case "exp-null": return Jwt.Hs256(ProbeHost.Key, """{"iss":"pushpin","exp":null}""");
            case "exp-object": return Jwt.Hs256(ProbeHost.Key, $$$"""{"iss":"pushpin","exp":{"v":{{{now + 3600}}}}}""");
            case "exp-bool": return Jwt.Hs256(ProbeHost.Key, """{"iss":"pushpin","exp":true}""");
            case "exp-array": return Jwt.Hs256(ProbeHost.Key, $$"""{"iss":"pushpin","exp":[{{now + 3600}}]}""");
            case "exp-huge": return Jwt.Hs256(ProbeHost.Key, """{"iss":"pushpin","exp":1e400}""");

            // RFC 7515 §4.1.11: a crit extension the recipient does not understand makes the JWS invalid.
            case "crit-unknown": return Jwt.Hs256(Encoding.UTF8.GetBytes(ProbeHost.Key), good, """{"typ":"JWT","alg":"HS256","crit":["exp-v2"],"exp-v2":1}""");
            case "crit-empty-list": return Jwt.Hs256(Encoding.UTF8.GetBytes(ProbeHost.Key), good, """{"typ":"JWT","alg":"HS256","crit":[]}""");
            case "crit-not-a-list": return Jwt.Hs256(Encoding.UTF8.GetBytes(ProbeHost.Key), good, """{"typ":"JWT","alg":"HS256","crit":"exp-v2","exp-v2":1}""");
            case "crit-names-a-standard-header": return Jwt.Hs256(Encoding.UTF8.GetBytes(ProbeHost.Key), good, """{"typ":"JWT","alg":"HS256","crit":["alg"]}""");
            case "crit-b64": return Jwt.Hs256(Encoding.UTF8.GetBytes(ProbeHost.Key), good, """{"typ":"JWT","alg":"HS256","crit":["b64"],"b64":false}""");
            default: throw new ArgumentOutOfRangeException(nameof(attack));
        }
    }

    [Theory]
    [MemberData(nameof(HsAttacks))]
    public async Task Hs256_attacks_are_401_and_never_dispatched(string attack)
    {
        await using var host = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = HsUrl });
        string sig = Forge(attack, host);
        using var response = await host.SendAsync(Events.Open, sig: sig.Length == 0 ? null : sig);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        Assert.False(response.Headers.Contains("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task Valid_hs256_is_dispatched()
    {
        await using var host = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = HsUrl });
        using var response = await host.SendAsync(Events.Open);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["open"], host.Probe.Calls);
    }

    [Fact]
    public async Task Token_expires_with_the_clock()
    {
        await using var host = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = HsUrl });
        string sig = host.ValidSig();
        host.Time.Advance(TimeSpan.FromSeconds(3600 + 11)); // past exp and the 10 s skew
        using var response = await host.SendAsync(Events.Open, sig: sig);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public async Task A_token_that_was_valid_is_refused_after_its_exp_even_when_remembered()
    {
        await using var host = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = HsUrl });
        string sig = host.ValidSig();
        using (var first = await host.SendAsync(Events.Open, sig: sig))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var again = await host.SendAsync(Events.Open, sig: sig))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        host.Time.Advance(TimeSpan.FromSeconds(3600 + 11));
        using (var late = await host.SendAsync(Events.Open, sig: sig))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        }

        Assert.Equal(["open", "open"], host.Probe.Calls);
    }

    [Fact]
    public async Task Rs_hs_confusion_is_refused()
    {
        // The classic attack: the verifier holds an RSA public key; the attacker signs HS256 with the
        // public key's text as the HMAC secret and hopes the library picks the algorithm from the token.
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?verify-iss=pushpin",
            ["GRIP_VERIFY_KEY"] = RsaPublicPem,
        });
        long now = Jwt.Now(host.Time);
        string claims = Jwt.Claims("pushpin", now + 3600);
        foreach (string secret in new[] { RsaPublicPem, RsaPublicPem.Trim() })
        {
            using var forged = await host.SendAsync(Events.Open, sig: Jwt.Hs256(Encoding.UTF8.GetBytes(secret), claims));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        using var forgedDer = await host.SendAsync(Events.Open, sig: Jwt.Hs256(Rsa.ExportSubjectPublicKeyInfo(), claims));
        Assert.Equal(HttpStatusCode.Unauthorized, forgedDer.StatusCode);
        Assert.Empty(host.Probe.Calls);

        using var genuine = await host.SendAsync(Events.Open, sig: Jwt.Rs256(Rsa, claims));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(["open"], host.Probe.Calls);
    }

    [Fact]
    public async Task Several_verify_keys_rotation_and_several_proxies()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        string jwk = $$"""{"kty":"EC","crv":"P-256","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}""";
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=newkey",
            ["Grip:VerifyKeys:0"] = "oldkey",
            ["Grip:Proxies:0:Url"] = "https://api.fastly.com/service/SID?key=TOKEN&verify-iss=fastly:SID",
            ["Grip:Proxies:0:VerifyKey"] = jwk,
        });
        long exp = Jwt.Now(host.Time) + 3600;
        using (var r = await host.SendAsync(Events.Open, sig: Jwt.Hs256("newkey", Jwt.Claims("pushpin", exp))))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using (var r = await host.SendAsync(Events.Open, sig: Jwt.Hs256("oldkey", Jwt.Claims("anything", exp))))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using (var r = await host.SendAsync(Events.Open, sig: Jwt.Es256(ec, Jwt.Claims("fastly:SID", exp))))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        // The EC key belongs to the Fanout proxy, whose iss is fixed.
        using (var r = await host.SendAsync(Events.Open, sig: Jwt.Es256(ec, Jwt.Claims("pushpin", exp))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using (var r = await host.SendAsync(Events.Open, sig: Jwt.Hs256("thirdkey", Jwt.Claims("pushpin", exp))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        Assert.Equal(["open", "open", "open"], host.Probe.Calls);
    }
}

public class SignatureVerifierFromDiTests
{
    [Fact]
    public async Task The_configured_verifier_is_available_from_di_for_other_endpoints()
    {
        await using var host = await ProbeHost.StartAsync();
        var verifier = host.App.Services.GetRequiredService<GripSignatureVerifier>();
        Assert.True(verifier.IsEnabled);
        Assert.Equal(1, verifier.KeyCount);
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(host.ValidSig())).Status);
        Assert.Equal(GripSignatureStatus.Missing, (await verifier.VerifyAsync(null)).Status);
        Assert.Equal(GripSignatureStatus.Invalid, (await verifier.VerifyAsync("x.y.z")).Status);
    }
}

/// <summary>The verifier on its own: grip-spec §8.7 vectors.</summary>
public class SignatureVerifierTests
{
    private const string PushpinToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTUzOTExMTQsImlzcyI6InB1c2hwaW4ifQ.7ytmMHD1JR8_ow6IqyC9MxAdzAd9T6L20xL6iw-z1NE";

    private static GripSignatureVerifier Verifier(TimeProvider time, params (string Key, string? Iss)[] keys) =>
        new(keys.Select(k => (GripSecurityKeys.Create(k.Key), k.Iss)), time, TimeSpan.Zero);

    [Fact]
    public async Task Real_pushpin_token_is_valid_before_exp_and_not_after()
    {
        var before = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1795391114 - 60));
        Assert.Equal(GripSignatureStatus.Valid, (await Verifier(before, ("changeme", "pushpin")).VerifyAsync(PushpinToken)).Status);

        var at = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1795391114));
        var (status, reason) = await Verifier(at, ("changeme", "pushpin")).VerifyAsync(PushpinToken);
        Assert.Equal(GripSignatureStatus.Invalid, status);
        Assert.Equal("token expired", reason);

        Assert.Equal(GripSignatureStatus.Invalid, (await Verifier(before, ("changemf", null)).VerifyAsync(PushpinToken)).Status);
    }

    public static TheoryData<string, string, long, string?, string?, bool> JsGripHsMatrix => new()
    {
        // sign key, verify key, exp offset, token iss, expected iss, valid
        { "key==", "key==", 3600, null, null, true },
        { "key==", "key==", -3600, null, null, false },
        { "key==", "key===", 3600, null, null, false },
        { "key==", "key==", 3600, "foo", "foo", true },
        { "key==", "key==", 3600, null, "foo", false },
        { "key==", "key==", 3600, "bar", "foo", false },
        { "key", "key", 3600, "realm", null, true },
        { "key", "wrong_key", 3600, "realm", null, false },
    };

    [Theory]
    [MemberData(nameof(JsGripHsMatrix))]
    public async Task Js_grip_and_pygripcontrol_hs256_matrix(string signKey, string verifyKey, long expOffset, string? iss, string? expectedIss, bool valid)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string token = Jwt.Hs256(signKey, Jwt.Claims(iss, Jwt.Now(time) + expOffset));
        var (status, _) = await Verifier(time, (verifyKey, expectedIss)).VerifyAsync(token);
        Assert.Equal(valid ? GripSignatureStatus.Valid : GripSignatureStatus.Invalid, status);
    }

    [Theory]
    [InlineData(3600, null, null, true)]
    [InlineData(-3600, null, null, false)]
    [InlineData(3600, "foo", "foo", true)]
    [InlineData(3600, null, "foo", false)]
    [InlineData(3600, "bar", "foo", false)]
    public async Task Rs256_matrix_with_spki_pem(long expOffset, string? iss, string? expectedIss, bool valid)
    {
        using var rsa = RSA.Create(2048);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string token = Jwt.Rs256(rsa, Jwt.Claims(iss, Jwt.Now(time) + expOffset));
        var (status, _) = await Verifier(time, (rsa.ExportSubjectPublicKeyInfoPem(), expectedIss)).VerifyAsync(token);
        Assert.Equal(valid ? GripSignatureStatus.Valid : GripSignatureStatus.Invalid, status);
    }

    [Fact]
    public async Task Rs256_token_against_an_ec_key_is_invalid()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string token = Jwt.Rs256(rsa, Jwt.Claims("foo", Jwt.Now(time) + 3600));
        Assert.Equal(GripSignatureStatus.Invalid, (await Verifier(time, (ec.ExportSubjectPublicKeyInfoPem(), null)).VerifyAsync(token)).Status);
    }

    [Fact]
    public async Task Validate_grip_sig_matrix_rows_with_hs_and_rs_clients()
    {
        // §8.7 rows A,C: A = {control_iss:'foo', key:'key=='}, C = {verify_iss:'bar', verify_key:<RSA SPKI PEM>}
        using var rsa = RSA.Create(2048);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = new GripProxyConfig { ControlUri = "http://a", ControlIss = "foo", Key = "key==" };
        var c = new GripProxyConfig { ControlUri = "http://c", VerifyIss = "bar", VerifyKey = rsa.ExportSubjectPublicKeyInfoPem() };
        var verifier = Verifier(time, (a.EffectiveVerifyKey!, a.VerifyIss), (c.EffectiveVerifyKey!, c.VerifyIss));
        long exp = Jwt.Now(time) + 3600;
        Assert.Equal(GripSignatureStatus.Missing, (await verifier.VerifyAsync(null)).Status);
        Assert.Equal(GripSignatureStatus.Invalid, (await verifier.VerifyAsync("value")).Status);
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(Jwt.Hs256("key==", Jwt.Claims("bar", exp)))).Status);
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(Jwt.Rs256(rsa, Jwt.Claims("bar", exp)))).Status);
        Assert.Equal(GripSignatureStatus.Invalid, (await verifier.VerifyAsync(Jwt.Rs256(rsa, Jwt.Claims("foo", exp)))).Status);
    }

    [Fact]
    public void Fanout_key_is_es256_in_both_forms()
    {
        Assert.Equal(SecurityAlgorithms.EcdsaSha256, GripSecurityKeys.Create(FastlyFanout.PublicKeyJwk).Algorithm);
        Assert.Equal(SecurityAlgorithms.EcdsaSha256, GripSecurityKeys.Create(FastlyFanout.PublicKeyPem).Algorithm);
        Assert.False(GripSecurityKeys.Create(FastlyFanout.PublicKeyPem).HasPrivateKey);
    }

    [Fact]
    public async Task Fanout_key_refuses_a_token_signed_by_another_p256_key()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string token = Jwt.Es256(ec, Jwt.Claims("fastly:SID", Jwt.Now(time) + 3600));
        Assert.Equal(GripSignatureStatus.Invalid, (await Verifier(time, (FastlyFanout.PublicKeyJwk, "fastly:SID")).VerifyAsync(token)).Status);
        Assert.Equal(GripSignatureStatus.Valid, (await Verifier(time, (ec.ExportSubjectPublicKeyInfoPem(), "fastly:SID")).VerifyAsync(token)).Status);
    }

    [Fact]
    public async Task Tokens_that_change_every_second_like_pushpins_are_remembered_only_until_their_exp()
    {
        // Pushpin signs each request with exp = now + 3600: a new token every second, and around a
        // second boundary two of them interleave. Repeats are answered from the remembered tokens,
        // synchronously, and each still dies at its own exp.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var verifier = Verifier(time, ("changeme", "pushpin"));
        long now = Jwt.Now(time);
        string a = Jwt.Hs256("changeme", Jwt.Claims("pushpin", now + 3600));
        string b = Jwt.Hs256("changeme", Jwt.Claims("pushpin", now + 3601));
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(a)).Status);
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(b)).Status);
        foreach (string token in new[] { a, b, b, a, a, b })
        {
            var pending = verifier.VerifyAsync(token);
            Assert.True(pending.IsCompletedSuccessfully, "a remembered token is answered without waiting");
            Assert.Equal(GripSignatureStatus.Valid, (await pending).Status);
        }

        // A token of the same length that differs from the remembered one in its signature only is
        // checked in full, and refused.
        // (Not the last character: its low bits are padding some decoders ignore.)
        char c = b[^5] == 'A' ? 'B' : 'A';
        Assert.Equal(GripSignatureStatus.Invalid, (await verifier.VerifyAsync(b[..^5] + c + b[^4..])).Status);
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(b)).Status);

        // a's exp has come, b's has not: a is refused although it was the last to verify.
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(a)).Status);
        time.Advance(TimeSpan.FromSeconds(3600));
        var (status, reason) = await verifier.VerifyAsync(a);
        Assert.Equal(GripSignatureStatus.Invalid, status);
        Assert.Equal("token expired", reason);
        Assert.Equal(GripSignatureStatus.Valid, (await verifier.VerifyAsync(b)).Status);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(GripSignatureStatus.Invalid, (await verifier.VerifyAsync(b)).Status);
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-192","x":"AA","y":"AA"}""", "P-192")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"AA"}""", "OKP")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA"}""", "\"y\"")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "neither an EC")]
    public void Unusable_keys_say_why(string key, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => GripSecurityKeys.Create(key));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_rsa_keys_are_refused()
    {
        using var rsa = RSA.Create(1024);
        var ex = Assert.Throws<FormatException>(() => GripSecurityKeys.Create(rsa.ExportSubjectPublicKeyInfoPem()));
        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
    }
}
