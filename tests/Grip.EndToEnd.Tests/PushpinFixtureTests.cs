using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Grip.EndToEnd.Tests;

/// <summary>The Pushpin fixture itself: it starts, routes, signs with its own key, runs side by side and stops.</summary>
public sealed class PushpinFixtureTests
{
    [Fact]
    public async Task Two_instances_run_side_by_side_route_to_their_origin_and_sign_with_their_own_key()
    {
        var seen = new ConcurrentQueue<(string Origin, string? Sig)>();
        await using var originA = await KestrelOrigin.StartAsync(app => app.MapGet("/hello", (HttpContext c) =>
        {
            seen.Enqueue(("A", c.Request.Headers["Grip-Sig"].ToString()));
            return "from A";
        }));
        await using var originB = await KestrelOrigin.StartAsync(app => app.MapGet("/hello", (HttpContext c) =>
        {
            seen.Enqueue(("B", c.Request.Headers["Grip-Sig"].ToString()));
            return "from B";
        }));

        var startA = PushpinProcess.StartAsync(new PushpinOptions { Targets = [originA.Target] });
        var startB = PushpinProcess.StartAsync(new PushpinOptions { Targets = [originB.Target], SigIssuer = "other-iss" });
        await using var a = await startA;
        await using var b = await startB;

        Assert.NotEqual(a.HttpPort, b.HttpPort);
        Assert.NotEqual(a.PublishPort, b.PublishPort);
        Assert.NotEqual(a.SigKey, b.SigKey);
        Assert.Equal($"ws://127.0.0.1:{a.HttpPort}/", a.ClientUri.ToString());
        Assert.Equal($"http://127.0.0.1:{a.PublishPort}/publish/", a.PublishUri.ToString());
        Assert.Contains($"http control server: 127.0.0.1:{a.PublishPort}", a.Log, StringComparison.Ordinal);

        Assert.Equal("from A", await GetThroughFreshProxyAsync(new Uri(a.HttpUri, "/hello")));
        Assert.Equal("from B", await GetThroughFreshProxyAsync(new Uri(b.HttpUri, "/hello")));

        var byOrigin = seen.ToDictionary(s => s.Origin, s => s.Sig);
        AssertSignedBy(byOrigin["A"], a.SigIssuer, a.SigKey);
        AssertSignedBy(byOrigin["B"], "other-iss", b.SigKey);
        Assert.False(HasValidSignature(byOrigin["A"], b.SigKey), "A's Grip-Sig must not verify with B's key");

        // The publish API accepts a publish (with Content-Length) on each instance.
        await a.PublishAsync("nobody-listens", "x");
        await b.PublishAsync("nobody-listens", "y");
    }

    /// <summary>
    /// The first request through a Pushpin that just started can be lost while zurl connects
    /// (toolchain.md: "retry, once the first request was lost"): short attempts, a few times.
    /// </summary>
    private static async Task<string> GetThroughFreshProxyAsync(Uri uri)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(uri);
            }
            catch (TaskCanceledException) when (attempt < 5)
            {
            }
        }
    }

    [Fact]
    public async Task Dispose_stops_the_runner_and_its_services_and_frees_the_ports()
    {
        await using var origin = await KestrelOrigin.StartAsync(app => app.MapGet("/", () => "ok"));
        var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [origin.Target] });
        int pid = pushpin.ProcessId;
        string dir = pushpin.Directory;
        var children = ChildPids(pid);
        Assert.True(children.Count >= 4, $"expected condure, zurl, proxy and handler under the runner, found {children.Count}.\n{pushpin.Describe()}");

        await pushpin.DisposeAsync();

        Assert.False(pushpin.IsRunning);
        foreach (int child in children)
        {
            Assert.False(Directory.Exists($"/proc/{child}") && !IsZombie(child), $"service pid {child} survived the stop");
        }

        Assert.False(Directory.Exists(dir));
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, pushpin.HttpPort);
        });
    }

    [Fact]
    public async Task Pushpin_stops_by_itself_when_its_owner_process_dies()
    {
        // A stand-in for a test host that is killed and cannot dispose anything.
        using var owner = System.Diagnostics.Process.Start("sleep", "60");
        await using var origin = await KestrelOrigin.StartAsync(app => app.MapGet("/", () => "ok"));
        await using var pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [origin.Target], OwnerProcessId = owner.Id });
        int runner = pushpin.ProcessId;
        Assert.True(Directory.Exists($"/proc/{runner}"));

        owner.Kill();
        await owner.WaitForExitAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (((Directory.Exists($"/proc/{runner}") && !IsZombie(runner)) || pushpin.IsRunning) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists($"/proc/{runner}") && !IsZombie(runner), $"pushpin runner {runner} outlived its owner.\n{pushpin.Describe()}");
        Assert.False(pushpin.IsRunning);
    }

    [Fact]
    public async Task Options_without_a_target_are_refused()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => PushpinProcess.StartAsync(new PushpinOptions()));
        Assert.Contains("origin target", ex.Message, StringComparison.Ordinal);
    }

    private static List<int> ChildPids(int parent)
    {
        var result = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == parent)
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return result;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static void AssertSignedBy(string? token, string issuer, string key)
    {
        Assert.False(string.IsNullOrEmpty(token), "Pushpin sent no Grip-Sig");
        Assert.True(HasValidSignature(token, key), $"Grip-Sig '{token}' does not verify with the fixture's key");
        string[] parts = token!.Split('.');
        using var claims = JsonDocument.Parse(Base64UrlDecode(parts[1]));
        Assert.Equal(issuer, claims.RootElement.GetProperty("iss").GetString());
        long exp = claims.RootElement.GetProperty("exp").GetInt64();
        Assert.InRange(exp - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3700);
    }

    private static bool HasValidSignature(string? token, string key)
    {
        string[] parts = token?.Split('.') ?? [];
        if (parts.Length != 3)
        {
            return false;
        }

        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        return CryptographicOperations.FixedTimeEquals(expected, Base64UrlDecode(parts[2]));
    }

    private static byte[] Base64UrlDecode(string s) => System.Buffers.Text.Base64Url.DecodeFromChars(s);
}
