using System.Net.WebSockets;
using Grip.Hosting;
using Grip.Hosting.Development;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// The <c>Grip.Hosting.DevelopmentProxy.IsSupported</c> feature switch off (what Native AOT and trimmed
/// publishing set by default: docs/configuration.md, "Feature switches"). The switch is process-wide,
/// so this collection runs alone; each test turns it off and back on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FeatureSwitchTestGroup
{
    public const string Name = "feature switch (process-wide)";
}

[Collection(FeatureSwitchTestGroup.Name)]
public sealed class FeatureSwitchTests : IDisposable
{
    public FeatureSwitchTests() => AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, false);

    public void Dispose() => AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, true);

    /// <summary>AddGrip + MapGripHandler on real Kestrel (port 0); the app and its address.</summary>
    internal static async Task<(WebApplication App, Uri Address)> StartAsync(string environment, Dictionary<string, string?> settings, FakeLogCollector? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGrip(builder.Configuration);
        var app = builder.Build();
        try
        {
            app.MapGripHandler<HandWrittenHandler>("/api/echo");
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    [Fact]
    public void The_switch_reads_the_AppContext_value_each_time()
    {
        Assert.False(GripFeatureSwitches.IsDevelopmentProxySupported);
        AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, true);
        Assert.True(GripFeatureSwitches.IsDevelopmentProxySupported);
    }

    [Fact]
    public async Task Enabled_true_in_a_build_without_the_proxy_stops_start_up_naming_the_MSBuild_property()
    {
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            StartAsync("Staging", new() { ["Grip:DevelopmentProxy:Enabled"] = "true" }));
        Assert.Contains("Grip:DevelopmentProxy:Enabled is true", error.Message, StringComparison.Ordinal);
        Assert.Contains("<GripDevelopmentProxySupport>true</GripDevelopmentProxySupport>", error.Message, StringComparison.Ordinal);
        Assert.Contains("Grip.Hosting.DevelopmentProxy.IsSupported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_without_GRIP_URL_the_missing_key_error_says_the_proxy_was_left_out()
    {
        // Without the proxy nothing signs requests, so there is no verify key: MapGripHandler refuses,
        // and says why the Development default did not apply.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("Development", []));
        Assert.Contains("no Grip-Sig verify key", error.Message, StringComparison.Ordinal);
        Assert.Contains("In Development this would start the development proxy", error.Message, StringComparison.Ordinal);
        Assert.Contains("GripDevelopmentProxySupport", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_with_unsigned_requests_allowed_it_starts_warns_9032_and_serves_no_WebSockets()
    {
        var logs = new FakeLogCollector();
        var (app, address) = await StartAsync("Development", new() { ["Grip:AllowUnsignedRequests"] = "true" }, logs);
        await using var _ = app;

        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 9032);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("GripDevelopmentProxySupport", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id == 9030);

        // No proxy in front: a WebSocket handshake is not accepted, and publishes go to the real
        // publisher (which has no proxy configured), not to an in-memory hub.
        using var client = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"), CancellationToken.None));
        Assert.Null(app.Services.GetService<GripDevelopmentProxy>());
    }

    [Fact]
    public void AddGripDevelopmentPublisher_refuses_with_the_same_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGripDevelopmentPublisher());
        Assert.Equal(GripDevelopmentProxyState.LeftOutMessage, error.Message);
    }

    [Fact]
    public async Task With_a_configured_proxy_nothing_changes_and_nothing_is_logged_about_the_proxy()
    {
        var logs = new FakeLogCollector();
        var (app, _) = await StartAsync("Development", new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme" }, logs);
        await using var _ = app;
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id is 9030 or 9031 or 9032);
    }
}

/// <summary>The <c>Grip.Hosting.HttpPublishing.IsSupported</c> switch off (<c>GripHttpPublishingSupport=false</c>).</summary>
[Collection(FeatureSwitchTestGroup.Name)]
public sealed class HttpPublishingFeatureSwitchTests : IDisposable
{
    public HttpPublishingFeatureSwitchTests() => AppContext.SetSwitch(GripFeatureSwitches.HttpPublishing, false);

    public void Dispose() => AppContext.SetSwitch(GripFeatureSwitches.HttpPublishing, true);

    [Fact]
    public async Task An_HTTP_publish_target_stops_start_up_naming_the_MSBuild_property()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => FeatureSwitchTests.StartAsync("Production", new() { ["GRIP_URL"] = "https://api.fastly.com/service/abc?key=token&verify-iss=fastly:abc" }));
        string message = error is AggregateException aggregate ? string.Join("\n", aggregate.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Publishing over HTTP to https://api.fastly.com is configured, but this build leaves HTTP publishing out", message, StringComparison.Ordinal);
        Assert.Contains("<GripHttpPublishingSupport>false</GripHttpPublishingSupport>", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_over_ZeroMQ_with_the_verify_key_from_GRIP_URL_starts_without_an_HTTP_client()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        // With the development proxy left out too (as in a Native AOT publish), nothing registers an HTTP client.
        AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, false);
        try
        {
            var (app, _) = await FeatureSwitchTests.StartAsync("Production", new()
            {
                ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
                ["Grip:ZeroMqPub"] = $"tcp://127.0.0.1:{port}",
            });
            await using var _ = app;
            Assert.Null(app.Services.GetService<System.Net.Http.IHttpClientFactory>());
            Assert.IsType<Grip.Hosting.Publishing.GripPublisher>(app.Services.GetRequiredService<IGripPublisher>());
        }
        finally
        {
            AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, true);
        }
    }
}

/// <summary>
/// The <c>Grip.Hosting.HttpsPublishing.IsSupported</c> switch (<c>GripHttpsPublishingSupport</c>): off, HTTP
/// publishes go through the plain HTTP/1.1 client instead of SocketsHttpHandler and https:// targets are
/// refused at start-up; unset, nothing changes.
/// </summary>
[Collection(FeatureSwitchTestGroup.Name)]
public sealed class HttpsPublishingFeatureSwitchTests : IDisposable
{
    public HttpsPublishingFeatureSwitchTests() => AppContext.SetSwitch(GripFeatureSwitches.HttpsPublishing, false);

    public void Dispose()
    {
        AppContext.SetSwitch(GripFeatureSwitches.HttpsPublishing, true);
        AppContext.SetSwitch(GripFeatureSwitches.HttpPublishing, true);
        AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, true);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Grip:Publisher:RetryBaseDelay", "00:00:00.010");
        settings.TryAdd("Grip:Publisher:AttemptTimeout", "00:00:15");
        settings.TryAdd("Grip:Publisher:TotalTimeout", "00:00:30");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddGrip(configuration).BuildServiceProvider();
    }

    /// <summary>A publish endpoint on Kestrel: records each request's connection, headers and body; answers with <paramref name="status"/>.</summary>
    private static async Task<(WebApplication App, Uri Address, System.Collections.Concurrent.ConcurrentQueue<(string Connection, string? Authorization, long? Length, string Body)> Requests)> StartProxyAsync(int status = 200)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new System.Collections.Concurrent.ConcurrentQueue<(string, string?, long?, string)>();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            string body = await reader.ReadToEndAsync();
            requests.Enqueue((context.Connection.Id, context.Request.Headers.Authorization.ToString(), context.Request.ContentLength, body));
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "Published\n" : "Bad format: no items\n");
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address), requests);
    }

    [Fact]
    public void The_switch_reads_the_AppContext_value_each_time()
    {
        Assert.False(GripFeatureSwitches.IsHttpsPublishingSupported);
        AppContext.SetSwitch(GripFeatureSwitches.HttpsPublishing, true);
        Assert.True(GripFeatureSwitches.IsHttpsPublishingSupported);
    }

    [Fact]
    public void By_default_publishing_keeps_SocketsHttpHandler()
    {
        AppContext.SetSwitch(GripFeatureSwitches.HttpsPublishing, true);
        using var services = Services(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme" });
        Assert.Null(services.GetService<Grip.Hosting.Publishing.PlainHttp.PlainHttpHandler>());
        var handler = services.GetRequiredService<System.Net.Http.IHttpMessageHandlerFactory>().CreateHandler(Grip.Hosting.Publishing.GripPublisher.HttpClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        Assert.IsType<SocketsHttpHandler>(handler);
    }

    [Fact]
    public async Task Off_publishes_go_through_the_plain_client_on_one_kept_alive_connection_with_the_JWT()
    {
        AppContext.SetSwitch(GripFeatureSwitches.DevelopmentProxy, false);
        var (app, address, requests) = await StartProxyAsync();
        await using var _ = app;
        await using var services = Services(new() { ["GRIP_URL"] = $"http://127.0.0.1:{address.Port}/?iss=pushpin&key=changeme" });
        var publisher = services.GetRequiredService<IGripPublisher>();
        for (int i = 0; i < 3; i++)
        {
            await publisher.PublishAsync("room", "hello " + i);
        }

        Assert.Null(services.GetService<System.Net.Http.IHttpClientFactory>());
        var handler = services.GetRequiredService<Grip.Hosting.Publishing.PlainHttp.PlainHttpHandler>();
        Assert.Equal(1, handler.ConnectionsOpened);
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.Connection).Distinct());
        var (_, authorization, length, body) = requests.Last();
        Assert.StartsWith("Bearer ey", authorization, StringComparison.Ordinal);
        Assert.Equal("""{"items":[{"channel":"room","formats":{"ws-message":{"content":"hello 2"}}}]}""", body);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), length);
    }

    [Fact]
    public async Task Off_an_error_status_is_reported_as_before()
    {
        var (app, address, requests) = await StartProxyAsync(status: 400);
        await using var _ = app;
        await using var services = Services(new() { ["GRIP_URL"] = $"http://127.0.0.1:{address.Port}/?iss=pushpin&key=changeme" });
        var error = await Assert.ThrowsAsync<GripPublishException>(() => services.GetRequiredService<IGripPublisher>().PublishAsync("room", "x"));
        var failure = Assert.Single(error.Failures);
        Assert.Equal(400, failure.StatusCode);
        Assert.Contains("Bad format: no items", failure.Body, StringComparison.Ordinal);
        Assert.Single(requests);
    }

    [Fact]
    public async Task Off_a_proxy_that_is_down_is_retried_then_reported_as_not_connected()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var services = Services(new() { ["GRIP_URL"] = $"http://127.0.0.1:{port}/", ["Grip:Publisher:MaxRetryAttempts"] = "2" });
        var error = await Assert.ThrowsAsync<GripPublishException>(() => services.GetRequiredService<IGripPublisher>().PublishAsync("c", "x"));
        var failure = Assert.Single(error.Failures);
        Assert.Null(failure.StatusCode);
        Assert.Equal(GripPublishOutcome.Failed, failure.Outcome);
        Assert.Equal(GripPublishFailureReason.NotConnected, failure.Reason);
        Assert.Contains("transport error", failure.Body, StringComparison.Ordinal);
        Assert.False(error.IsUncertain);
        Assert.Equal(3, services.GetRequiredService<Grip.Hosting.Publishing.PlainHttp.PlainHttpHandler>().ConnectionAttempts);
    }

    [Fact]
    public async Task Off_an_https_publish_target_stops_start_up_naming_the_MSBuild_property()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => FeatureSwitchTests.StartAsync("Production", new() { ["GRIP_URL"] = "https://api.fastly.com/service/abc?key=token&verify-iss=fastly:abc" }));
        string message = error is AggregateException aggregate ? string.Join("\n", aggregate.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Publishing over HTTPS to https://api.fastly.com is configured, but this build leaves HTTPS publishing out", message, StringComparison.Ordinal);
        Assert.Contains("'Grip.Hosting.HttpsPublishing.IsSupported'", message, StringComparison.Ordinal);
        Assert.Contains("<GripHttpsPublishingSupport>false</GripHttpsPublishingSupport>", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_the_https_one_of_several_proxies_is_named()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => FeatureSwitchTests.StartAsync("Production", new()
        {
            ["Grip:Proxies:0:Url"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme",
            ["Grip:Proxies:1:Url"] = "https://api.fastly.com/service/abc?key=token&verify-iss=fastly:abc",
        }));
        string message = error is AggregateException aggregate ? string.Join("\n", aggregate.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Publishing over HTTPS to https://api.fastly.com is configured", message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:5561 is configured", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HTTP_publishing_left_out_as_well_wins_over_the_https_message()
    {
        AppContext.SetSwitch(GripFeatureSwitches.HttpPublishing, false);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => FeatureSwitchTests.StartAsync("Production", new() { ["GRIP_URL"] = "https://api.fastly.com/service/abc?key=token&verify-iss=fastly:abc" }));
        string message = error is AggregateException aggregate ? string.Join("\n", aggregate.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("this build leaves HTTP publishing out", message, StringComparison.Ordinal);
        Assert.Contains("<GripHttpPublishingSupport>false</GripHttpPublishingSupport>", message, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTPS", message, StringComparison.Ordinal);
    }
}
