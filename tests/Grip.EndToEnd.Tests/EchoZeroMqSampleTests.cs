using System.Net;
using System.Text;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// samples/EchoZeroMq: samples/Echo built with <c>GripHttpPublishingSupport=false</c>
/// (docs/configuration.md, "Feature switches"). As a Native AOT executable behind a real Pushpin
/// whose SUB socket connects to the origin's ZeroMQ PUB socket, it echoes and its broadcasts arrive;
/// the HTTP client is not in the binary; and an HTTP publish target stops start-up naming the property.
/// </summary>
public sealed class EchoZeroMqSampleTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    [AotFact]
    public async Task The_native_build_echoes_and_broadcasts_over_ZeroMQ_behind_a_real_Pushpin()
    {
        await SampleBinaries.EnsureAotPublishedAsync();
        int pubPort = PushpinProcess.GetFreePort();
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions
        {
            Targets = [$"127.0.0.1:{originPort}"],
            SubscribeTo = [$"tcp://127.0.0.1:{pubPort}"],
        });
        await using var origin = await SampleProcess.StartAsync(SampleApp.EchoZeroMq, SampleRuntime.Aot, originPort, pushpin.GripUrl, new Dictionary<string, string>
        {
            // GRIP_URL only supplies the verify key; publishing goes over ZeroMQ.
            ["Grip__ZeroMqPub"] = $"tcp://127.0.0.1:{pubPort}",
        });
        var deployment = SampleDeployment.Attach(pushpin, [origin]);

        await SampleScenarios.EchoesTextBinaryEmptyAndUtf8Async(deployment);

        // Broadcast: Pushpin's SUB socket connects to the PUB socket on its own schedule (and a PUB
        // socket drops what it sends before a subscriber is there), so publish until one arrives,
        // then check that the next one arrives exactly.
        using var ws = await WebSocketTestClient.ConnectAsync(deployment.Ws("/api/websocket"));
        await ws.SendTextAsync("sync");
        Assert.Equal("sync", await ws.ReceiveTextAsync());
        // (One receive stays pending meanwhile: cancelling a ClientWebSocket receive aborts the socket.)
        var first = ws.ReceiveTextAsync(TimeSpan.FromSeconds(25));
        for (int i = 0; !first.IsCompleted && i < 80; i++)
        {
            await BroadcastAsync(deployment, $"warm-up {i}");
            await Task.WhenAny(first, Task.Delay(300));
        }

        string received = await first;
        Assert.StartsWith("warm-up ", received, StringComparison.Ordinal);
        await BroadcastAsync(deployment, "over ZeroMQ ✓");
        string next;
        do
        {
            // Later warm-up publishes may still be on their way.
            next = await ws.ReceiveTextAsync(TimeSpan.FromSeconds(10));
        }
        while (next.StartsWith("warm-up ", StringComparison.Ordinal));

        Assert.Equal("over ZeroMQ ✓", next);
        Assert.Contains("ZeroMQ PUB socket bound at tcp://127.0.0.1:", origin.Output, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task The_native_build_leaves_the_HTTP_client_out()
    {
        await SampleBinaries.EnsureAotPublishedAsync();
        string lean = SampleBinaries.CreateStartInfo(SampleApp.EchoZeroMq, SampleRuntime.Aot).FileName;
        string full = SampleBinaries.CreateStartInfo(SampleApp.Echo, SampleRuntime.Aot).FileName;
        long saved = new FileInfo(full).Length - new FileInfo(lean).Length;

        // Same sources. Echo publishes over HTTP through the plain HTTP client (GripHttpsPublishingSupport=false:
        // no SocketsHttpHandler, no TLS); EchoZeroMq leaves HTTP publishing out altogether, so it is smaller still.
        Assert.True(saved > 64 * 1024, $"EchoZeroMq is only {saved:N0} bytes smaller than Echo: the HTTP publishing switch did not trim the HTTP client.");
        // The names of compiled methods' types are in the executable's stack-trace data: the plain client
        // is compiled into Echo only; SocketsHttpHandler's connection pool and TLS into neither.
        byte[] leanBytes = await File.ReadAllBytesAsync(lean);
        byte[] fullBytes = await File.ReadAllBytesAsync(full);
        Assert.NotEqual(-1, fullBytes.AsSpan().IndexOf("PlainHttpConnection"u8));
        Assert.Equal(-1, leanBytes.AsSpan().IndexOf("PlainHttpConnection"u8));
        foreach (byte[] name in new[] { "HttpConnectionPoolManager"u8.ToArray(), "SslStream"u8.ToArray() })
        {
            Assert.Equal(-1, fullBytes.AsSpan().IndexOf(name));
            Assert.Equal(-1, leanBytes.AsSpan().IndexOf(name));
        }
    }

    [AotFact]
    public Task The_native_build_refuses_an_HTTP_publish_target_naming_the_property() =>
        RefusesHttpTargetAsync(SampleRuntime.Aot);

    [Fact]
    public Task The_JIT_build_refuses_an_HTTP_publish_target_naming_the_property() =>
        RefusesHttpTargetAsync(SampleRuntime.Jit);

    private static async Task RefusesHttpTargetAsync(SampleRuntime runtime)
    {
        if (runtime == SampleRuntime.Aot)
        {
            await SampleBinaries.EnsureAotPublishedAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SampleProcess.StartAsync(
            SampleApp.EchoZeroMq,
            runtime,
            PushpinProcess.GetFreePort(),
            "http://127.0.0.1:5561/?iss=pushpin&key=changeme"));
        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("Publishing over HTTP to http://127.0.0.1:5561 is configured, but this build leaves HTTP publishing out", error.Message, StringComparison.Ordinal);
        Assert.Contains("<GripHttpPublishingSupport>false</GripHttpPublishingSupport>", error.Message, StringComparison.Ordinal);
    }

    private static async Task BroadcastAsync(SampleDeployment deployment, string text)
    {
        using var content = new StringContent(text, Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync(deployment.Http("/api/broadcast"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
