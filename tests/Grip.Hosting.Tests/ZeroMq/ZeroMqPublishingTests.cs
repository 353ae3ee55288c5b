using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Grip.Hosting.Publishing.ZeroMq;
using Grip.Hosting.Tests.Infrastructure;
using Grip.Publishing;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;

namespace Grip.Hosting.Tests.ZeroMq;

/// <summary>ZeroMQ publishing through <see cref="IGripPublisher"/>: configuration, errors, and a real Pushpin fleet member.</summary>
public sealed class ZeroMqPublishingTests
{
    private const string GripUrl = "http://127.0.0.1:5561/?iss=pushpin&key=changeme";

    private static GripResolvedConfiguration Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddGrip(configuration).BuildServiceProvider();
        return GripResolvedConfiguration.Resolve(services.GetRequiredService<IOptions<GripOptions>>().Value);
    }

    [Fact]
    public void Fleet_wide_and_per_proxy_addresses_resolve_to_one_socket_per_address()
    {
        var resolved = Resolve(new()
        {
            ["GRIP_URL"] = GripUrl,
            ["Grip:ZeroMqPub"] = "tcp://127.0.0.1:5570",
            ["Grip:Proxies:0:ZeroMqPub"] = "tcp://127.0.0.1:5570",
            ["Grip:Proxies:0:VerifyKey"] = "second-fleet-key",
            ["Grip:Proxies:1:ZeroMqPub"] = "tcp://*:5571",
            ["Grip:Proxies:2:Url"] = "https://api.fastly.com/service/abc?key=token",
            ["Grip:Publisher:ZeroMqSendHighWaterMark"] = "50",
        });
        Assert.Empty(resolved.Errors);

        // GRIP_URL and proxy 0 name the same PUB socket: one socket, so one send per publish.
        Assert.Equal(2, resolved.ZeroMqTargets.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5570), resolved.ZeroMqTargets[0].EndPoint);
        Assert.Equal("Grip:ZeroMqPub, Grip:Proxies:0:ZeroMqPub", resolved.ZeroMqTargets[0].Sources);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 5571), resolved.ZeroMqTargets[1].EndPoint);

        // Only the Fastly entry is published to over HTTP; GRIP_URL and proxy 0 still verify Grip-Sig.
        var http = Assert.Single(resolved.Targets);
        Assert.Equal("https://api.fastly.com/service/abc/publish/", http.PublishUri.ToString());
        Assert.Equal(2, resolved.VerifyKeys.Count);
    }

    [Theory]
    [InlineData("Grip:ZeroMqPub", "127.0.0.1:5570", "Grip:ZeroMqPub is invalid: '127.0.0.1:5570' is not a ZeroMQ address; use tcp://")]
    [InlineData("Grip:ZeroMqPub", "ipc:///tmp/pub", "uses transport 'ipc', but the ZeroMQ publisher binds tcp:// only")]
    [InlineData("Grip:ZeroMqPub", "tcp://127.0.0.1", "has no port")]
    [InlineData("Grip:ZeroMqPub", "tcp://127.0.0.1:70000", "invalid port '70000'")]
    [InlineData("Grip:ZeroMqPub", "tcp://pushpin.example:5570", "not a host name")]
    [InlineData("Grip:ZeroMqPub", "tcp://::1:5570", "not an address this origin can bind")]
    [InlineData("Grip:Proxies:0:ZeroMqPub", "tcp:/127.0.0.1:5570", "Grip:Proxies:0:ZeroMqPub is invalid")]
    [InlineData("Grip:Publisher:ZeroMqSendHighWaterMark", "0", "ZeroMqSendHighWaterMark must be 1-1000000")]
    [InlineData("Grip:Publisher:ZeroMqSendHighWaterMark", "many", "ZeroMqSendHighWaterMark must be an integer")]
    public async Task Bad_zeromq_configuration_fails_start_up_with_a_message(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["GRIP_URL"] = GripUrl, [key] = value };
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ProbeHost.StartAsync(settings));
        Assert.Contains(expected, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void IPv6_addresses_are_bracketed()
    {
        var resolved = Resolve(new() { ["GRIP_URL"] = GripUrl, ["Grip:ZeroMqPub"] = "tcp://[::1]:5570" });
        Assert.Empty(resolved.Errors);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5570), resolved.ZeroMqTargets[0].EndPoint);
    }

    [Fact]
    public async Task A_port_in_use_stops_start_up_naming_the_setting_and_the_reason()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        int port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => ProbeHost.StartAsync(new() { ["GRIP_URL"] = GripUrl, ["Grip:ZeroMqPub"] = $"tcp://127.0.0.1:{port}" }));
        Assert.Contains($"Grip:ZeroMqPub: the ZeroMQ PUB socket cannot bind tcp://127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddressAlreadyInUse", ex.Message, StringComparison.Ordinal);
        Assert.Contains("a port each", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publisher_sends_every_item_once_over_zeromq_and_nothing_over_http()
    {
        await using var fixture = await SubscribedHost.StartAsync("room");
        var (publisher, sub) = (fixture.Publisher, fixture.Subscriber);

        // No HTTP proxy runs at 127.0.0.1:5561: had the publisher tried HTTP, this would throw.
        await publisher.PublishAsync(
        [
            new PublishItem("room") { Id = "1", WebSocketMessage = WebSocketMessageFormat.FromText("a") },
            new PublishItem("other") { WebSocketMessage = WebSocketMessageFormat.FromText("not subscribed") },
            new PublishItem("room") { HttpStream = HttpStreamFormat.FromText("b\n") },
        ]);

        Assert.Equal(["room", """J{"id":"1","formats":{"ws-message":{"content":"a"}}}"""], ReceiveFrames(sub));
        Assert.Equal(["room", """J{"formats":{"http-stream":{"content":"b\n"}}}"""], ReceiveFrames(sub));
        Assert.False(sub.TryReceiveFrameString(TimeSpan.FromMilliseconds(300), out _));
    }

    [Fact]
    public async Task Invalid_items_fail_before_anything_is_sent()
    {
        await using var fixture = await SubscribedHost.StartAsync("room");
        var (publisher, sub) = (fixture.Publisher, fixture.Subscriber);

        await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(
        [
            new PublishItem("room") { WebSocketMessage = WebSocketMessageFormat.FromText("first") },
            new PublishItem("room"), // no format: invalid
        ]));
        await Assert.ThrowsAsync<GripLimitExceededException>(() => publisher.PublishAsync("room", new string('x', 1_000_001)));
        Assert.False(sub.TryReceiveFrameString(TimeSpan.FromMilliseconds(300), out _));
    }

    [Fact]
    public async Task A_full_send_queue_fails_the_publish_for_that_pushpin_only()
    {
        int port = PushpinProcess.GetFreePort();
        await using var host = await ProbeHost.StartAsync(new()
        {
            ["GRIP_URL"] = GripUrl,
            ["Grip:ZeroMqPub"] = $"tcp://127.0.0.1:{port}",
            ["Grip:Publisher:ZeroMqSendHighWaterMark"] = "2",
        });
        var publisher = host.App.Services.GetRequiredService<IGripPublisher>();
        var zeroMq = host.App.Services.GetRequiredService<ZeroMqSockets>();

        using var reader = new SubscriberSocket();
        reader.Connect($"tcp://127.0.0.1:{port}");
        reader.Subscribe("big");
        using var stuck = await RawPeer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "SUB");
        await stuck.SendFrameAsync(0, [1, .. "big"u8]);
        await WaitUntilAsync(() => zeroMq.Sockets[0].CountSubscribers("big"u8) == 2);

        string payload = new('x', 256 * 1024);
        GripPublishException? failed = null;
        int published = 0;
        for (int i = 0; i < 200 && failed is null; i++)
        {
            try
            {
                await publisher.PublishAsync("big", payload);
                published++;
            }
            catch (GripPublishException ex)
            {
                failed = ex;
            }

            // The reading subscriber keeps up: it takes each message before the next is published, so
            // its queue never holds more than one (the high-water mark is 2); only the stuck one fills up.
            if (failed is null)
            {
                var frames = new List<byte[]>();
                Assert.True(reader.TryReceiveMultipartBytes(TimeSpan.FromSeconds(10), ref frames!), "the reading subscriber got nothing");
            }
        }

        Assert.NotNull(failed);
        var failure = Assert.Single(failed!.Failures);
        Assert.Equal(new Uri($"tcp://127.0.0.1:{port}"), failure.Proxy);
        Assert.Null(failure.StatusCode);
        Assert.Equal(GripPublishOutcome.Failed, failure.Outcome); // provably not sent to that Pushpin: no duplicate risk
        Assert.Equal(GripPublishFailureReason.QueueFull, failure.Reason);
        Assert.Contains("not sent to 1 subscriber(s) whose ZeroMQ send queue was full (2 messages", failure.Body, StringComparison.Ordinal);
        Assert.Contains("the other Pushpins got the item(s)", failure.Body, StringComparison.Ordinal);
        Assert.False(failed.IsUncertain);
        Assert.True(published > 0);
    }

    [Fact]
    public async Task A_real_pushpin_fleet_member_delivers_what_is_published_over_zeromq()
    {
        int pubPort = PushpinProcess.GetFreePort();
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions
        {
            Targets = [$"127.0.0.1:{originPort}"],
            SubscribeTo = [$"tcp://127.0.0.1:{pubPort}"],
        });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GRIP_URL"] = pushpin.GripUrl, // verify key only: publishing goes over ZeroMQ
            ["Grip:ZeroMqPub"] = $"tcp://127.0.0.1:{pubPort}",
        });
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{originPort}");
        builder.Logging.ClearProviders();
        var probe = new HandlerProbe { OnOpen = c => c.Subscribe("fleet") };
        builder.Services.AddSingleton(probe);
        builder.Services.AddGrip(builder.Configuration);
        await using var app = builder.Build();
        app.MapGripHandler<ProbeHandler>("/ws");
        await app.StartAsync();
        var publisher = app.Services.GetRequiredService<IGripPublisher>();
        var zeroMq = app.Services.GetRequiredService<ZeroMqSockets>();

        using var client = new ClientWebSocket();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await client.ConnectAsync(new Uri(pushpin.ClientUri, "/ws"), cts.Token);
        }

        // Pushpin subscribes its SUB socket once its first client holds the channel.
        await WaitUntilAsync(() => zeroMq.Sockets[0].CountSubscribers("fleet"u8) == 1, pushpin.Describe);
        await publisher.PublishAsync("fleet", "over zeromq");
        await publisher.PublishAsync("elsewhere", "not for this pushpin");
        await publisher.PublishAsync("fleet", "second");
        Assert.Equal("over zeromq", await ReceiveTextAsync(client));
        Assert.Equal("second", await ReceiveTextAsync(client));
        Assert.Contains($"[handler] in sub: tcp://127.0.0.1:{pubPort}", pushpin.Log, StringComparison.Ordinal);
        await app.StopAsync();
    }

    /// <summary>An app publishing over ZeroMQ with a NetMQ subscriber of <c>channel</c> connected to it.</summary>
    private sealed class SubscribedHost : IAsyncDisposable
    {
        private ProbeHost _host = null!;

        public IGripPublisher Publisher { get; private set; } = null!;

        public SubscriberSocket Subscriber { get; } = new();

        public static async Task<SubscribedHost> StartAsync(string channel)
        {
            int port = PushpinProcess.GetFreePort();
            var fixture = new SubscribedHost { _host = await ProbeHost.StartAsync(new() { ["GRIP_URL"] = GripUrl, ["Grip:ZeroMqPub"] = $"tcp://127.0.0.1:{port}" }) };
            fixture.Publisher = fixture._host.App.Services.GetRequiredService<IGripPublisher>();
            var zeroMq = fixture._host.App.Services.GetRequiredService<ZeroMqSockets>();
            fixture.Subscriber.Connect($"tcp://127.0.0.1:{port}");
            fixture.Subscriber.Subscribe(channel);
            await WaitUntilAsync(() => zeroMq.Sockets[0].CountSubscribers(Encoding.UTF8.GetBytes(channel)) == 1);
            return fixture;
        }

        public async ValueTask DisposeAsync()
        {
            Subscriber.Dispose();
            await _host.DisposeAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<int, string>? describe = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail("condition not met in 15 s" + (describe is null ? string.Empty : "\n" + describe(6000)));
            }

            await Task.Delay(10, CancellationToken.None);
        }
    }

    private static List<string> ReceiveFrames(SubscriberSocket sub)
    {
        var frames = new List<string>();
        Assert.True(sub.TryReceiveMultipartStrings(TimeSpan.FromSeconds(10), ref frames!), "nothing received");
        return frames;
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
