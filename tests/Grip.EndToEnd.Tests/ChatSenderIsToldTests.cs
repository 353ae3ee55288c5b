using System.Net;
using System.Net.Sockets;
using System.Text;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// samples/Chat when its publish does not go through: the sender is told, and its socket stays open.
/// The chat hands its publish off (the answer to the sender's request never waits for the proxy,
/// docs/scaling.md "Many answers at once"), so the sender hears of a failure on its own channel, or,
/// when the proxy's publish endpoint fails that too, in the answer to its next request. Pushpin is
/// real; the origin verifies Pushpin's Grip-Sig and publishes to the endpoint each test sets up.
/// </summary>
public sealed class ChatSenderIsToldTests
{
    // samples/Chat's ChatHandler.NotDeliveredPrefix and UncertainPrefix (the sample is not referenced as an assembly).
    private const string NotDelivered = "error: not delivered: ";
    private const string Uncertain = "error: delivery unknown: ";

    [Fact]
    public async Task A_room_publish_the_proxy_refuses_is_reported_on_the_senders_own_channel_without_another_message()
    {
        // A publish endpoint in front of the real Pushpin that refuses whatever goes to the room and
        // passes everything else (the notice to the sender's own channel) on to Pushpin.
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"] });
        int roomRefused = 0;
        await using var front = await StartFrontAsync(pushpin.PublishUri, body =>
        {
            if (body.Contains("\"channel\":\"all\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref roomRefused);
                return false;
            }

            return true;
        });
        string gripUrl = $"http://127.0.0.1:{front.Port}/?iss={pushpin.SigIssuer}&key={pushpin.SigKey}";
        await using var origin = await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, originPort, gripUrl);
        using var sender = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));
        using var other = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));

        await sender.SendTextAsync("first");
        Assert.Equal(NotDelivered + "first", await sender.ReceiveTextAsync(TimeSpan.FromSeconds(20)));

        await sender.SendTextAsync("second");
        Assert.Equal(NotDelivered + "second", await sender.ReceiveTextAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, sender.State);

        // Refused (400) once each: a refusal is never re-sent. Nobody else hears the notices.
        Assert.Equal(2, Volatile.Read(ref roomRefused));
        await other.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_slow_publish_does_not_hold_the_senders_connection()
    {
        // The room publish is answered only after 8 s. Pushpin has one request per connection in
        // flight: had the chat awaited its publish, the client's close would wait behind it.
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"] });
        var roomPublished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var front = await StartFrontAsync(pushpin.PublishUri, body => true, async body =>
        {
            if (body.Contains("\"channel\":\"all\"", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(8));
                roomPublished.TrySetResult();
            }
        });
        string gripUrl = $"http://127.0.0.1:{front.Port}/?iss={pushpin.SigIssuer}&key={pushpin.SigKey}";
        await using var origin = await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, originPort, gripUrl);
        using var sender = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));
        using var other = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));

        await sender.SendTextAsync("slow");
        await Task.Delay(500);
        var closing = System.Diagnostics.Stopwatch.StartNew();
        await sender.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye");
        Assert.True(closing.Elapsed < TimeSpan.FromSeconds(4), $"the close took {closing.Elapsed.TotalSeconds:0.0} s: the connection waited for the publish");
        Assert.False(roomPublished.Task.IsCompleted);

        // The message still reaches the room once the proxy answers.
        Assert.Equal("slow", await other.ReceiveTextAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_refused_publish_whose_notice_cannot_be_published_either_is_told_in_the_answer_to_the_next_message()
    {
        int deadPort = PushpinProcess.GetFreePort();
        await RunWithBrokenEndpointAsync(deadPort, new Dictionary<string, string>(), NotDelivered);
    }

    [Fact]
    public async Task A_publish_without_an_answer_tells_the_sender_delivery_unknown_and_is_not_resent()
    {
        // Reads each request and never answers: the publish may have been published.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var bodies = new List<string>();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await silent.AcceptTcpClientAsync(stop.Token);
                    lock (held)
                    {
                        held.Add(client);
                    }

                    _ = Task.Run(async () =>
                    {
                        string request = await ReadRequestAsync(client.GetStream(), stop.Token);
                        lock (bodies)
                        {
                            bodies.Add(request);
                        }
                    });
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        try
        {
            int port = ((IPEndPoint)silent.LocalEndpoint).Port;
            await RunWithBrokenEndpointAsync(port, new Dictionary<string, string> { ["Grip__Publisher__ResponseTimeout"] = "00:00:01" }, Uncertain);

            // The room publish of "first" was sent exactly once: an unknown outcome is never re-sent.
            lock (bodies)
            {
                Assert.Single(bodies, b => b.Contains("\"channel\":\"all\"", StringComparison.Ordinal) && b.Contains("\"content\":\"first\"", StringComparison.Ordinal));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            lock (held)
            {
                held.ForEach(c => c.Dispose());
            }
        }
    }

    /// <summary>
    /// The publish endpoint fails the message and the notice alike: the notice waits for the sender's
    /// next request. The client keeps sending until the notice for "first" arrives; notices for the
    /// nudges it sent meanwhile may come before it, and must say the same.
    /// </summary>
    private static async Task RunWithBrokenEndpointAsync(int publishPort, Dictionary<string, string> environment, string expectedPrefix)
    {
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"] });
        environment["Grip__Publisher__MaxRetryAttempts"] = "1";
        environment["Grip__Publisher__RetryBaseDelay"] = "00:00:00.050";
        string gripUrl = $"http://127.0.0.1:{publishPort}/?iss={pushpin.SigIssuer}&key={pushpin.SigKey}";
        await using var origin = await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, originPort, gripUrl, environment);
        using var socket = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));

        await socket.SendTextAsync("first");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        int nudges = 0;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sender was never told about \"first\"");
            string notice;
            try
            {
                notice = await socket.ReceiveTextAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException)
            {
                await socket.SendTextAsync("nudge " + (nudges++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            // The nudges are chat messages too, published through the same broken endpoint: their
            // notices may come first (which publish fails first is a race under load). Each says the
            // same thing; the one for "first" must come.
            if (notice == expectedPrefix + "first")
            {
                break;
            }

            Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(expectedPrefix) + "nudge [0-9]+$", notice);
        }

        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }

    /// <summary>Reads one HTTP request (headers and a Content-Length body) as text.</summary>
    private static async Task<string> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(chunk, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
                string text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    var length = System.Text.RegularExpressions.Regex.Match(text, "(?i)content-length: *(\\d+)");
                    if (!length.Success || buffer.Length >= end + 4 + int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// A publish endpoint on loopback: after <paramref name="before"/> (a delay, say), refuses a body with
    /// 400 unless <paramref name="pass"/> says to pass it on to Pushpin.
    /// </summary>
    private static async Task<Front> StartFrontAsync(Uri pushpinPublish, Func<string, bool> pass, Func<string, Task>? before = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var forward = new HttpClient();
        app.MapPost("/publish/", async (HttpContext context) =>
        {
            string body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            if (before is not null)
            {
                await before(body);
            }

            if (!pass(body))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("refused by the test\n", context.RequestAborted);
                return;
            }

            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var answer = await forward.PostAsync(pushpinPublish, content, context.RequestAborted);
            context.Response.StatusCode = (int)answer.StatusCode;
            await context.Response.WriteAsync(await answer.Content.ReadAsStringAsync(context.RequestAborted), context.RequestAborted);
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new Front(app, forward, address.Port);
    }

    private sealed class Front(WebApplication app, HttpClient forward, int port) : IAsyncDisposable
    {
        public int Port => port;

        public async ValueTask DisposeAsync()
        {
            forward.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
