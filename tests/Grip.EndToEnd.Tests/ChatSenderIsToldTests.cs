using System.Net;
using System.Net.Sockets;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// samples/Chat when its publish does not go through: the sender is told on its own socket, which
/// stays open (before, the handler's exception closed it with 1011 after the publisher's 30 s).
/// Pushpin is real; the origin verifies Pushpin's Grip-Sig but publishes to a broken endpoint.
/// </summary>
public sealed class ChatSenderIsToldTests
{
    // samples/Chat's ChatHandler.NotDeliveredPrefix and UncertainPrefix (the sample is not referenced as an assembly).
    private const string NotDelivered = "error: not delivered: ";
    private const string Uncertain = "error: delivery unknown: ";

    [Fact]
    public async Task A_refused_publish_tells_the_sender_not_delivered_and_the_socket_stays_open()
    {
        int deadPort = PushpinProcess.GetFreePort();
        await RunAsync(deadPort, new Dictionary<string, string>(), NotDelivered);
    }

    [Fact]
    public async Task A_publish_without_an_answer_tells_the_sender_delivery_unknown_and_is_not_resent()
    {
        // Reads the request and never answers: the publish may have been published.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int requests = 0;
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await silent.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref requests);
                    lock (held)
                    {
                        held.Add(client);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        try
        {
            int port = ((IPEndPoint)silent.LocalEndpoint).Port;
            await RunAsync(port, new Dictionary<string, string> { ["Grip__Publisher__ResponseTimeout"] = "00:00:01" }, Uncertain);

            // Two messages, two publishes, each sent exactly once.
            Assert.Equal(2, Volatile.Read(ref requests));
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

    private static async Task RunAsync(int publishPort, Dictionary<string, string> environment, string expectedPrefix)
    {
        int originPort = PushpinProcess.GetFreePort();
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"] });
        environment["Grip__Publisher__MaxRetryAttempts"] = "1";
        environment["Grip__Publisher__RetryBaseDelay"] = "00:00:00.050";
        string gripUrl = $"http://127.0.0.1:{publishPort}/?iss={pushpin.SigIssuer}&key={pushpin.SigKey}";
        await using var origin = await SampleProcess.StartAsync(SampleApp.Chat, SampleRuntime.Jit, originPort, gripUrl, environment);
        using var socket = await WebSocketTestClient.ConnectAsync(new Uri(pushpin.ClientUri, "/api/chat"));

        await socket.SendTextAsync("first");
        Assert.Equal(expectedPrefix + "first", await socket.ReceiveTextAsync(TimeSpan.FromSeconds(20)));

        // Still open, still served.
        await socket.SendTextAsync("second");
        Assert.Equal(expectedPrefix + "second", await socket.ReceiveTextAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }
}
