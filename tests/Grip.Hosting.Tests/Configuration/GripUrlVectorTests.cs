using System.Text;
using Grip.Configuration;

namespace Grip.Hosting.Tests.Configuration;

/// <summary>grip-spec §8.6 (GRIP_URL parsing), §4.3 (Fanout) and the publisher client vectors of §8.6, as data.</summary>
public class GripUrlVectorTests
{
    // input, control uri, iss, key, user, pass, verify-iss, verify-key
    public static TheoryData<string, string, string?, string?, string?, string?, string?, string?> ParseVectors => new()
    {
        { "http://api.fanout.io/realm/realm?iss=realm&key=base64:aGVsbG8=", "http://api.fanout.io/realm/realm", "realm", "base64:aGVsbG8=", null, null, null, null },
        { "https://api.fanout.io/realm/realm?key=base64:geag%2B2132w==", "https://api.fanout.io/realm/realm", null, "base64:geag+2132w==", null, null, null, null },
        { "http://api.fanout.io/realm/realm?key=base64:geag+21321==", "http://api.fanout.io/realm/realm", null, "base64:geag+21321==", null, null, null, null },
        { "http://api.fanout.io/realm/realm", "http://api.fanout.io/realm/realm", null, null, null, null, null, null },
        { "http://api.fanout.io/realm/realm?iss=realm&key=base64:geag12132w==&param1=value1&param2=value2", "http://api.fanout.io/realm/realm?param1=value1&param2=value2", "realm", "base64:geag12132w==", null, null, null, null },
        { "http://user:pass@api.fanout.io/realm/realm/", "http://api.fanout.io/realm/realm", null, null, "user", "pass", null, null },
        { "http://api.fanout.io:8080/realm/realm/", "http://api.fanout.io:8080/realm/realm", null, null, null, null, null, null },
        { "https://api.fastly.com/service/service?key=apikey&verify-iss=fastly:service&verify-key=base64:geag12132w==", "https://api.fastly.com/service/service", null, "apikey", null, null, "fastly:service", "base64:geag12132w==" },
        { "http://api.fanout.io/realm/realm?iss=realm&key=geag121321==", "http://api.fanout.io/realm/realm", "realm", "geag121321==", null, null, null, null },
        // Only one trailing slash goes.
        { "http://localhost:5561//", "http://localhost:5561/", null, null, null, null, null, null },
        { "http://localhost:5561/", "http://localhost:5561", null, null, null, null, null, null },
        // IPv6 hosts keep their brackets.
        { "http://[::1]:5561/?iss=pushpin&key=k", "http://[::1]:5561", "pushpin", "k", null, null, null, null },
        // Percent-encoded user info and values are decoded.
        { "http://us%40er:p%3Ass@localhost:5561/?key=a%26b", "http://localhost:5561", null, "a&b", "us@er", "p:ss", null, null },
    };

    [Theory]
    [MemberData(nameof(ParseVectors))]
    public void Parses_vectors(string input, string controlUri, string? iss, string? key, string? user, string? pass, string? verifyIss, string? verifyKey)
    {
        var config = GripUrl.Parse(input);
        Assert.Equal(controlUri, config.ControlUri);
        Assert.Equal(iss, config.ControlIss);
        Assert.Equal(key, config.Key);
        Assert.Equal(user, config.User);
        Assert.Equal(pass, config.Password);
        Assert.Equal(verifyIss, config.VerifyIss);
        Assert.Equal(verifyKey, config.VerifyKey);
    }

    [Fact]
    public void Base64_key_with_literal_plus_decodes_like_pygripcontrol()
    {
        var config = GripUrl.Parse("http://api.fanout.io/realm/realm?key=base64:geag+21321==");
        var material = GripKeyMaterial.Parse(config.Key!);
        Assert.Equal(Convert.FromBase64String("geag+21321=="), material.Secret.ToArray());
    }

    [Fact]
    public void Base64_key_decodes_hello()
    {
        var config = GripUrl.Parse("http://api.fanout.io/realm/realm?iss=realm&key=base64:aGVsbG8=");
        Assert.Equal("hello"u8.ToArray(), GripKeyMaterial.Parse(config.Key!).Secret.ToArray());
    }

    [Fact]
    public void Separate_verify_key_is_merged_and_keeps_verify_iss_from_the_url()
    {
        // §8.6: "same without verify-key, additional {'verify-key':'base64:geag12132w==','verify-iss':undefined}"
        var config = GripUrl.Parse("https://api.fastly.com/service/service?key=apikey&verify-iss=fastly:service", verifyKey: "base64:geag12132w==");
        Assert.Equal("https://api.fastly.com/service/service", config.ControlUri);
        Assert.Equal("fastly:service", config.VerifyIss);
        Assert.Equal("base64:geag12132w==", config.VerifyKey);
        Assert.Equal("apikey", config.Key);
        Assert.Null(config.ControlIss);
    }

    [Fact]
    public void Separate_verify_key_wins_over_the_url_one()
    {
        var config = GripUrl.Parse("http://localhost:5561/?verify-key=one", verifyKey: "two");
        Assert.Equal("two", config.VerifyKey);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("localhost:5561", "absolute http")]
    [InlineData("/publish", "absolute http")]
    [InlineData("ftp://example.com/", "absolute http")]
    [InlineData("http://example.com/#frag", "fragment")]
    [InlineData("http://example.com/?iss=realm", "'iss' but no 'key'")]
    [InlineData("http://example.com/?iss=&key=k", "'iss' is empty")]
    [InlineData("http://example.com/?key=base64:geag121321=", "not valid base64")]
    [InlineData("http://example.com/?verify-key=base64:%25%25", "not valid base64")]
    [InlineData("http://example.com/?verify-key=%7Bnot%20json", "not valid JSON")]
    [InlineData("http://example.com/?verify-key=%7B%22a%22%3A1%7D", "not a JWK")]
    [InlineData("http://example.com/?verify-key=-----BEGIN%20PUBLIC%20KEY-----abc", "no '-----END")]
    public void Bad_urls_say_what_is_wrong(string input, string expected)
    {
        Assert.False(GripUrl.TryParse(input, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        var ex = Assert.Throws<FormatException>(() => GripUrl.Parse(input));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_url_with_an_at_sign_in_its_password_keeps_all_of_it_out_of_the_message()
    {
        // Found by the fuzz harness: the message quoted the URL from the first '@', so the rest of a
        // password containing an unescaped '@' reached logs.
        Assert.False(GripUrl.TryParse("http://user:pa@ssword-secret@host/", out _, out string? error));
        Assert.DoesNotContain("ssword", error, StringComparison.Ordinal);
        Assert.Contains("…@host", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_messages_do_not_leak_secrets()
    {
        Assert.False(GripUrl.TryParse("ftp://user:hunter2@example.com/?key=supersecret", out _, out string? error));
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.DoesNotContain("supersecret", error, StringComparison.Ordinal);
    }

    // control uri, iss, key, user, pass, verify iss, verify key -> publish uri, auth, effective verify key
    public static TheoryData<string, string?, string?, string?, string?, string?, string?, string, GripPublishAuthKind, string?> ClientVectors => new()
    {
        { "https://www.example.com/", null, null, null, null, null, null, "https://www.example.com/publish/", GripPublishAuthKind.None, null },
        { "https://www.example.com/", null, null, "user", "pass", null, null, "https://www.example.com/publish/", GripPublishAuthKind.Basic, null },
        { "https://www.example.com/", "foo", "key", null, null, null, null, "https://www.example.com/publish/", GripPublishAuthKind.Jwt, "key" },
        { "https://www.example.com/", null, "token", null, null, null, null, "https://www.example.com/publish/", GripPublishAuthKind.Bearer, null },
        { "https://www.example.com/", "foo", "key2", null, null, "iss", "key1", "https://www.example.com/publish/", GripPublishAuthKind.Jwt, "key1" },
        { "https://www.example.com/uri2", "iss2", "key==2", null, null, "v_iss2", "v_key==2", "https://www.example.com/uri2/publish/", GripPublishAuthKind.Jwt, "v_key==2" },
        { "http://127.0.0.1:5561", null, null, null, null, null, null, "http://127.0.0.1:5561/publish/", GripPublishAuthKind.None, null },
        { "https://www.example.com/uri", null, null, null, null, null, null, "https://www.example.com/uri/publish/", GripPublishAuthKind.None, null },
        { "https://www.example.com/uri?a=b", null, null, null, null, null, null, "https://www.example.com/uri/publish/?a=b", GripPublishAuthKind.None, null },
    };

    [Theory]
    [MemberData(nameof(ClientVectors))]
    public void Publisher_client_vectors(string controlUri, string? iss, string? key, string? user, string? pass, string? verifyIss, string? verifyKey, string publishUri, GripPublishAuthKind auth, string? effectiveVerifyKey)
    {
        var config = new GripProxyConfig { ControlUri = controlUri, ControlIss = iss, Key = key, User = user, Password = pass, VerifyIss = verifyIss, VerifyKey = verifyKey };
        Assert.Equal(publishUri, config.PublishUri.ToString());
        Assert.Equal(auth, config.PublishAuth);
        Assert.Equal(effectiveVerifyKey, config.EffectiveVerifyKey);
    }

    [Fact]
    public void Backward_compat_verify_key_only_for_shared_secrets()
    {
        var pem = new GripProxyConfig { ControlUri = "http://x", ControlIss = "foo", Key = FastlyFanout.PublicKeyPem };
        Assert.Null(pem.EffectiveVerifyKey);
        var noIss = new GripProxyConfig { ControlUri = "http://x", Key = "token" };
        Assert.Null(noIss.EffectiveVerifyKey);
    }

    [Fact]
    public void Fanout_url_has_the_published_es256_key_built_in()
    {
        string url = GripUrl.BuildFanoutGripUrl("SERVICE_ID", "API_TOKEN");
        Assert.StartsWith("https://api.fastly.com/service/SERVICE_ID?key=API_TOKEN&verify-iss=fastly%3ASERVICE_ID&verify-key=", url, StringComparison.Ordinal);
        var config = GripUrl.Parse(url);
        Assert.Equal("https://api.fastly.com/service/SERVICE_ID", config.ControlUri);
        Assert.Equal("API_TOKEN", config.Key);
        Assert.Equal(GripPublishAuthKind.Bearer, config.PublishAuth);
        Assert.Equal("fastly:SERVICE_ID", config.VerifyIss);
        Assert.Equal(FastlyFanout.PublicKeyJwk, config.VerifyKey);
        Assert.Equal(GripKeyKind.Jwk, GripKeyMaterial.Parse(config.VerifyKey!).Kind);
        Assert.Equal("https://api.fastly.com/service/SERVICE_ID/publish/", config.PublishUri.ToString());
    }

    [Fact]
    public void Fanout_with_base_url()
    {
        var config = GripUrl.Parse(GripUrl.BuildFanoutGripUrl("SERVICE_ID", "API_TOKEN", "https://www.example.com/path/to/base"));
        Assert.Equal("https://www.example.com/path/to/base", config.ControlUri);
        Assert.Equal("fastly:SERVICE_ID", GripUrl.ForFanout("SERVICE_ID", "API_TOKEN").VerifyIss);
    }

    [Fact]
    public void Fanout_readme_recipe_grip_verify_key_as_jwk()
    {
        var config = GripUrl.Parse("https://api.fastly.com/service/SID?key=TOKEN&verify-iss=fastly:SID", verifyKey: FastlyFanout.PublicKeyJwk);
        Assert.Equal(FastlyFanout.PublicKeyJwk, config.EffectiveVerifyKey);
    }

    [Fact]
    public void Proxy_config_to_string_has_no_secrets()
    {
        var config = GripUrl.Parse("http://user:hunter2@localhost:5561/?iss=pushpin&key=supersecret");
        string text = config.ToString();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("supersecret", text, StringComparison.Ordinal);
        Assert.Contains("Jwt", text, StringComparison.Ordinal);
    }
}

/// <summary>Key strings (grip-spec §4.1) and the base64 helper vectors of §8.9.</summary>
public class GripKeyMaterialTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("Zg==", "f")]
    [InlineData("Zm8=", "fo")]
    [InlineData("Zm9v", "foo")]
    [InlineData("Zm9vYg==", "foob")]
    [InlineData("Zm9vYmE=", "fooba")]
    [InlineData("Zm9vYmFy", "foobar")]
    [InlineData("Zm9vYg", "foob")]
    public void Base64_vectors(string encoded, string expected)
    {
        Assert.True(GripBase64.TryDecode(encoded, out byte[]? bytes));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
    }

    [Fact]
    public void Base64url_and_space_for_plus()
    {
        Assert.True(GripBase64.TryDecode("Aag_7Ge-2Q==", out byte[]? url));
        Assert.Equal(new byte[] { 0x01, 0xA8, 0x3F, 0xEC, 0x67, 0xBE, 0xD9 }, url);
        Assert.True(GripBase64.TryDecode("AEJ 3w==", out byte[]? space));
        Assert.Equal(new byte[] { 0x00, 0x42, 0x7E, 0xDF }, space);
        Assert.True(GripBase64.TryDecode("AAEC", out byte[]? b));
        Assert.Equal(new byte[] { 0, 1, 2 }, b);
    }

    [Theory]
    [InlineData("geag121321=")]
    [InlineData("Z")]
    [InlineData("Zg=a")]
    [InlineData("Zg===")]
    [InlineData("Z!==")]
    public void Base64_invalid(string encoded) => Assert.False(GripBase64.TryDecode(encoded, out _));

    [Fact]
    public void Plain_string_is_a_shared_secret()
    {
        var key = GripKeyMaterial.Parse("changeme");
        Assert.Equal(GripKeyKind.Symmetric, key.Kind);
        Assert.Equal("changeme"u8.ToArray(), key.Secret.ToArray());
        Assert.Equal("GripKeyMaterial(Symmetric)", key.ToString());
    }

    [Fact]
    public void Pem_and_jwk_are_recognised_plain_and_base64_wrapped()
    {
        Assert.Equal(GripKeyKind.Pem, GripKeyMaterial.Parse(FastlyFanout.PublicKeyPem).Kind);
        Assert.Equal(GripKeyKind.Jwk, GripKeyMaterial.Parse(FastlyFanout.PublicKeyJwk).Kind);
        string wrappedPem = "base64:" + Convert.ToBase64String(Encoding.UTF8.GetBytes(FastlyFanout.PublicKeyPem));
        Assert.Equal(GripKeyKind.Pem, GripKeyMaterial.Parse(wrappedPem).Kind);
        string wrappedJwk = "base64:" + Convert.ToBase64String(Encoding.UTF8.GetBytes(FastlyFanout.PublicKeyJwk));
        Assert.Equal(GripKeyKind.Jwk, GripKeyMaterial.Parse(wrappedJwk).Kind);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("base64:", "no bytes")]
    [InlineData("base64:@@@@", "not valid base64")]
    [InlineData("{\"kty\":", "not valid JSON")]
    [InlineData("[1,2]", null)]
    public void Bad_keys(string key, string? expected)
    {
        if (expected is null)
        {
            // Not PEM, not JSON object: a plain secret.
            Assert.Equal(GripKeyKind.Symmetric, GripKeyMaterial.Parse(key).Kind);
            return;
        }

        Assert.False(GripKeyMaterial.TryParse(key, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
