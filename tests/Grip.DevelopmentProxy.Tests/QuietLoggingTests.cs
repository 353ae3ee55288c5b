using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using static Grip.DevelopmentProxy.Tests.ClientMessages;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// Issue 16 item 8: a developer's console under the development proxy shows what they did, not
/// our plumbing. The app is what <c>dotnet new web</c> gives (Information, Microsoft.AspNetCore at
/// Warning) with AddGrip and two MapGripHandler calls; every log line is captured.
/// </summary>
[Collection(EchoHandlerState.Name)]
public sealed class QuietLoggingTests
{
    private static async Task<(WebApplication App, Uri Address, FakeLogCollector Logs)> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var logs = new FakeLogCollector();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddGrip(builder.Configuration);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGripHandler<HandWrittenHandler>("/api/echo");
        app.MapGripHandler<HandWrittenHandler>("/api/other");
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address), logs);
    }

    /// <summary>Two clients connect, each sends a message and gets the echo, a publish reaches both, both close.</summary>
    private static async Task TwoClientExchangeAsync(WebApplication app, Uri address)
    {
        using var alice = await ProxiedEchoOrigin.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"));
        using var bob = await ProxiedEchoOrigin.ConnectAsync(new Uri($"ws://{address.Authority}/api/other"));
        Assert.Equal("welcome", await ReceiveTextAsync(alice));
        Assert.Equal("welcome", await ReceiveTextAsync(bob));
        await alice.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("echo:hi", await ReceiveTextAsync(alice));
        await bob.SendAsync("yo"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("echo:yo", await ReceiveTextAsync(bob));
        await app.Services.GetRequiredService<IGripPublisher>().PublishAsync("room", "news");
        Assert.Equal("news", await ReceiveTextAsync(alice));
        Assert.Equal("news", await ReceiveTextAsync(bob));
        await alice.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_two_client_exchange_logs_only_what_the_developer_did()
    {
        var (app, address, logs) = await StartAsync();
        await using (app)
        {
            await TwoClientExchangeAsync(app, address);
        }

        // Everything but the host's own start/stop lines, in order.
        var lines = logs.GetSnapshot()
            .Where(r => r.Category != "Microsoft.Hosting.Lifetime")
            .Select(r => $"{r.Level} {r.Category} {r.Id.Id}")
            .ToList();
        Assert.Equal(
            [
                // Once per app, not once per MapGripHandler.
                "Information Grip.Hosting.GripEndpoint 9",

                // The proxy is on: under a Grip category.
                "Warning Grip.Hosting.Development.DevelopmentProxyStartupFilter 9030",

                // One line per client that connected; nothing per message, publish or close.
                "Information Grip.Hosting.Development.DevelopmentProxyMiddleware 9020",
                "Information Grip.Hosting.Development.DevelopmentProxyMiddleware 9020",
            ],
            lines);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Category?.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task The_HttpClient_detail_comes_back_with_AddDefaultLogger_as_docs_show()
    {
        // docs/development-proxy.md, "Logging".
        var (app, address, logs) = await StartAsync(services => services.AddHttpClient("Grip.DevelopmentProxy").AddDefaultLogger());
        await using (app)
        {
            await TwoClientExchangeAsync(app, address);
        }

        var httpLines = logs.GetSnapshot().Where(r => r.Category?.StartsWith("System.Net.Http.HttpClient.Grip.DevelopmentProxy.", StringComparison.Ordinal) == true).ToList();

        // Each origin request (2 OPENs, 2 messages, 2 CLOSEs at least) logs its start and end, twice (logical and client handler).
        Assert.True(httpLines.Count >= 6 * 4, $"{httpLines.Count} HttpClient lines");
        Assert.All(httpLines, r => Assert.Equal(LogLevel.Information, r.Level));
    }
}
