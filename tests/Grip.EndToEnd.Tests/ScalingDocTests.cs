using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Testing.Pushpin;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// Runs the "as written" ZeroMQ fleet block of docs/scaling.md (two Pushpins, two Chat origins) with
/// only its port numbers moved to free ones, and chats through it: a message sent through one Pushpin
/// reaches the clients of both, once.
/// </summary>
public sealed partial class ScalingDocTests
{
    [Fact]
    public async Task The_documented_zeromq_fleet_runs_as_written()
    {
        await AptPackages.EnsureCommandAsync("pushpin", "pushpin");
        string doc = await File.ReadAllTextAsync(Path.Combine(SampleBinaries.RepoRoot, "docs", "scaling.md"));
        string section = doc[doc.IndexOf("### Running it on one machine, as written", StringComparison.Ordinal)..];
        string script = ShellBlock().Match(section).Groups[1].Value;
        Assert.Contains("push_in_sub_connect=true", script, StringComparison.Ordinal);

        // The documented ports, moved to a free range: 7999/8000 clients, 5561/5571 HTTP publish,
        // 5580/5581 PUB sockets, 5000/5001 origins (the script computes the second of each pair).
        int b = FreeRange();
        var ports = new (string Documented, int Actual)[] { ("7999", b), ("5561", b + 10), ("5580", b + 30), ("5581", b + 31), ("5000", b + 40), ("5001", b + 41) };
        foreach (var (documented, actual) in ports)
        {
            Assert.Contains(documented, script, StringComparison.Ordinal);
            script = script.Replace(documented, actual.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        // The samples are already built (the test project references them), in this test run's configuration.
        script = script.Replace("dotnet build samples/Chat -c Release", "true", StringComparison.Ordinal)
            .Replace("bin/Release/", $"bin/{SampleBinaries.Configuration}/", StringComparison.Ordinal);

        // Its own session, so everything it starts (pushpins, origins) stops with one signal to the group.
        var info = new ProcessStartInfo("setsid") { WorkingDirectory = SampleBinaries.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "bash", "-c", script + "\nwait" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("GRIP_URL");
        info.Environment.Remove("ASPNETCORE_URLS");
        var log = new StringBuilder();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Up: both origins bound their PUB socket and each saw both Pushpins subscribe.
            var clock = Stopwatch.StartNew();
            while (Count(Snapshot(log), "connected (SUB)") < 4)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited, "the documented fleet did not come up:\n" + Snapshot(log));
                await Task.Delay(100);
            }

            using var a = await WebSocketTestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{b}/api/chat"));
            using var c = await WebSocketTestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{b + 1}/api/chat"));

            // Each Pushpin subscribes upstream when its client joins: probe until both hear it.
            string heard;
            int probe = 0;
            do
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "clients were not subscribed:\n" + Snapshot(log));
                await a.SendTextAsync("probe " + ++probe);
                heard = await c.ReceiveTextAsync(TimeSpan.FromSeconds(1)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : string.Empty);
            }
            while (!heard.StartsWith("probe", StringComparison.Ordinal));

            await Task.Delay(500);
            await Drain(a);
            await Drain(c);
            await c.SendTextAsync("hello from the second pushpin");
            Assert.Equal("hello from the second pushpin", await a.ReceiveTextAsync());
            Assert.Equal("hello from the second pushpin", await c.ReceiveTextAsync());
            await a.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
            await c.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            _ = Kill(-process.Id, 15);
            if (!process.WaitForExit(10_000))
            {
                _ = Kill(-process.Id, 9);
            }
        }
    }

    private static async Task Drain(System.Net.WebSockets.ClientWebSocket socket)
    {
        while (true)
        {
            try
            {
                await socket.ReceiveTextAsync(TimeSpan.FromMilliseconds(300));
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static int Count(string text, string part) => Regex.Count(text, Regex.Escape(part));

    /// <summary>A base port b with b, b+1, b+10, b+20, b+30, b+31, b+40 and b+41 free on loopback right now.</summary>
    private static int FreeRange()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int b = Random.Shared.Next(20_000, 60_000);
            if (new[] { 0, 1, 10, 20, 30, 31, 40, 41 }.All(o => IsFree(b + o)))
            {
                return b;
            }
        }

        throw new InvalidOperationException("no free port range found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
