using Grip.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Grip.Hosting.Tests;

public class OptionsTests
{
    private static GripOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddGrip(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<GripOptions>>().Value;
    }

    [Fact]
    public void Binds_environment_variables_and_the_grip_section()
    {
        var options = Bind(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
            ["GRIP_VERIFY_KEY"] = "other",
            ["Grip:Proxies:0:Url"] = "http://127.0.0.1:5571/",
            ["Grip:Proxies:0:VerifyKey"] = "k2",
            ["Grip:Proxies:0:VerifyIss"] = "p2",
            ["Grip:Proxies:1"] = "http://127.0.0.1:5581/",
            ["Grip:VerifyKeys:0"] = "old",
            ["Grip:AllowUnsignedRequests"] = "false",
            ["Grip:MaxRequestBodySize"] = "2000",
            ["Grip:SignatureClockSkew"] = "00:00:05",
            ["Grip:Publisher:MaxRetryAttempts"] = "5",
            ["Grip:Publisher:AttemptTimeout"] = "00:00:02",
        });
        Assert.Equal("http://127.0.0.1:5561/?iss=pushpin&key=changeme", options.GripUrl);
        Assert.Equal("other", options.VerifyKey);
        Assert.Equal(2, options.Proxies.Count);
        Assert.Equal("k2", options.Proxies[0].VerifyKey);
        Assert.Equal("p2", options.Proxies[0].VerifyIss);
        Assert.Equal("http://127.0.0.1:5581/", options.Proxies[1].Url);
        Assert.Equal(["old"], options.AdditionalVerifyKeys);
        Assert.Equal(2000, options.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SignatureClockSkew);
        Assert.Equal(5, options.Publisher.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Publisher.AttemptTimeout);
    }

    [Fact]
    public void Grip_section_url_wins_over_the_environment_variable()
    {
        var options = Bind(new() { ["GRIP_URL"] = "http://a/", ["Grip:Url"] = "http://b/" });
        Assert.Equal("http://b/", options.GripUrl);
    }

    [Theory]
    [InlineData("GRIP_URL", "not a url", "GRIP_URL (Grip:Url) is invalid: GRIP URL must be an absolute http")]
    [InlineData("GRIP_URL", "http://x/?iss=a", "'iss' but no 'key'")]
    [InlineData("GRIP_VERIFY_KEY", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\"}", "no \"y\"")]
    [InlineData("Grip:MaxRequestBodySize", "lots", "Grip:MaxRequestBodySize must be an integer")]
    [InlineData("Grip:MaxRequestBodySize", "0", "must be positive")]
    [InlineData("Grip:AllowUnsignedRequests", "yes", "must be true or false")]
    [InlineData("Grip:Proxies:0:VerifyKey", "k", "Grip:Proxies:0 has no Url")]
    [InlineData("Grip:Publisher:MaxRetryAttempts", "50", "MaxRetryAttempts must be 0-10")]
    [InlineData("Grip:SignatureClockSkew", "soon", "must be a time span")]
    public async Task Bad_configuration_fails_start_up_with_a_message(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme", [key] = value };
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ProbeHost.StartAsync(settings));
        Assert.Contains(expected, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_publish_key_must_be_able_to_sign()
    {
        var settings = new Dictionary<string, string?> { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=me&key=" + Uri.EscapeDataString(Grip.Configuration.FastlyFanout.PublicKeyJwk) };
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ProbeHost.StartAsync(settings));
        Assert.Contains("public key", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_verify_key_fails_unless_unsigned_is_explicitly_allowed()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ProbeHost.StartAsync(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/" }));
        Assert.Contains("AllowUnsignedRequests", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GRIP_VERIFY_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_mode_logs_a_warning_and_serves_unsigned_requests()
    {
        var logs = new FakeLogCollector();
        await using var host = await ProbeHost.StartAsync(
            new() { ["GRIP_URL"] = "http://127.0.0.1:5561/", ["Grip:AllowUnsignedRequests"] = "true" },
            services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("WITHOUT Grip-Sig verification", StringComparison.Ordinal));
        using var response = await host.SendAsync(Events.Open, sig: null);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_key_configured_means_unsigned_is_refused_even_in_development_mode()
    {
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
            ["Grip:AllowUnsignedRequests"] = "true",
        });
        using var response = await host.SendAsync(Events.Open, sig: null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public void Map_without_add_grip_says_so()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGripHandler<ProbeHandler>("/ws"));
        Assert.Contains("AddGrip", ex.Message, StringComparison.Ordinal);
    }
}
