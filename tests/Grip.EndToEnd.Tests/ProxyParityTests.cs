using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;

namespace Grip.EndToEnd.Tests;

/// <summary>Where clients connect: a real Pushpin in front of the sample, or the sample's own development proxy.</summary>
public sealed class ParityFront(string name, Func<string, Uri> ws, Func<string, Uri> http)
{
    public string Name { get; } = name;

    public Uri Ws(string pathAndQuery) => ws(pathAndQuery);

    public Uri Http(string pathAndQuery) => http(pathAndQuery);
}

/// <summary>
/// The Echo and Chat samples twice: behind a real Pushpin (the reference) and on their own, in
/// Development with no GRIP_URL, so the development proxy serves the WebSockets.
/// </summary>
public sealed class ParityFixture : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public ParityFront PushpinEcho { get; private set; } = null!;

    public ParityFront PushpinChat { get; private set; } = null!;

    public ParityFront DevEcho { get; private set; } = null!;

    public ParityFront DevChat { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var echo = await SampleDeployment.StartAsync(SampleApp.Echo, SampleRuntime.Jit);
        _owned.Add(echo);
        var chat = await SampleDeployment.StartAsync(SampleApp.Chat, SampleRuntime.Jit);
        _owned.Add(chat);
        PushpinEcho = new("pushpin", echo.Ws, echo.Http);
        PushpinChat = new("pushpin", chat.Ws, chat.Http);
        DevEcho = await StartDevelopmentAsync(SampleApp.Echo);
        DevChat = await StartDevelopmentAsync(SampleApp.Chat);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private async Task<ParityFront> StartDevelopmentAsync(SampleApp app)
    {
        int port = PushpinProcess.GetFreePort();
        var process = await SampleProcess.StartAsync(app, SampleRuntime.Jit, port, gripUrl: null, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        _owned.Add(process);
        return new("development proxy", p => new Uri($"ws://127.0.0.1:{port}{p}"), p => new Uri($"http://127.0.0.1:{port}{p}"));
    }
}

/// <summary>
/// Keeping the development proxy honest: the same scripted conversations run through the real
/// Pushpin and through the development proxy, and what every client received must be identical
/// (connection ids are normalised, since each proxy makes its own). Pushpin is the reference.
/// </summary>
public sealed partial class ProxyParityTests(ParityFixture fixture) : IClassFixture<ParityFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    [Fact]
    public Task Echo_of_text_binary_empty_and_utf8() => AssertSameAsync(fixture.PushpinEcho, fixture.DevEcho, EchoScriptAsync);

    [Fact]
    public Task Reply_size_limit_and_close_codes() => AssertSameAsync(fixture.PushpinEcho, fixture.DevEcho, LimitsAndCloseScriptAsync);

    [Fact]
    public Task Subprotocol_and_broadcast() => AssertSameAsync(fixture.PushpinEcho, fixture.DevEcho, SubprotocolAndBroadcastScriptAsync);

    [Fact]
    public Task Chat_fan_out_to_every_client_sender_included() => AssertSameAsync(fixture.PushpinChat, fixture.DevChat, ChatScriptAsync);

    [Fact]
    public Task Lobby_greeting_and_skip_self() => AssertSameAsync(fixture.PushpinChat, fixture.DevChat, LobbyScriptAsync);

    private static async Task AssertSameAsync(ParityFront reference, ParityFront candidate, Func<ParityFront, Transcript, Task> script)
    {
        var expected = new Transcript();
        await script(reference, expected);
        var actual = new Transcript();
        await script(candidate, actual);

        Assert.True(expected.Lines.Count > 0, "the reference transcript is empty: the script tested nothing");
        Assert.True(
            expected.Normalized().SequenceEqual(actual.Normalized()),
            $"The development proxy differs from Pushpin.\n--- pushpin ---\n{string.Join('\n', expected.Normalized())}\n--- development proxy ---\n{string.Join('\n', actual.Normalized())}");
    }

    private static async Task EchoScriptAsync(ParityFront front, Transcript t)
    {
        using var a = await WebSocketTestClient.ConnectAsync(front.Ws("/api/websocket"));
        foreach (string text in new[] { "hello", "héllo ✓ 日本語 🎉", string.Empty, "c:{\"type\":\"detach\"}", "m:looks like a prefix" })
        {
            await a.SendTextAsync(text);
            t.Add("a", await a.ReceiveAsync());
        }

        foreach (byte[] data in new[] { new byte[] { 0x00, 0x01, 0xFF, 0x0D, 0x0A }, [], Enumerable.Range(0, 256).Select(i => (byte)i).ToArray() })
        {
            await a.SendBinaryAsync(data);
            t.Add("a", await a.ReceiveAsync());
        }
    }

    private static async Task LimitsAndCloseScriptAsync(ParityFront front, Transcript t)
    {
        using (var a = await WebSocketTestClient.ConnectAsync(front.Ws("/api/websocket")))
        {
            await a.SendTextAsync(new string('x', GripLimits.MaxReplyPayloadBytes));
            t.Add("a", await a.ReceiveAsync());
            await a.SendTextAsync(new string('y', GripLimits.MaxReplyPayloadBytes + 1));
            t.Add("a", await a.ReceiveAsync());
        }

        using var b = await WebSocketTestClient.ConnectAsync(front.Ws("/api/websocket"));
        await b.SendTextAsync("before close");
        t.Add("b", await b.ReceiveAsync());
        await b.CloseAsync((WebSocketCloseStatus)4321, "see you");
        t.AddLine("b", $"closed {(int?)b.CloseStatus}");
    }

    private static async Task SubprotocolAndBroadcastScriptAsync(ParityFront front, Transcript t)
    {
        using var a = await WebSocketTestClient.ConnectAsync(front.Ws("/api/websocket"), o =>
        {
            o.AddSubProtocol("echo.v2");
            o.AddSubProtocol("echo.v1");
        });
        t.AddLine("a", "subprotocol " + a.SubProtocol);
        using var b = await WebSocketTestClient.ConnectAsync(front.Ws("/api/websocket"));
        t.AddLine("b", "subprotocol " + (b.SubProtocol ?? "(none)"));
        foreach (var (name, ws) in new[] { ("a", a), ("b", b) })
        {
            await ws.SendTextAsync("sync");
            t.Add(name, await ws.ReceiveAsync());
        }

        using var content = new StringContent("news for everyone ✓", Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync(front.Http("/api/broadcast"), content);
        t.AddLine("http", $"broadcast {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        t.Add("a", await a.ReceiveAsync());
        t.Add("b", await b.ReceiveAsync());
    }

    private static async Task ChatScriptAsync(ParityFront front, Transcript t)
    {
        var clients = new List<(string Name, ClientWebSocket Socket)>();
        try
        {
            foreach (string name in new[] { "a", "b", "c" })
            {
                var ws = await WebSocketTestClient.ConnectAsync(front.Ws("/api/chat"));
                clients.Add((name, ws));

                // Subscribed once its own message comes back; the others' copies are drained below.
                string sync = "sync-" + name;
                await ws.SendTextAsync(sync);
                while ((await ws.ReceiveAsync()).Text != sync)
                {
                }
            }

            // Drain the sync messages of later joiners so every transcript starts clean.
            await DrainAsync(clients, r => r.Text.StartsWith("sync-", StringComparison.Ordinal));

            foreach (var (name, ws) in clients)
            {
                await ws.SendTextAsync($"hi from {name} ✓");
                foreach (var (other, otherWs) in clients)
                {
                    t.Add(other, await otherWs.ReceiveAsync());
                }
            }

            foreach (var (name, ws) in clients)
            {
                await ws.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
            }
        }
        finally
        {
            foreach (var (_, ws) in clients)
            {
                ws.Dispose();
            }
        }
    }

    private static async Task LobbyScriptAsync(ParityFront front, Transcript t)
    {
        var clients = new List<(string Name, ClientWebSocket Socket)>();
        try
        {
            foreach (string name in new[] { "a", "b", "c" })
            {
                var ws = await WebSocketTestClient.ConnectAsync(front.Ws("/api/lobby"));
                clients.Add((name, ws));
                t.Add(name, await ws.ReceiveAsync());
            }

            foreach (var (name, ws) in clients)
            {
                await ws.SendTextAsync($"hello from {name}");
                foreach (var (other, otherWs) in clients)
                {
                    if (other != name)
                    {
                        t.Add(other, await otherWs.ReceiveAsync());
                    }
                }

                await ws.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
                t.AddLine(name, "(nothing back to the sender)");
            }
        }
        finally
        {
            foreach (var (_, ws) in clients)
            {
                ws.Dispose();
            }
        }
    }

    private static async Task DrainAsync(List<(string Name, ClientWebSocket Socket)> clients, Func<Received, bool> isNoise)
    {
        foreach (var (_, ws) in clients)
        {
            while (true)
            {
                try
                {
                    var r = await ws.ReceiveAsync(TimeSpan.FromMilliseconds(300));
                    Assert.True(isNoise(r), $"unexpected {r}");
                }
                catch (TimeoutException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>What each client received, in order; connection ids become &lt;id1&gt;, &lt;id2&gt;, ... by first appearance.</summary>
    private sealed partial class Transcript
    {
        public List<string> Lines { get; } = [];

        public void Add(string client, Received received) => Lines.Add(client + ": " + Describe(received));

        public void AddLine(string client, string line) => Lines.Add(client + ": " + line);

        public List<string> Normalized()
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            return Lines.Select(line => Uuid().Replace(line, m =>
            {
                if (!ids.TryGetValue(m.Value, out string? name))
                {
                    name = $"<id{ids.Count + 1}>";
                    ids[m.Value] = name;
                }

                return name;
            })).ToList();
        }

        private static string Describe(Received r) => r.Type switch
        {
            WebSocketMessageType.Close => $"close {(int?)r.CloseStatus} {r.CloseDescription}",
            WebSocketMessageType.Text when r.Data.Length > 200 => $"text ({r.Data.Length} bytes)",
            WebSocketMessageType.Text => "text " + r.Text,
            _ => "binary " + Convert.ToHexString(r.Data),
        };

        [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
        private static partial Regex Uuid();
    }
}

/// <summary>
/// The README's first run: <c>dotnet run --project samples/Chat</c> with nothing else installed, the
/// chat page in a real browser, WebSockets served by the development proxy.
/// </summary>
public sealed class DevelopmentProxyBrowserTests(ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public async Task The_chat_page_works_with_nothing_but_the_app()
    {
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            Headless = true,
            Timeout = 30_000,
        });

        var pages = new List<Microsoft.Playwright.IPage>();
        foreach (string _ in new[] { "alice", "bob" })
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(fixture.DevChat.Http("/").ToString());
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
            pages.Add(page);
        }

        // The subscription is in place before the 101 reaches the browser: no probing needed.
        await pages[0].FillAsync("#message", "hello from the development proxy ✓");
        await pages[0].PressAsync("#message", "Enter");
        foreach (var page in pages)
        {
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#messages li").Last).ToHaveTextAsync("hello from the development proxy ✓");
        }
    }
}
