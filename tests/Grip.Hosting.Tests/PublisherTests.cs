using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Grip.Hosting.Tests.Infrastructure;
using Grip.Publishing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grip.Hosting.Tests;

public class PublisherTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Grip:Publisher:RetryBaseDelay", "00:00:00.010");
        // No test here depends on a timeout firing, so the limits are generous: on a loaded machine the
        // first request (fake proxy and HttpClient both cold) took over a second, and an attempt cut
        // off after the body was sent is an unknown outcome, not the status the test expects.
        settings.TryAdd("Grip:Publisher:AttemptTimeout", "00:00:15");
        settings.TryAdd("Grip:Publisher:TotalTimeout", "00:00:30");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGrip(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    private static IGripPublisher Publisher(ServiceProvider services) => services.GetRequiredService<IGripPublisher>();

    private static JsonElement Items(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("items");

    [Fact]
    public async Task Publishes_text_with_content_length_to_the_publish_path()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri + "?iss=pushpin&key=changeme" });
        await Publisher(services).PublishAsync("room", "hello");
        var request = Assert.Single(proxy.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/publish/", request.Path);
        Assert.False(request.Chunked);
        Assert.Equal(request.Body.Length, request.ContentLength);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("""{"items":[{"channel":"room","formats":{"ws-message":{"content":"hello"}}}]}""", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public async Task Jwt_auth_is_signed_with_the_key_and_carries_iss_and_exp()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri + "?iss=pushpin&key=changeme" });
        await Publisher(services).PublishAsync("c", "x");
        string auth = Assert.Single(proxy.Requests).Headers["Authorization"];
        Assert.StartsWith("Bearer ", auth, StringComparison.Ordinal);
        string token = auth["Bearer ".Length..];
        var jwt = new JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("pushpin", jwt.Issuer);
        Assert.InRange(jwt.ValidTo, DateTime.UtcNow.AddMinutes(9), DateTime.UtcNow.AddMinutes(11));
        string[] parts = token.Split('.');
        byte[] expected = System.Security.Cryptography.HMACSHA256.HashData("changeme"u8, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.Equal(Base64UrlEncoder.Encode(expected), parts[2]);
    }

    [Fact]
    public async Task Jwt_auth_with_an_ec_private_key_is_es256()
    {
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        string key = "base64:" + Convert.ToBase64String(Encoding.UTF8.GetBytes(ec.ExportPkcs8PrivateKeyPem()));
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri + "?iss=me&key=" + Uri.EscapeDataString(key) });
        await Publisher(services).PublishAsync("c", "x");
        string token = Assert.Single(proxy.Requests).Headers["Authorization"]["Bearer ".Length..];
        var jwt = new JsonWebToken(token);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("me", jwt.Issuer);
        string[] parts = token.Split('.');
        Assert.True(ec.VerifyData(
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
            Base64UrlEncoder.DecodeBytes(parts[2]),
            System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public async Task Jwt_is_reused_until_half_its_lifetime()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri + "?iss=pushpin&key=changeme" });
        await Publisher(services).PublishAsync("c", "x");
        await Publisher(services).PublishAsync("c", "y");
        var auth = proxy.Requests.Select(r => r.Headers["Authorization"]).ToArray();
        Assert.Equal(auth[0], auth[1]);
    }

    [Fact]
    public async Task Jwt_is_renewed_after_half_its_lifetime()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GRIP_URL"] = proxy.BaseUri + "?iss=pushpin&key=changeme",
        }).Build();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time).AddGrip(configuration).BuildServiceProvider();
        var publisher = Publisher(services);
        await publisher.PublishAsync("c", "1");
        time.Advance(TimeSpan.FromMinutes(4));
        await publisher.PublishAsync("c", "2");
        time.Advance(TimeSpan.FromMinutes(2));
        await publisher.PublishAsync("c", "3");
        var tokens = proxy.Requests.Select(r => new JsonWebToken(r.Headers["Authorization"]["Bearer ".Length..])).ToArray();
        Assert.Equal(tokens[0].EncodedToken, tokens[1].EncodedToken);
        Assert.NotEqual(tokens[0].EncodedToken, tokens[2].EncodedToken);
        Assert.Equal(time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds(), new DateTimeOffset(tokens[2].ValidTo).ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("?key=token", "Bearer token")]
    [InlineData("", null)]
    public async Task Bearer_and_no_auth(string query, string? expected)
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri + query });
        await Publisher(services).PublishAsync("c", "x");
        var headers = Assert.Single(proxy.Requests).Headers;
        Assert.Equal(expected, headers.TryGetValue("Authorization", out string? value) ? value : null);
    }

    [Fact]
    public async Task Basic_auth_from_user_info()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var url = new UriBuilder(proxy.BaseUri) { UserName = "user", Password = "pass" }.Uri;
        using var services = Services(new() { ["GRIP_URL"] = url.ToString() });
        await Publisher(services).PublishAsync("c", "x");
        Assert.Equal("Basic dXNlcjpwYXNz", Assert.Single(proxy.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task Every_format_and_several_items_in_one_request()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var publisher = Publisher(services);
        await publisher.PublishAsync(
        [
            new PublishItem("a") { Id = "2", PrevId = "1", Meta = new Dictionary<string, string> { ["sender"] = "c1" }, WebSocketMessage = WebSocketMessageFormat.FromText("t") },
            new PublishItem("b") { WebSocketMessage = WebSocketMessageFormat.FromBinary(new byte[] { 0, 1, 2 }) },
            new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.CloseConnection(4001, "pubclose") },
            new PublishItem("d") { WebSocketMessage = WebSocketMessageFormat.Ping("pp"u8.ToArray()) },
            new PublishItem("e") { HttpStream = HttpStreamFormat.FromText("line1\n") },
            new PublishItem("f") { HttpResponse = new HttpResponseFormat("body"u8.ToArray()) { Code = 201 } },
        ]);
        var items = Items(Assert.Single(proxy.Requests));
        Assert.Equal(6, items.GetArrayLength());
        Assert.Equal("2", items[0].GetProperty("id").GetString());
        Assert.Equal("1", items[0].GetProperty("prev-id").GetString());
        Assert.Equal("c1", items[0].GetProperty("meta").GetProperty("sender").GetString());
        Assert.Equal("AAEC", items[1].GetProperty("formats").GetProperty("ws-message").GetProperty("content-bin").GetString());
        var close = items[2].GetProperty("formats").GetProperty("ws-message");
        Assert.Equal("close", close.GetProperty("action").GetString());
        Assert.Equal(4001, close.GetProperty("code").GetInt32());
        Assert.Equal("pubclose", close.GetProperty("reason").GetString());
        Assert.Equal("ping", items[3].GetProperty("formats").GetProperty("ws-message").GetProperty("type").GetString());
        Assert.True(items[4].GetProperty("formats").TryGetProperty("http-stream", out _));
        Assert.Equal(201, items[5].GetProperty("formats").GetProperty("http-response").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Publish_except_sender_and_to_one_connection()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var publisher = Publisher(services);
        await publisher.PublishExceptAsync("room", "hi", "conn-7");
        await publisher.PublishToConnectionAsync("conn-9", "direct");
        var requests = proxy.Requests.ToArray();
        Assert.Equal("conn-7", Items(requests[0])[0].GetProperty("meta").GetProperty("sender").GetString());
        Assert.Equal(GripChannels.ForConnection("conn-9"), Items(requests[1])[0].GetProperty("channel").GetString());
        Assert.Equal("grip.connection.conn-9", GripChannels.ForConnection("conn-9"));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(408)]
    public async Task Answers_saying_nothing_was_done_are_retried_then_succeed(int status)
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (attempt, ctx) =>
        {
            ctx.Response.StatusCode = attempt < 2 ? status : 200;
            await ctx.Response.WriteAsync(attempt < 2 ? "busy" : "Published\n");
        };
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        await Publisher(services).PublishAsync("c", "x");
        Assert.Equal(3, proxy.Requests.Count);
        Assert.All(proxy.Requests, r => Assert.Equal(r.Body.Length, r.ContentLength));
        Assert.Single(proxy.Requests.Select(r => Encoding.UTF8.GetString(r.Body)).Distinct());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Other_server_errors_are_unknown_and_not_resent(int status)
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (_, ctx) =>
        {
            ctx.Response.StatusCode = status;
            await ctx.Response.WriteAsync("gateway trouble");
        };
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Single(proxy.Requests);
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(GripPublishOutcome.Unknown, failure.Outcome);
        Assert.Equal(GripPublishFailureReason.ErrorStatus, failure.Reason);
        Assert.Equal(status, failure.StatusCode);
        Assert.True(ex.IsUncertain);
    }

    [Fact]
    public async Task Persistent_500_is_reported_with_status_and_body_after_retries()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (_, ctx) =>
        {
            ctx.Response.StatusCode = 503;
            await ctx.Response.WriteAsync("overloaded");
        };
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString(), ["Grip:Publisher:MaxRetryAttempts"] = "2" });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Equal(3, proxy.Requests.Count);
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(503, failure.StatusCode);
        Assert.Equal(GripPublishOutcome.Failed, failure.Outcome);
        Assert.False(ex.IsUncertain);
        Assert.Equal("overloaded", failure.Body);
        Assert.Equal(new Uri(proxy.BaseUri, "/publish/"), failure.Proxy);
        Assert.Contains("503 overloaded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_are_reported()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (_, ctx) =>
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("Invalid format: \n");
        };
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Single(proxy.Requests);
        Assert.Equal(400, Assert.Single(ex.Failures).StatusCode);
        Assert.Equal("Invalid format:", ex.Failures[0].Body);
    }

    [Fact]
    public async Task Length_required_411_is_reported_not_retried()
    {
        await using var proxy = await FakeProxy.StartAsync();
        proxy.Respond = async (_, ctx) =>
        {
            ctx.Response.StatusCode = 411;
            await ctx.Response.WriteAsync("Request requires Content-Length.\n");
        };
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Single(proxy.Requests);
        Assert.Equal(411, ex.Failures[0].StatusCode);
    }

    [Fact]
    public async Task Connection_refused_is_retried_then_reported_as_failed()
    {
        int port = FakeProxy.UnusedPort();
        using var services = Services(new() { ["GRIP_URL"] = $"http://127.0.0.1:{port}/", ["Grip:Publisher:MaxRetryAttempts"] = "2" });
        using var failures = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Grip", "grip.publish.failures");
        using var requests = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Grip", "grip.publish.requests");
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        var failure = Assert.Single(ex.Failures);
        Assert.Null(failure.StatusCode);
        Assert.Equal(GripPublishOutcome.Failed, failure.Outcome);
        Assert.Equal(GripPublishFailureReason.NotConnected, failure.Reason);
        Assert.Contains("transport error", failure.Body, StringComparison.Ordinal);
        Assert.Equal($"http://127.0.0.1:{port}/publish/", failure.Proxy.ToString());
        Assert.False(ex.IsUncertain);
        var counted = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal("failed", counted.Tags["grip.outcome"]);
        Assert.Equal("not_connected", counted.Tags["grip.reason"]);

        // The first attempt and two retries, none of which reached a proxy.
        var attempts = requests.GetMeasurementSnapshot();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, m => Assert.Equal("not_sent", m.Tags["grip.result"]));
    }

    [Fact]
    public async Task All_proxies_get_the_publish_in_parallel_and_each_failure_is_named()
    {
        await using var good = await FakeProxy.StartAsync();
        await using var bad = await FakeProxy.StartAsync();
        bad.Respond = async (_, ctx) =>
        {
            ctx.Response.StatusCode = 503;
            await ctx.Response.WriteAsync("bad proxy");
        };
        using var services = Services(new()
        {
            ["GRIP_URL"] = good.BaseUri + "?key=t1",
            ["Grip:Proxies:0:Url"] = bad.BaseUri + "?key=t2",
            ["Grip:Publisher:MaxRetryAttempts"] = "1",
        });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Single(good.Requests);
        Assert.Equal("Bearer t1", good.Requests.Single().Headers["Authorization"]);
        Assert.Equal(2, bad.Requests.Count);
        Assert.Equal("Bearer t2", bad.Requests.First().Headers["Authorization"]);
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(new Uri(bad.BaseUri, "/publish/"), failure.Proxy);
        Assert.Contains("1 of 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_publish_is_refused_before_sending()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        await Assert.ThrowsAsync<GripLimitExceededException>(() => Publisher(services).PublishAsync("c", new string('x', 1_000_000)));
        Assert.Empty(proxy.Requests);
    }

    [Fact]
    public async Task Invalid_items_are_refused_before_sending()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        await Assert.ThrowsAsync<ArgumentException>(() => Publisher(services).PublishAsync(new PublishItem("c")));
        await Assert.ThrowsAsync<ArgumentException>(() => Publisher(services).PublishAsync([]));
        Assert.Empty(proxy.Requests);
    }

    [Fact]
    public async Task No_proxy_configured_is_an_error_not_a_silent_drop()
    {
        using var services = Services(new() { ["GRIP_VERIFY_KEY"] = "k" });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Publisher(services).PublishAsync("c", "x"));
        Assert.Contains("GRIP_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_context_is_carried_into_the_publish()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        // The "Grip" source is process-wide and other test classes publish in parallel: keep only
        // this test's trace (a concurrent queue, since their activities stop on other threads).
        var stopped = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Grip",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        await Publisher(services).PublishAsync("c", "x");
        parent.Stop();
        var publish = Assert.Single(stopped, a => a.OperationName == "grip.publish" && a.TraceId == parent.TraceId);
        Assert.Equal(parent.SpanId, publish.ParentSpanId);
        string traceparent = Assert.Single(proxy.Requests).Headers["traceparent"];
        Assert.Contains(parent.TraceId.ToHexString(), traceparent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_metrics_record_latency()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var services = Services(new() { ["GRIP_URL"] = proxy.BaseUri.ToString() });
        using var latency = new MetricCollector<double>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Grip", "grip.publish.duration");
        await Publisher(services).PublishAsync("c", "x");
        var m = Assert.Single(latency.GetMeasurementSnapshot());
        Assert.Equal("success", m.Tags["grip.outcome"]);
        Assert.True(m.Value > 0);
    }
}
