using System.Net;
using System.Net.Sockets;
using System.Text;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Tests;

/// <summary>
/// A loaded Pushpin may send a WebSocket-over-HTTP body slowly. Kestrel's minimum body data rate
/// would abort such a request and Pushpin would then drop the client's WebSocket (the fan-out
/// harness saw 993 of 1,000 connections closed that way). Once the Grip-Sig is verified, the limit
/// is lifted for that request; an unverified request never gets that far. Real Kestrel on loopback,
/// with a stricter rate than the default so that the test takes seconds.
/// </summary>
public sealed class SlowProxyBodyTests : IAsyncLifetime
{
    private WebApplication? _app;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=" + ProbeHost.Key });
        builder.WebHost.UseKestrel(o => o.Limits.MinRequestBodyDataRate = new MinDataRate(1000, TimeSpan.FromSeconds(2))).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new HandlerProbe());
        builder.Services.AddGrip(builder.Configuration);
        _app = builder.Build();
        _app.MapGripHandler<ProbeHandler>("/ws");
        _app.MapPost("/plain", async (Microsoft.AspNetCore.Http.HttpContext c) =>
        {
            using var sink = new MemoryStream();
            await c.Request.Body.CopyToAsync(sink);
            return "read " + sink.Length;
        });
        await _app.StartAsync();
        _port = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_signed_request_whose_body_arrives_late_is_still_served()
    {
        string sig = Jwt.Hs256(ProbeHost.Key, Jwt.Claims("pushpin", DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()));
        string response = await SendSlowlyAsync("/ws", sig);
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("OPEN\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_limit_still_applies_elsewhere_and_to_unverified_requests()
    {
        // Control: the same slow body to a plain endpoint is cut off by Kestrel's rate limit.
        string plain = await SendSlowlyAsync("/plain", null);
        Assert.DoesNotContain("read 6", plain, StringComparison.Ordinal);

        // A forged signature is refused before the body is read at all.
        string forged = await SendSlowlyAsync("/ws", Jwt.Hs256("wrong-key", Jwt.Claims("pushpin", DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds())));
        Assert.StartsWith("HTTP/1.1 401", forged, StringComparison.Ordinal);
    }

    /// <summary>Sends the headers and the first byte of "OPEN\r\n", waits 4.5 s (past the 2 s grace), then the rest; returns what came back.</summary>
    private async Task<string> SendSlowlyAsync(string path, string? sig)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        string head =
            $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/websocket-events\r\nAccept: application/websocket-events\r\n" +
            $"Connection-Id: slow-1\r\n{(sig is null ? string.Empty : "Grip-Sig: " + sig + "\r\n")}Content-Length: 6\r\nConnection: close\r\n\r\nO";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        try
        {
            await socket.SendAsync("PEN\r\n"u8.ToArray());
        }
        catch (SocketException)
        {
            // Already cut off by the server.
        }

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
