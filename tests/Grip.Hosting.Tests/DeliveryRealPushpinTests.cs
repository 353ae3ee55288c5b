using System.Net.WebSockets;
using System.Text;
using Grip.Hosting.Tests.Infrastructure;
using Grip.Publishing;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Tests;

/// <summary>
/// The delivery rule with real deliveries: a fake publish endpoint stands in front of a real Pushpin
/// 1.36, hands each request on to it (so Pushpin really publishes) and then misbehaves the way a
/// loaded proxy does. A WebSocket subscriber through Pushpin counts what arrives. Before this rule
/// an answer later than the attempt timeout made three POSTs and three deliveries.
/// </summary>
public sealed class DeliveryRealPushpinTests : IAsyncLifetime
{
    private static readonly HttpClient Forwarder = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly HandlerProbe _probe = new();
    private PushpinProcess? _pushpin;
    private WebApplication? _origin;
    private FakeProxy? _front;
    private ClientWebSocket? _subscriber;

    private PushpinProcess Pushpin => _pushpin!;

    public async Task InitializeAsync()
    {
        int originPort = FakeProxy.UnusedPort();
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"] });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GRIP_URL"] = Pushpin.GripUrl });
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{originPort}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_probe);
        builder.Services.AddGrip(builder.Configuration);
        _origin = builder.Build();
        _probe.OnOpen = c => c.Subscribe("room");
        _origin.MapGripHandler<ProbeHandler>("/ws");
        await _origin.StartAsync();
        _front = await FakeProxy.StartAsync();
        _subscriber = await ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        _subscriber?.Dispose();
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        if (_origin is not null)
        {
            await _origin.StopAsync();
            await _origin.DisposeAsync();
        }

        if (_pushpin is not null)
        {
            await _pushpin.DisposeAsync();
        }
    }

    [Fact]
    public async Task Late_answer_one_post_one_delivery_reported_unknown()
    {
        _front!.Respond = async (_, ctx) =>
        {
            await ForwardAsync(ctx);
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            await ctx.Response.WriteAsync("Published\n", CancellationToken.None);
        };
        await using var services = Publisher(new() { ["Grip:Publisher:ResponseTimeout"] = "00:00:00.500" });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => services.GetRequiredService<IGripPublisher>().PublishAsync("room", "late"));
        Assert.True(ex.IsUncertain);
        Assert.Equal(1, await CountDeliveriesAsync("late"));
        Assert.Single(_front.Requests);
    }

    [Fact]
    public async Task Late_answer_with_at_least_once_is_resent_and_delivered_as_often()
    {
        _front!.Respond = async (_, ctx) =>
        {
            await ForwardAsync(ctx);
            await Task.Delay(TimeSpan.FromSeconds(1.5), CancellationToken.None);
            await ctx.Response.WriteAsync("Published\n", CancellationToken.None);
        };
        await using var services = Publisher(new() { ["Grip:Publisher:ResponseTimeout"] = "00:00:00.500", ["Grip:Publisher:MaxRetryAttempts"] = "2" });
        await Assert.ThrowsAsync<GripPublishException>(() => services.GetRequiredService<IGripPublisher>().PublishAsync(
            [new PublishItem("room") { WebSocketMessage = WebSocketMessageFormat.FromText("twice") }], GripDelivery.AtLeastOnce));

        // What the user opted into: Pushpin 1.36 does not de-duplicate, so every re-send is a delivery.
        Assert.Equal(3, await CountDeliveriesAsync("twice"));
        Assert.Equal(3, _front.Requests.Count);
    }

    [Fact]
    public async Task Connection_dropped_after_the_body_one_post_one_delivery_reported_unknown()
    {
        _front!.Respond = async (_, ctx) =>
        {
            await ForwardAsync(ctx);
            ctx.Abort();
        };
        await using var services = Publisher([]);
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => services.GetRequiredService<IGripPublisher>().PublishAsync("room", "dropped"));
        Assert.Equal(GripPublishFailureReason.ConnectionLost, Assert.Single(ex.Failures).Reason);
        Assert.Equal(1, await CountDeliveriesAsync("dropped"));
        Assert.Single(_front.Requests);
    }

    [Fact]
    public async Task Service_unavailable_twice_then_accepted_three_posts_one_delivery()
    {
        _front!.Respond = async (attempt, ctx) =>
        {
            if (attempt < 2)
            {
                ctx.Response.StatusCode = attempt == 0 ? 503 : 429;
                await ctx.Response.WriteAsync("busy");
                return;
            }

            await ForwardAsync(ctx);
            await ctx.Response.WriteAsync("Published\n");
        };
        await using var services = Publisher([]);
        await services.GetRequiredService<IGripPublisher>().PublishAsync("room", "retried");
        Assert.Equal(1, await CountDeliveriesAsync("retried"));
        Assert.Equal(3, _front.Requests.Count);
    }

    [Fact]
    public async Task Refused_connection_no_post_no_delivery_reported_failed()
    {
        await using var services = Publisher(new() { ["GRIP_URL"] = $"http://127.0.0.1:{FakeProxy.UnusedPort()}/" });
        var ex = await Assert.ThrowsAsync<GripPublishException>(() => services.GetRequiredService<IGripPublisher>().PublishAsync("room", "refused"));
        Assert.False(ex.IsUncertain);
        Assert.Equal(0, await CountDeliveriesAsync("refused"));
        Assert.Empty(_front!.Requests);

        // Pushpin itself still delivers: the subscriber was listening all along.
        await Pushpin.PublishAsync("room", "control");
        Assert.Equal(1, await CountDeliveriesAsync("control"));
    }

    /// <summary>A publisher whose only proxy is the fake front (unless GRIP_URL is given).</summary>
    private ServiceProvider Publisher(Dictionary<string, string?> settings)
    {
        settings.TryAdd("GRIP_URL", _front!.BaseUri.ToString());
        settings.TryAdd("Grip:Publisher:RetryBaseDelay", "00:00:00.020");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddGrip(configuration).BuildServiceProvider();
    }

    /// <summary>Hands the request the front received on to Pushpin's real publish endpoint.</summary>
    private async Task ForwardAsync(HttpContext context)
    {
        var body = _front!.Requests.Last().Body;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await Forwarder.PostAsync(Pushpin.PublishUri, content, context.RequestAborted);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Counts messages equal to <paramref name="text"/> until nothing arrives for 1.5 s.</summary>
    private async Task<int> CountDeliveriesAsync(string text)
    {
        int count = 0;
        var buffer = new byte[4096];
        while (true)
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            try
            {
                var result = await _subscriber!.ReceiveAsync(buffer, quiet.Token);
                Assert.Equal(WebSocketMessageType.Text, result.MessageType);
                if (Encoding.UTF8.GetString(buffer, 0, result.Count) == text)
                {
                    count++;
                }
            }
            catch (OperationCanceledException)
            {
                // A cancelled receive aborts the socket: open a fresh subscriber for the next count.
                _subscriber!.Dispose();
                _subscriber = await ConnectAsync();
                return count;
            }
        }
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var errors = new List<string>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var socket = new ClientWebSocket();
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await socket.ConnectAsync(new Uri(Pushpin.ClientUri, "/ws"), cts.Token);

                // Subscribed once the OPEN answer was processed: give Pushpin a moment.
                await Task.Delay(300);
                return socket;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                errors.Add(ex.Message);
                socket.Dispose();
            }
        }

        throw new InvalidOperationException("Could not connect through Pushpin: " + string.Join(" | ", errors) + "\n" + Pushpin.Describe());
    }
}
