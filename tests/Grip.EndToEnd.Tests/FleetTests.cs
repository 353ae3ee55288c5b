using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;
using Xunit.Abstractions;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// A fleet on loopback: three Pushpin 1.36 instances and two Chat origins that publish over ZeroMQ
/// (each origin binds a PUB socket; every Pushpin connects its SUB socket to both, grip-spec §3.4).
/// Clients are spread over all three proxies; every message reaches every subscriber exactly once;
/// a Pushpin is killed and its clients move to the others without the others losing anything; an
/// origin is killed and the other serves every connection.
/// </summary>
public sealed class FleetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ClientsPerProxy = 3;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private readonly List<PushpinProcess> _pushpins = [];
    private readonly List<SampleProcess> _origins = [];
    private readonly List<FleetClient> _clients = [];
    private int _probe;

    public async Task InitializeAsync()
    {
        int[] pubPorts = [PushpinProcess.GetFreePort(), PushpinProcess.GetFreePort()];
        int[] originPorts = [PushpinProcess.GetFreePort(), PushpinProcess.GetFreePort()];
        string[] subscribeTo = [.. pubPorts.Select(p => $"tcp://127.0.0.1:{p}")];
        string key = "fleet-" + Guid.NewGuid().ToString("N");

        // Both origins are route targets of every Pushpin (Pushpin tries them in order); proxies 0 and
        // 2 prefer origin 0, proxy 1 prefers origin 1, so both origins serve connections.
        string one = $"127.0.0.1:{originPorts[0]},over_http", two = $"127.0.0.1:{originPorts[1]},over_http";
        string[][] routes = [[$"* {one} {two}"], [$"* {two} {one}"], [$"* {one} {two}"]];
        var starting = routes.Select(r => PushpinProcess.StartAsync(new PushpinOptions { RouteLines = r, SubscribeTo = subscribeTo, SigIssuer = "fleet", SigKey = key })).ToList();
        foreach (var start in starting)
        {
            _pushpins.Add(await start);
        }

        // Origin 0 is the Native AOT Chat where the AOT binaries are available, origin 1 the JIT build.
        var aot = SampleBinaries.AotSkipReason is null ? SampleRuntime.Aot : SampleRuntime.Jit;
        if (aot == SampleRuntime.Aot)
        {
            await SampleBinaries.EnsureAotPublishedAsync();
        }

        for (int i = 0; i < 2; i++)
        {
            _origins.Add(await SampleProcess.StartAsync(SampleApp.Chat, i == 0 ? aot : SampleRuntime.Jit, originPorts[i], _pushpins[0].GripUrl, new Dictionary<string, string>
            {
                // GRIP_URL only verifies Grip-Sig (every Pushpin signs with the same key); publishing goes over ZeroMQ.
                ["Grip__ZeroMqPub"] = $"tcp://127.0.0.1:{pubPorts[i]}",
            }));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var origin in _origins)
        {
            await origin.DisposeAsync();
        }

        foreach (var pushpin in _pushpins)
        {
            await pushpin.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_message_reaches_every_subscriber_once_across_three_proxies_through_a_proxy_and_an_origin_failure()
    {
        // 1. Clients on all three proxies; a round where every client sends.
        for (int p = 0; p < _pushpins.Count; p++)
        {
            for (int c = 0; c < ClientsPerProxy; c++)
            {
                _clients.Add(await FleetClient.ConnectAsync($"p{p}c{c}", p, _pushpins[p]));
            }
        }

        await ProbeUntilSubscribedAsync(_clients);
        await RoundAsync("steady", _clients, messagesEach: 3);
        foreach (var origin in _origins)
        {
            Assert.Contains("ZeroMQ PUB socket bound at tcp://127.0.0.1:", origin.Output, StringComparison.Ordinal);
            Assert.Contains("POST http://127.0.0.1:", origin.Output, StringComparison.Ordinal); // served WebSocket-over-HTTP requests
        }

        // 2. Proxy 2 dies while everyone is sending. Its clients reconnect to proxies 0 and 1 and carry on;
        //    the clients of 0 and 1 get every message that was published, once.
        var stayed = _clients.Where(c => c.Proxy != 2).ToList();
        var moved = _clients.Where(c => c.Proxy == 2).ToList();
        var sending = _clients.Select(c => SendStreamAsync(c, "during-kill", 20)).ToList();
        await Task.Delay(300);
        await _pushpins[2].DisposeAsync();
        output.WriteLine("proxy 2 killed");
        foreach (var client in moved)
        {
            await client.WaitClosedAsync(TimeSpan.FromSeconds(15));
        }

        await Task.WhenAll(sending);
        for (int i = 0; i < moved.Count; i++)
        {
            int target = i % 2;
            await moved[i].ReconnectAsync(target, _pushpins[target]);
        }

        await ProbeUntilSubscribedAsync(_clients);
        await WaitQuietAsync(_clients);
        var published = _clients.SelectMany(c => c.AllReceived).Where(t => t.StartsWith("during-kill", StringComparison.Ordinal)).ToHashSet();
        foreach (var client in stayed)
        {
            // Everything any client saw was published; those who stayed connected saw all of it, once.
            var mine = client.AllReceived.Where(t => t.StartsWith("during-kill", StringComparison.Ordinal)).ToList();
            Assert.True(published.SetEquals(mine), $"{client.Name} got {mine.Count} of {published.Count} 'during-kill' messages");
            Assert.Equal(mine.Count, mine.Distinct().Count());

            // And every message a staying client sent was published.
            Assert.All(Enumerable.Range(0, 20), m => Assert.Contains($"during-kill {client.Name} {m}", published));
        }

        await RoundAsync("after-proxy-kill", _clients, messagesEach: 2);

        // 3. Origin 0 dies. New connections fail over to origin 1 at once. A connection that was opened on
        //    origin 0 stays with it (Pushpin 1.36 retries that target 5 times with back-off, about 31 s,
        //    then drops the connection); its client reconnects, lands on origin 1 and sends again.
        await _origins[0].DisposeAsync();
        output.WriteLine("origin 0 killed");
        using var fresh = await FleetClient.ConnectAsync("fresh", 0, _pushpins[0]);
        _clients.Add(fresh);
        await ProbeUntilSubscribedAsync([fresh], prober: fresh); // the older connections on origin 0 could not send

        var unsent = new ConcurrentBag<FleetClient>();
        await Task.WhenAll(_clients.Select(async c =>
        {
            string text = $"after-origin-kill {c.Name}";
            await c.SendAsync(text);
            if (!await c.WaitForAsync(text, TimeSpan.FromSeconds(60)))
            {
                unsent.Add(c);
            }
        }));
        output.WriteLine($"{unsent.Count} client(s) were on the dead origin: {string.Join(", ", unsent.Select(c => c.Name))}");
        Assert.NotEmpty(unsent); // proxies 0 and 2 preferred origin 0: some connections were on it
        foreach (var client in unsent)
        {
            Assert.True(client.IsClosed, $"{client.Name}: its message was never echoed, yet the connection is open");
            await client.ReconnectAsync(client.Proxy, _pushpins[client.Proxy]);
        }

        await ProbeUntilSubscribedAsync(_clients, prober: fresh);
        foreach (var client in unsent)
        {
            await client.SendAsync($"after-origin-kill {client.Name}");
        }

        await WaitQuietAsync(_clients);
        var never = _clients.Where(c => !unsent.Contains(c)).ToList();
        foreach (var client in never)
        {
            // Connected all along: every client's message once (the first attempts of the moved ones never reached an origin).
            foreach (var sender in _clients)
            {
                Assert.Equal(1, client.AllReceived.Count(t => t == $"after-origin-kill {sender.Name}"));
            }
        }

        await RoundAsync("after-origin-kill-round", _clients, messagesEach: 2);
        Assert.All(_clients, c => Assert.Empty(c.Duplicates));
        // Every Pushpin connected its SUB socket to the surviving origin's PUB socket.
        Assert.True(CountOf(_origins[1].Output, "connected (SUB)") >= 3, _origins[1].Output);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Every client sends <paramref name="messagesEach"/> messages; every client must get every one once.</summary>
    private async Task RoundAsync(string round, IReadOnlyList<FleetClient> clients, int messagesEach)
    {
        var expected = clients.SelectMany(c => Enumerable.Range(0, messagesEach).Select(m => $"{round} {c.Name} {m}")).ToList();
        foreach (var client in clients)
        {
            client.MarkRound();
        }

        await Task.WhenAll(clients.Select(async c =>
        {
            for (int m = 0; m < messagesEach; m++)
            {
                await c.SendAsync($"{round} {c.Name} {m}");
            }
        }));
        foreach (var client in clients)
        {
            Assert.True(await client.WaitForAllAsync(expected, TimeSpan.FromSeconds(20)), $"{client.Name} (proxy {client.Proxy}) missed in round '{round}': {string.Join(" | ", expected.Except(client.SinceRound))}");
        }

        await WaitQuietAsync(clients);
        foreach (var client in clients)
        {
            var got = client.SinceRound.Where(t => t.StartsWith(round + " ", StringComparison.Ordinal)).ToList();
            Assert.Equal(expected.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
        }

        output.WriteLine($"round '{round}': {clients.Count} clients x {expected.Count} messages, each once");
    }

    private static async Task SendStreamAsync(FleetClient client, string prefix, int count)
    {
        for (int m = 0; m < count && !client.IsClosed; m++)
        {
            try
            {
                await client.SendAsync($"{prefix} {client.Name} {m}");
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException or IOException)
            {
                return; // its proxy died under it
            }

            await Task.Delay(25);
        }
    }

    /// <summary>
    /// A Pushpin subscribes its SUB socket upstream only when its first client holds the channel, and
    /// a PUB drops what it sends before the subscription arrives (the slow joiner): probe through the
    /// chat until each of <paramref name="targets"/> has received a probe.
    /// </summary>
    private async Task ProbeUntilSubscribedAsync(IReadOnlyList<FleetClient> targets, FleetClient? prober = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        prober ??= _clients.First(c => !c.IsClosed);
        while (true)
        {
            string probe = "probe " + Interlocked.Increment(ref _probe);
            await prober.SendAsync(probe);
            await Task.Delay(200);
            if (targets.All(t => t.AllReceived.Any(r => r.StartsWith("probe ", StringComparison.Ordinal) && t.ReceivedSinceConnect(r))))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "clients not subscribed after 30 s: " + string.Join(", ", targets.Where(t => !t.AllReceived.Any(t.ReceivedSinceConnect)).Select(t => t.Name)));
        }
    }

    private static async Task WaitQuietAsync(IReadOnlyList<FleetClient> clients)
    {
        // Until no client has received anything for a while.
        while (clients.Any(c => DateTime.UtcNow - c.LastReceived < Quiet))
        {
            await Task.Delay(100);
        }
    }

    /// <summary>A chat client: a receive loop that records every text, and reconnects on request.</summary>
    private sealed class FleetClient : IDisposable
    {
        private readonly List<string> _received = [];
        private readonly HashSet<string> _seenOnConnection = new(StringComparer.Ordinal);
        private ClientWebSocket _socket = null!;
        private Task _loop = Task.CompletedTask;
        private int _connectionMark;
        private int _roundMark;

        private FleetClient(string name) => Name = name;

        public string Name { get; }

        public int Proxy { get; private set; }

        public bool IsClosed { get; private set; }

        public DateTime LastReceived { get; private set; } = DateTime.MinValue;

        /// <summary>Texts received on one connection more than once.</summary>
        public List<string> Duplicates { get; } = [];

        public List<string> AllReceived
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public List<string> SinceRound
        {
            get
            {
                lock (_received)
                {
                    return [.. _received.Skip(_roundMark)];
                }
            }
        }

        public static async Task<FleetClient> ConnectAsync(string name, int proxy, PushpinProcess pushpin)
        {
            var client = new FleetClient(name);
            await client.ReconnectAsync(proxy, pushpin);
            return client;
        }

        public bool ReceivedSinceConnect(string text)
        {
            lock (_received)
            {
                return _received.Skip(_connectionMark).Contains(text);
            }
        }

        public void MarkRound()
        {
            lock (_received)
            {
                _roundMark = _received.Count;
            }
        }

        public async Task ReconnectAsync(int proxy, PushpinProcess pushpin)
        {
            _socket?.Dispose();
            lock (_received)
            {
                _connectionMark = _received.Count;
                _seenOnConnection.Clear();
            }

            Proxy = proxy;
            IsClosed = false;
            _socket = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));
            var socket = _socket;
            _loop = Task.Run(() => ReceiveLoopAsync(socket));
        }

        public Task SendAsync(string text) => _socket.SendTextAsync(text);

        public async Task WaitClosedAsync(TimeSpan timeout)
        {
            await _loop.WaitAsync(timeout);
            Assert.True(IsClosed);
        }

        public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (ReceivedSinceConnect(text))
                {
                    return true;
                }

                if (IsClosed)
                {
                    return false;
                }

                await Task.Delay(50);
            }

            return false;
        }

        public async Task<bool> WaitForAllAsync(IReadOnlyList<string> texts, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var got = SinceRound.ToHashSet(StringComparer.Ordinal);
                if (texts.All(got.Contains))
                {
                    return true;
                }

                await Task.Delay(50);
            }

            return false;
        }

        public void Dispose() => _socket?.Dispose();

        private async Task ReceiveLoopAsync(ClientWebSocket socket)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var message = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        message.Write(buffer, 0, result.Count);
                    }
                    while (!result.EndOfMessage);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    string text = Encoding.UTF8.GetString(message.ToArray());
                    lock (_received)
                    {
                        _received.Add(text);
                        if (!_seenOnConnection.Add(text))
                        {
                            Duplicates.Add(text);
                        }
                    }

                    LastReceived = DateTime.UtcNow;
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            finally
            {
                IsClosed = true;
            }
        }
    }
}
