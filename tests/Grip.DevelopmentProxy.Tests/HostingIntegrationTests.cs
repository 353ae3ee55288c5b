using System.Net.WebSockets;
using Grip.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using static Grip.DevelopmentProxy.Tests.ClientMessages;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>A handler implemented by hand the way the generator implements it.</summary>
internal sealed class HandWrittenHandler : IGripHandler
{
    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<EchoHandler, EchoInvoker>(connection, events, default, cancellationToken);
}

/// <summary>
/// The development proxy as a user meets it: AddGrip + MapGripHandler in the Development
/// environment with no GRIP_URL, real Kestrel, real ClientWebSocket. Requests are signed with the
/// development key and verified by the hosting layer like any proxy's.
/// </summary>
[Collection(EchoHandlerState.Name)]
public sealed class HostingIntegrationTests
{
    private static async Task<(WebApplication App, Uri Address)> StartAsync(
        string environment,
        Dictionary<string, string?>? settings = null,
        Action<IConfigurationBuilder>? configuration = null,
        Action<IServiceCollection>? afterAddGrip = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        configuration?.Invoke(builder.Configuration);
        builder.Services.AddGrip(builder.Configuration);
        afterAddGrip?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGripHandler<HandWrittenHandler>("/api/echo");
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    [Fact]
    public async Task In_Development_without_GRIP_URL_WebSockets_work_with_nothing_else_running()
    {
        var (app, address) = await StartAsync("Development");
        await using var _ = app;
        using var client = await ProxiedEchoOrigin.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));
        await client.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("echo:hi", await ReceiveTextAsync(client));

        // IGripPublisher is the in-memory one: publishes reach the connection.
        await app.Services.GetRequiredService<IGripPublisher>().PublishAsync("room", "published");
        Assert.Equal("published", await ReceiveTextAsync(client));
    }

    [Fact]
    public async Task In_Production_the_development_proxy_never_runs()
    {
        var (app, address) = await StartAsync("Production", new() { ["Grip:AllowUnsignedRequests"] = "true" });
        await using var _ = app;
        using var client = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"), CancellationToken.None));
    }

    [Fact]
    public async Task A_configured_GRIP_URL_turns_the_development_proxy_off_in_Development()
    {
        var (app, address) = await StartAsync("Development", new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme" });
        await using var _ = app;
        using var client = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"), CancellationToken.None));
    }

    [Fact]
    public async Task It_can_be_forced_on_outside_Development()
    {
        var (app, address) = await StartAsync("Staging", new() { ["Grip:DevelopmentProxy:Enabled"] = "true" });
        await using var _ = app;
        using var client = await ProxiedEchoOrigin.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));
    }

    // docs/development-proxy.md, "Configuration": each way of setting the options it shows.

    [Fact]
    public async Task Enabled_from_an_environment_variable_with_double_underscores_turns_it_on_outside_Development()
    {
        // Grip__DevelopmentProxy__Enabled, read through a private prefix so no other test sees it.
        string prefix = "GRIPTEST_" + Guid.NewGuid().ToString("N") + "_";
        Environment.SetEnvironmentVariable(prefix + "Grip__DevelopmentProxy__Enabled", "true");
        try
        {
            var (app, address) = await StartAsync("Staging", configuration: c => c.AddEnvironmentVariables(prefix));
            await using var _ = app;
            using var client = await ProxiedEchoOrigin.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"));
            Assert.Equal("welcome", await ReceiveTextAsync(client));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Grip__DevelopmentProxy__Enabled", null);
        }
    }

    [Fact]
    public async Task An_Enabled_value_other_than_true_or_false_stops_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync("Development", new() { ["Grip:DevelopmentProxy:Enabled"] = "yes" }));
        Assert.Contains("Grip:DevelopmentProxy:Enabled must be true or false, not 'yes'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_set_in_code_after_AddGrip_win_over_configuration()
    {
        var (app, address) = await StartAsync(
            "Development",
            new() { ["Grip:DevelopmentProxy:Enabled"] = "false" },
            afterAddGrip: services => services.AddGripDevelopmentProxy(o =>
            {
                o.OriginTimeout = TimeSpan.FromSeconds(5);
                o.MaxSubscriptionsPerConnection = 50;
                o.Enabled = true;
            }));
        await using var _ = app;
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Grip.Hosting.Development.GripDevelopmentProxyOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), options.OriginTimeout);
        Assert.Equal(50, options.MaxSubscriptionsPerConnection);
        using var client = await ProxiedEchoOrigin.ConnectAsync(new Uri($"ws://{address.Authority}/api/echo"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));
    }
}
