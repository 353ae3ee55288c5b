using System.Diagnostics;
using System.Globalization;
using Grip.Publishing;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Benchmarks.Fleet;

/// <summary>
/// What one publish costs the origin as the Pushpin fleet grows: HTTP to each proxy (the default)
/// against one ZeroMQ PUB socket every Pushpin subscribes to. For each fleet size it starts that many
/// real Pushpin 1.36 instances on loopback (each with one HTTP-stream subscriber, a <c>curl</c>
/// process, so delivery is real and costs this process nothing), then publishes sequentially through
/// <see cref="IGripPublisher"/> over each transport in turn and reports latency per call and this
/// process's CPU time per call. Every delivery is counted at the subscribers afterwards.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Grip.Benchmarks -- fleet [--sizes 1,3,10] [--publishes 2000] [--rounds 3]</c>
/// </remarks>
internal static class FleetPublishCost
{
    private const string Channel = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        int[] sizes = [1, 3, 10];
        int publishes = 2000;
        int rounds = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--sizes": sizes = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                case "--publishes": publishes = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        if (!AptPackages.IsOnPath("curl"))
        {
            Console.Error.WriteLine("fleet: curl is needed for the subscribers (apt-get install -y curl).");
            return 2;
        }

        Console.WriteLine($"fleet publish cost: {publishes} sequential publishes per transport and round, {rounds} round(s), sizes {string.Join(',', sizes)}; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("| Pushpins | transport | mean µs/call | p50 µs | p99 µs | CPU µs/call | delivered |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---|");
        foreach (int size in sizes)
        {
            await RunSizeAsync(size, publishes, rounds);
        }

        return 0;
    }

    private static async Task RunSizeAsync(int size, int publishes, int rounds)
    {
        int originPort = PushpinProcess.GetFreePort();
        int pubPort = PushpinProcess.GetFreePort();
        string key = "bench-" + Guid.NewGuid().ToString("N");
        await using var origin = await StartOriginAsync(originPort);

        var pushpins = new List<PushpinProcess>();
        var subscribers = new List<(Process Curl, string File)>();
        try
        {
            for (int i = 0; i < size; i++)
            {
                pushpins.Add(await PushpinProcess.StartAsync(new PushpinOptions
                {
                    Targets = [$"127.0.0.1:{originPort}"],
                    SubscribeTo = [$"tcp://127.0.0.1:{pubPort}"],
                    SigIssuer = "bench",
                    SigKey = key,
                }));
            }

            // Two publishers side by side: HTTP to every Pushpin, and one PUB socket they all connect to.
            var http = new Dictionary<string, string?> { ["GRIP_URL"] = pushpins[0].GripUrl };
            for (int i = 1; i < size; i++)
            {
                http[$"Grip:Proxies:{i - 1}:Url"] = pushpins[i].GripUrl;
            }

            await using var httpServices = CreatePublisher(http);
            await using var zmqServices = CreatePublisher(new() { ["GRIP_URL"] = pushpins[0].GripUrl, ["Grip:ZeroMqPub"] = $"tcp://127.0.0.1:{pubPort}" });
            var httpPublisher = httpServices.GetRequiredService<IGripPublisher>();
            var zmqPublisher = zmqServices.GetRequiredService<IGripPublisher>();

            foreach (var pushpin in pushpins)
            {
                string file = Path.Combine(pushpin.Directory, "stream.out");
                var curl = Process.Start(new ProcessStartInfo("curl", ["-sN", "-o", file, new Uri(pushpin.HttpUri, "/stream").ToString()]) { UseShellExecute = false })!;
                subscribers.Add((curl, file));
            }

            // Every subscriber holds the stream and every Pushpin's SUB socket has subscribed (probe until each got one).
            await ProbeAsync(httpPublisher, subscribers, "http-probe");
            await ProbeAsync(zmqPublisher, subscribers, "zmq-probe");
            await Task.Delay(500);
            var counter = new DeliveryCounter([.. subscribers.Select(s => s.File)]);

            bool allDelivered = true;
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (name, publisher) in new[] { ("HTTP to each", httpPublisher), ("ZeroMQ PUB", zmqPublisher) })
                {
                    var result = await MeasureAsync(publisher, publishes, counter);
                    allDelivered &= result.Delivered;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} | {name} | {result.Mean:0.0} | {result.P50:0.0} | {result.P99:0.0} | {result.Cpu:0.0} | {(result.Delivered ? "all" : "MISSING")} ({round + 1}) |"));
                }
            }

            Console.WriteLine($"|  | | | | | | {size} Pushpin(s): {counter.Published * size} deliveries {(allDelivered ? "all counted at the subscribers" : "NOT all counted")} |");
        }
        finally
        {
            foreach (var (curl, _) in subscribers)
            {
                curl.Kill();
                await curl.WaitForExitAsync();
                curl.Dispose();
            }

            foreach (var pushpin in pushpins)
            {
                await pushpin.DisposeAsync();
            }
        }
    }

    private const int Warmup = 200;

    /// <summary>
    /// Publishes in bursts of <see cref="Burst"/> and waits for the subscribers to catch up between
    /// bursts: ZeroMQ calls return in microseconds, far faster than Pushpins on a shared 2-core machine
    /// deliver, and an unpaced loop fills the per-Pushpin queues (the publisher then reports the drops).
    /// Latency is per call; CPU time covers the whole run, catch-up included, so the asynchronous
    /// socket writes after each call are counted.
    /// </summary>
    private static async Task<(double Mean, double P50, double P99, double Cpu, bool Delivered)> MeasureAsync(IGripPublisher publisher, int count, DeliveryCounter counter)
    {
        var item = new PublishItem(Channel) { HttpStream = HttpStreamFormat.FromText("m\n") };
        PublishItem[] items = [item];
        for (int i = 0; i < Warmup; i++)
        {
            await publisher.PublishAsync(items);
            counter.Published++;
        }

        bool delivered = await counter.WaitAsync();
        using var process = Process.GetCurrentProcess();
        var latencies = new double[count];
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        double inCalls = 0;
        for (int i = 0; i < count; i++)
        {
            long t = Stopwatch.GetTimestamp();
            await publisher.PublishAsync(items);
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            inCalls += latencies[i];
            counter.Published++;
            if ((i + 1) % Burst == 0)
            {
                delivered &= await counter.WaitAsync();
            }
        }

        delivered &= await counter.WaitAsync();
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
        Array.Sort(latencies);
        return (inCalls / count, latencies[count / 2], latencies[(int)(count * 0.99)], cpu / count, delivered);
    }

    private const int Burst = 200;

    /// <summary>Counts deliveries by file size: every published message is the 2 bytes "m\n" in every subscriber's file.</summary>
    private sealed class DeliveryCounter(string[] files)
    {
        private readonly long[] _baseline = [.. files.Select(f => new FileInfo(f).Length)];

        public long Published { get; set; }

        public async Task<bool> WaitAsync()
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                bool all = true;
                for (int i = 0; i < files.Length; i++)
                {
                    long length = new FileInfo(files[i]).Length - _baseline[i];
                    if (length > 2 * Published)
                    {
                        return false; // more than was published: a duplicate
                    }

                    all &= length == 2 * Published;
                }

                if (all)
                {
                    return true;
                }

                await Task.Delay(5);
            }

            return false;
        }
    }

    private static async Task ProbeAsync(IGripPublisher publisher, List<(Process Curl, string File)> subscribers, string probe)
    {
        var deadline = Stopwatch.StartNew();
        while (!subscribers.All(s => File.Exists(s.File) && File.ReadAllText(s.File).Contains(probe, StringComparison.Ordinal)))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"subscribers did not get '{probe}' within 30 s");
            }

            await publisher.PublishAsync([new PublishItem(Channel) { HttpStream = HttpStreamFormat.FromText(probe + "\n") }]);
            await Task.Delay(100);
        }
    }

    private static ServiceProvider CreatePublisher(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddGrip(configuration).BuildServiceProvider();
        return services;
    }

    /// <summary>An origin that answers <c>GET /stream</c> with a GRIP stream hold on <see cref="Channel"/>.</summary>
    private static async Task<WebApplication> StartOriginAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/stream", (HttpContext context) =>
        {
            context.Response.Headers["Grip-Hold"] = "stream";
            context.Response.Headers["Grip-Channel"] = Channel;
            context.Response.ContentType = "text/plain";
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return app;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
