using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Grip.Testing.Pushpin;

/// <summary>What a <see cref="PushpinProcess"/> routes to and how it signs.</summary>
public sealed class PushpinOptions
{
    /// <summary>
    /// Origin targets as <c>host:port</c>; they become one route line
    /// <c>* host:port,over_http host2:port2,over_http</c> (Pushpin tries the targets in order and
    /// fails over on connect errors). Ignored when <see cref="RouteLines"/> is set.
    /// </summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Whole routes-file lines, written as they are (grip-spec §7.2).</summary>
    public IReadOnlyList<string>? RouteLines { get; init; }

    /// <summary>The <c>sig_iss</c> Pushpin puts in every <c>Grip-Sig</c>.</summary>
    public string SigIssuer { get; init; } = "pushpin-test";

    /// <summary>The <c>sig_key</c> (HS256 secret). A fresh random key by default, so tests never depend on <c>changeme</c>.</summary>
    public string SigKey { get; init; } = "k" + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();

    /// <summary>
    /// ZeroMQ PUB endpoints (<c>tcp://127.0.0.1:port</c>) that this Pushpin, as a member of a fleet,
    /// connects its handler's SUB socket to: <c>push_in_sub_specs</c> with <c>push_in_sub_connect=true</c>
    /// (grip-spec §3.4). Empty (the default): the SUB socket is bound on an ipc:// path in the rundir, as usual.
    /// </summary>
    /// <remarks><c>port_offset</c> stays 0: Pushpin adds it to these ports too.</remarks>
    public IReadOnlyList<string> SubscribeTo { get; init; } = [];

    /// <summary>Pushpin stops by itself when this process exits (default: the current test process).</summary>
    public int? OwnerProcessId { get; init; }

    /// <summary>How long to wait for Pushpin to come up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A fixed client port (to restart a killed Pushpin where its clients reconnect); default a free one.</summary>
    public int? HttpPort { get; init; }

    /// <summary>A fixed publish port (with <see cref="HttpPort"/>); default a free one.</summary>
    public int? PublishPort { get; init; }
}

/// <summary>
/// A real Pushpin 1.36 (Debian package) running in the foreground for one test class or collection:
/// its own temp dir (config, routes, rundir, logdir), its own loopback ports, its own signing key.
/// Several instances run side by side. Installs Pushpin with apt-get when it is not on PATH.
/// </summary>
/// <remarks>
/// The config follows grip-spec §7.4: Debian's <c>internal.conf</c> is included, <c>zurl</c> is
/// added to <c>services</c> and the three <c>zurl_*_specs</c> point into our rundir (without that
/// every proxied request hangs). Every ZeroMQ endpoint is an <c>ipc://</c> socket in the rundir, so
/// only two TCP ports are needed: the client port and the HTTP publish port.
/// </remarks>
public sealed class PushpinProcess : IAsyncDisposable
{
    private const string RunnerPidMarker = "pushpin-runner-pid=";

    // $1 = config file, $2 = the PID to outlive. `sleep & wait` keeps the loop interruptible by SIGTERM.
    private const string WatchdogScript = """
        pushpin --config "$1" --merge-output &
        p=$!
        echo "pushpin-runner-pid=$p"
        trap 'kill -TERM $p 2>/dev/null; wait $p; exit 0' TERM INT
        while kill -0 "$2" 2>/dev/null && kill -0 $p 2>/dev/null; do sleep 0.5 & wait $!; done
        kill -TERM $p 2>/dev/null
        wait $p
        """;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly DirectoryInfo _directory;
    private int _disposed;
    private int _runnerPid;

    private PushpinProcess(Process process, DirectoryInfo directory, int httpPort, int publishPort, PushpinOptions options)
    {
        _process = process;
        _directory = directory;
        HttpPort = httpPort;
        PublishPort = publishPort;
        SigIssuer = options.SigIssuer;
        SigKey = options.SigKey;
    }

    /// <summary>The port clients connect to (loopback only).</summary>
    public int HttpPort { get; }

    /// <summary>The port of the HTTP publish/control API.</summary>
    public int PublishPort { get; }

    /// <summary>The WebSocket base URL clients connect to, e.g. <c>ws://127.0.0.1:41234</c>.</summary>
    public Uri ClientUri => new($"ws://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The HTTP base URL of the client port (plain HTTP requests through the proxy).</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The control API base URL (GRIP <c>control_uri</c>), e.g. <c>http://127.0.0.1:41235</c>.</summary>
    public Uri ControlUri => new($"http://127.0.0.1:{PublishPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The publish endpoint, <c>{ControlUri}/publish/</c>.</summary>
    public Uri PublishUri => new(ControlUri, "/publish/");

    /// <summary>The issuer Pushpin signs <c>Grip-Sig</c> with.</summary>
    public string SigIssuer { get; }

    /// <summary>The HS256 key Pushpin signs <c>Grip-Sig</c> with.</summary>
    public string SigKey { get; }

    /// <summary>
    /// A GRIP_URL for an origin behind this proxy: publish endpoint plus <c>iss</c>/<c>key</c>, which
    /// (as in js-grip) also makes <c>key</c> the Grip-Sig verify key, and <c>verify-iss</c>, so the
    /// origin also checks the issuer of every Grip-Sig (the safe setup the README shows).
    /// </summary>
    public string GripUrl =>
        $"{GripUrlWithoutIssuerCheck}&verify-iss={Uri.EscapeDataString(SigIssuer)}";

    /// <summary>The GRIP_URL without <c>verify-iss</c>: any issuer passes (the origin warns at start-up).</summary>
    public string GripUrlWithoutIssuerCheck =>
        $"{ControlUri.ToString().TrimEnd('/')}/?iss={Uri.EscapeDataString(SigIssuer)}&key={Uri.EscapeDataString(SigKey)}";

    /// <summary>The process id of the <c>pushpin</c> runner (a child of the watchdog shell this fixture started).</summary>
    public int ProcessId => _runnerPid != 0 ? _runnerPid : throw new InvalidOperationException("Pushpin has not reported its PID yet.");

    /// <summary>Whether the runner is still running.</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                return !_process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>The temp directory with the config, routes, rundir and logdir.</summary>
    public string Directory => _directory.FullName;

    /// <summary>Everything Pushpin and its services printed so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts Pushpin and waits until the proxy, handler, zurl and condure are up and both ports answer.</summary>
    /// <exception cref="InvalidOperationException">Pushpin could not be installed or did not start; the message carries its log.</exception>
    public static async Task<PushpinProcess> StartAsync(PushpinOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.RouteLines is null || options.RouteLines.Count == 0) && options.Targets.Count == 0)
        {
            throw new ArgumentException("Give at least one origin target or route line.", nameof(options));
        }

        await AptPackages.EnsureCommandAsync("pushpin", "pushpin", cancellationToken).ConfigureAwait(false);

        // Free ports are picked by binding port 0 and releasing it, so another process may grab one
        // before Pushpin binds it. When that happens Pushpin does not come up: try again with new ports.
        Exception? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return await StartOnceAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (PushpinStartException ex)
            {
                last = ex;
            }
        }

        throw new InvalidOperationException("Pushpin did not start after 3 attempts.", last);
    }

    /// <summary>Publishes a text message to <paramref name="channel"/> through the HTTP publish endpoint.</summary>
    public async Task PublishAsync(string channel, string content, IReadOnlyDictionary<string, string>? meta = null, CancellationToken cancellationToken = default)
    {
        var json = new StringBuilder();
        json.Append("{\"items\":[{\"channel\":").Append(JsonString(channel))
            .Append(",\"formats\":{\"ws-message\":{\"content\":").Append(JsonString(content)).Append("}}");
        if (meta is not null)
        {
            json.Append(",\"meta\":{");
            bool first = true;
            foreach (var pair in meta)
            {
                if (!first)
                {
                    json.Append(',');
                }

                first = false;
                json.Append(JsonString(pair.Key)).Append(':').Append(JsonString(pair.Value));
            }

            json.Append('}');
        }

        json.Append("}]}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // StringContent carries Content-Length; Pushpin answers 411 to a chunked publish.
        using var body = new StringContent(json.ToString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(PublishUri, body, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK || text != "Published\n")
        {
            throw new InvalidOperationException($"Publish to '{channel}' failed: {(int)response.StatusCode} {text}");
        }
    }

    /// <summary>Stops Pushpin: SIGTERM to the runner (its services exit with it), then a kill after 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(_process).ConfigureAwait(false);
        _process.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A service may still be removing its sockets; the temp dir is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Formats a failure message with the tail of the log.</summary>
    public string Describe(int maxChars = 6000)
    {
        string log = Log;
        return log.Length <= maxChars ? log : "...\n" + log[^maxChars..];
    }

    private static async Task<PushpinProcess> StartOnceAsync(PushpinOptions options, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("pp-");
        int httpPort = options.HttpPort ?? GetFreePort();
        int publishPort = options.PublishPort ?? GetFreePort();
        while (publishPort == httpPort && options.PublishPort is null)
        {
            publishPort = GetFreePort();
        }

        string configPath = WriteConfig(directory.FullName, httpPort, publishPort, options);

        // Pushpin runs under a small bash watchdog: it prints the runner's PID, forwards SIGTERM, and
        // stops Pushpin when this test process is gone, so a crashed or killed test run leaves no
        // proxy behind (a killed parent cannot dispose anything itself).
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory.FullName,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(WatchdogScript);
        startInfo.ArgumentList.Add("pushpin-watchdog");
        startInfo.ArgumentList.Add(configPath);
        startInfo.ArgumentList.Add((options.OwnerProcessId ?? Environment.ProcessId).ToString(CultureInfo.InvariantCulture));

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        PushpinProcess? pushpin = null;
        process.OutputDataReceived += (_, e) => pushpin?.Append(e.Data);
        process.ErrorDataReceived += (_, e) => pushpin?.Append(e.Data);
        pushpin = new PushpinProcess(process, directory, httpPort, publishPort, options);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start pushpin.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await pushpin.WaitUntilReadyAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);

            // Every service reports "started" and both ports answer a moment before the proxy's
            // internal ZeroMQ links are all connected; a request in that window can be lost and hang
            // (toolchain.md: "retry, once the first request was lost"; seen in CI twice in ~300 starts).
            // A short settle time after readiness keeps the first request of every test safe.
            await Task.Delay(SettleTime, cancellationToken).ConfigureAwait(false);
            return pushpin;
        }
        catch
        {
            await pushpin.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string WriteConfig(string dir, int httpPort, int publishPort, PushpinOptions options)
    {
        string prefix = "p" + Path.GetFileName(dir).Replace("pp-", string.Empty, StringComparison.Ordinal) + "-";
        string port = httpPort.ToString(CultureInfo.InvariantCulture);
        string publish = publishPort.ToString(CultureInfo.InvariantCulture);

        // A fleet member connects its SUB socket to the publishers' PUB sockets (grip-spec §3.4).
        string subSpecs = options.SubscribeTo.Count == 0
            ? "push_in_sub_specs=ipc://{rundir}/{ipc_prefix}push-in-sub"
            : "push_in_sub_specs=" + string.Join(',', options.SubscribeTo) + "\npush_in_sub_connect=true";
        string config = $$"""
            [global]
            include=/usr/lib/pushpin/internal.conf
            rundir={{dir}}/run
            ipc_prefix={{prefix}}
            port_offset=0

            [runner]
            services=condure,zurl,pushpin-proxy,pushpin-handler
            http_port=127.0.0.1:{{port}}
            logdir={{dir}}/log
            log_level=2
            condure_bin=condure
            zurl_bin=zurl

            [proxy]
            routesfile=routes
            debug=true
            sig_iss={{options.SigIssuer}}
            sig_key={{options.SigKey}}
            updates_check=off
            zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in
            zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream
            zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out

            [handler]
            push_in_spec=ipc://{rundir}/{ipc_prefix}push-in
            {{subSpecs}}
            push_in_http_addr=127.0.0.1
            push_in_http_port={{publish}}
            stats_spec=ipc://{rundir}/{ipc_prefix}stats
            command_spec=ipc://{rundir}/{ipc_prefix}command

            """;
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "run"));
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "log"));
        string configPath = Path.Combine(dir, "pushpin.conf");
        File.WriteAllText(configPath, config);

        var routes = options.RouteLines is { Count: > 0 } lines
            ? lines
            : ["* " + string.Join(' ', options.Targets.Select(t => t + ",over_http"))];
        File.WriteAllText(Path.Combine(dir, "routes"), string.Join('\n', routes) + "\n");
        return configPath;
    }

    /// <summary>How long to wait after Pushpin looks ready before handing it to a test.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };
        var deadline = Stopwatch.StartNew();
        string[] started = ["[proxy] started", "[handler] started", "[zurl] started", "[condure] started"];
        bool publishUp = false;
        bool clientPortUp = false;
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsRunning)
            {
                throw new PushpinStartException($"pushpin exited with code {_process.ExitCode} while starting.\n{Describe()}");
            }

            string log = Log;
            if (log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase) || log.Contains("failed to bind", StringComparison.OrdinalIgnoreCase))
            {
                throw new PushpinStartException($"pushpin could not bind its ports.\n{Describe()}");
            }

            bool servicesUp = started.All(s => log.Contains(s, StringComparison.Ordinal));
            if (servicesUp && !publishUp)
            {
                try
                {
                    string root = await http.GetStringAsync(ControlUri, cancellationToken).ConfigureAwait(false);
                    publishUp = root.StartsWith("Pushpin API", StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }

            if (servicesUp && !clientPortUp)
            {
                // A TCP connect only: an HTTP request would be proxied to the origin under test.
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    cts.CancelAfter(500);
                    await socket.ConnectAsync(IPAddress.Loopback, HttpPort, cts.Token).ConfigureAwait(false);
                    clientPortUp = true;
                }
                catch (SocketException)
                {
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }

            if (publishUp && clientPortUp && _runnerPid != 0)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new PushpinStartException($"pushpin was not ready after {timeout.TotalSeconds:0} s (services up: {started.All(s => Log.Contains(s, StringComparison.Ordinal))}, publish API: {publishUp}, client port: {clientPortUp}).\n{Describe()}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(RunnerPidMarker, StringComparison.Ordinal))
        {
            _ = int.TryParse(line.AsSpan(RunnerPidMarker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _runnerPid);
            return;
        }

        lock (_log)
        {
            _log.Append(line).Append('\n');
        }
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            // SIGTERM to the watchdog, which passes it to the runner; the runner stops condure, zurl,
            // proxy and handler. Process.Kill would be SIGKILL and leave the services running.
            _ = NativeMethods.Kill(process.Id, NativeMethods.SigTerm);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    /// <summary>A loopback port that was free a moment ago (bind to port 0, read it, release it).</summary>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string JsonString(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('"').ToString();
    }

    private sealed class PushpinStartException(string message) : Exception(message);

    private static class NativeMethods
    {
        public const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}

// Kept in this file so a test project can link PushpinProcess.cs alone.
/// <summary>
/// Installs what an end-to-end test needs on a fresh Debian machine: <c>apt-get update</c> once per
/// test run, then <c>apt-get install -y</c>, only for commands that are not on PATH.
/// </summary>
public static class AptPackages
{
    private static readonly SemaphoreSlim Lock = new(1, 1);
    private static readonly HashSet<string> Checked = new(StringComparer.Ordinal);
    private static bool s_updated;

    /// <summary>Makes sure <paramref name="command"/> is on PATH, installing <paramref name="package"/> if it is not.</summary>
    /// <exception cref="InvalidOperationException">apt-get failed, or the command is still missing afterwards.</exception>
    public static async Task EnsureCommandAsync(string command, string package, CancellationToken cancellationToken = default)
    {
        await Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Checked.Contains(command) || IsOnPath(command))
            {
                Checked.Add(command);
                return;
            }

            if (!s_updated)
            {
                await RunAsync("apt-get", ["update"], cancellationToken).ConfigureAwait(false);
                s_updated = true;
            }

            await RunAsync("apt-get", ["install", "-y", package], cancellationToken).ConfigureAwait(false);
            if (!IsOnPath(command))
            {
                throw new InvalidOperationException($"apt-get install -y {package} succeeded but '{command}' is still not on PATH.");
            }

            Checked.Add(command);
        }
        finally
        {
            Lock.Release();
        }
    }

    /// <summary>Whether an executable file named <paramref name="name"/> is in a PATH directory.</summary>
    public static bool IsOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, name)))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with exit code {process.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }
}
