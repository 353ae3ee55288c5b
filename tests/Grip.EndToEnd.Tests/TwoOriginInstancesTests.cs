using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// Two instances of the Chat sample behind one Pushpin. Clients of the same room land on different
/// instances, and the room still works: no state lives in an origin.
/// </summary>
public sealed class TwoOriginInstancesTests : IAsyncLifetime
{
    private PushpinProcess? _pushpin;
    private readonly List<SampleProcess> _origins = [];
    private SampleDeployment? _view;
    private int _portOne;

    public async Task InitializeAsync()
    {
        int portOne = _portOne = PushpinProcess.GetFreePort();
        int portTwo = PushpinProcess.GetFreePort();

        // Two route targets: /one/… goes to the first instance, /two/… to the second (path_rem strips
        // the prefix), anything else to the first with the second as failover.
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions
        {
            RouteLines =
            [
                $"*,path_beg=/one/,path_rem=4 127.0.0.1:{portOne},over_http",
                $"*,path_beg=/two/,path_rem=4 127.0.0.1:{portTwo},over_http",
                $"* 127.0.0.1:{portOne},over_http 127.0.0.1:{portTwo},over_http",
            ],
        });
        _origins.Add(await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, portOne, _pushpin.GripUrl));
        _origins.Add(await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, portTwo, _pushpin.GripUrl));
        _view = SampleDeployment.Attach(_pushpin, _origins);
    }

    public async Task DisposeAsync()
    {
        foreach (var origin in _origins)
        {
            await origin.DisposeAsync();
        }

        if (_pushpin is not null)
        {
            await _pushpin.DisposeAsync();
        }
    }

    [Fact]
    public async Task Chat_reaches_clients_on_both_instances_exactly_once()
    {
        var d = _view!;
        using var a1 = await WebSocketTestClient.ConnectAsync(d.Ws("/one/api/chat"));
        using var a2 = await WebSocketTestClient.ConnectAsync(d.Ws("/one/api/chat"));
        using var b1 = await WebSocketTestClient.ConnectAsync(d.Ws("/two/api/chat"));
        using var b2 = await WebSocketTestClient.ConnectAsync(d.Ws("/two/api/chat"));
        var all = new[] { a1, a2, b1, b2 };
        await SampleScenarios.ProbeUntilAllSubscribedAsync(d, "all", all);

        await a1.SendTextAsync("from instance one");
        foreach (var ws in all)
        {
            Assert.Equal("from instance one", await ws.ReceiveTextAsync());
        }

        await b2.SendTextAsync("from instance two");
        foreach (var ws in all)
        {
            Assert.Equal("from instance two", await ws.ReceiveTextAsync());
        }

        await Task.WhenAll(all.Select(ws => ws.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300))));
        AssertBothInstancesServed("/api/chat");
    }

    [Fact]
    public async Task Lobby_skips_the_sender_across_instances()
    {
        var d = _view!;
        var (alice, aliceId) = await JoinAsync(d, "/one/api/lobby");
        var (bob, bobId) = await JoinAsync(d, "/two/api/lobby");
        var (carol, carolId) = await JoinAsync(d, "/one/api/lobby");
        using (alice)
        using (bob)
        using (carol)
        {
            await SampleScenarios.ProbeUntilAllSubscribedAsync(d, "lobby", [alice, bob, carol]);

            // Alice's message is published by instance one and skips only Alice.
            await alice.SendTextAsync("hi from one");
            Assert.Equal($"{aliceId} says: hi from one", await bob.ReceiveTextAsync());
            Assert.Equal($"{aliceId} says: hi from one", await carol.ReceiveTextAsync());

            // Bob's is published by instance two; Alice's next message is Bob's, not her own.
            await bob.SendTextAsync("hi from two");
            Assert.Equal($"{bobId} says: hi from two", await alice.ReceiveTextAsync());
            Assert.Equal($"{bobId} says: hi from two", await carol.ReceiveTextAsync());
            await bob.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
            Assert.NotEqual(aliceId, carolId);
        }

        AssertBothInstancesServed("/api/lobby");
    }

    [Fact]
    public async Task New_connections_fail_over_and_established_ones_continue_on_a_restarted_instance()
    {
        var d = _view!;
        using var onTwo = await WebSocketTestClient.ConnectAsync(d.Ws("/two/api/chat"));
        using var early = await WebSocketTestClient.ConnectAsync(d.Ws("/api/chat"));
        await SampleScenarios.ProbeUntilAllSubscribedAsync(d, "all", [onTwo, early]);

        await _origins[0].DisposeAsync();

        // The default route lists both instances; Pushpin tries the next target when the first refuses.
        using var late = await WebSocketTestClient.ConnectAsync(d.Ws("/api/chat"));
        await SampleScenarios.ProbeUntilAllSubscribedAsync(d, "all", [onTwo, late]);
        await late.SendTextAsync("after failover");
        Assert.Equal("after failover", await late.ReceiveTextAsync());
        Assert.Equal("after failover", await onTwo.ReceiveTextAsync());

        // A connection stays with the target it opened on: Pushpin 1.36 retries that target with
        // back-off (1 s, 2 s, 4 s, ...) rather than moving it. A brand-new process on the same port, with
        // no memory of the connection, picks the retried request up and the connection carries on.
        // The connection is still subscribed (the subscription lives in Pushpin), so it got the probes
        // and the message above too; after those comes its own message.
        await early.SendTextAsync("from the early connection");
        await Task.Delay(500);
        _origins[0] = await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, _portOne, _pushpin!.GripUrl);
        var seen = new List<string>();
        while (true)
        {
            var r = await early.ReceiveAsync(TimeSpan.FromSeconds(20));
            Assert.False(r.IsClose, $"closed after {string.Join(" | ", seen)}: {r}");
            if (r.Text == "from the early connection")
            {
                break;
            }

            Assert.True(r.Text.StartsWith("probe ", StringComparison.Ordinal) || r.Text == "after failover", r.Text);
            seen.Add(r.Text);
        }

        Assert.Contains("after failover", seen);
        Assert.Equal("from the early connection", await onTwo.ReceiveTextAsync());
    }

    private static async Task<(System.Net.WebSockets.ClientWebSocket, string)> JoinAsync(SampleDeployment d, string path)
    {
        var ws = await WebSocketTestClient.ConnectAsync(d.Ws(path));
        string greeting = await ws.ReceiveTextAsync();
        using var json = System.Text.Json.JsonDocument.Parse(greeting);
        Assert.True(json.RootElement.GetProperty("connected").GetBoolean());
        return (ws, json.RootElement.GetProperty("yourConnectionId").GetString()!);
    }

    private void AssertBothInstancesServed(string path)
    {
        // ASP.NET Core logs every request at Information ("Request starting HTTP/1.1 POST http://…/api/chat").
        foreach (var origin in _origins)
        {
            Assert.True(origin.Output.Contains($"POST http://127.0.0.1:{_pushpin!.HttpPort}{path}", StringComparison.Ordinal)
                || origin.Output.Contains($"{path} - application/websocket-events", StringComparison.Ordinal),
                $"instance :{origin.Port} did not serve {path}:\n{origin.Output}");
        }
    }
}
