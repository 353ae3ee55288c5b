using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Grip.Testing.Pushpin;

namespace Grip.Reliability;

/// <summary>One line of a scenario's record: what was tried, how often, what happened, whether that is what must happen.</summary>
public sealed record Row(string What, long Count, string Result, bool Ok);

/// <summary>The rows of one scenario, printed as a markdown table.</summary>
public sealed class Record(string scenario)
{
    private readonly List<Row> _rows = [];

    public string Scenario { get; } = scenario;

    public IReadOnlyList<Row> Rows => _rows;

    public bool Ok => _rows.All(r => r.Ok);

    public void Add(string what, long count, string result, bool ok)
    {
        _rows.Add(new Row(what, count, result, ok));
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {what}: {count.ToString("N0", CultureInfo.InvariantCulture)} -> {result}");
    }
}

/// <summary>The Echo sample as its own process, started like the README says (<c>--urls</c>, <c>GRIP_URL</c>).</summary>
public sealed class EchoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EchoProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<EchoProcess> StartAsync(int port, string gripUrl, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dll = Path.Combine(Paths.RepoRoot, "samples", "Echo", "bin", Paths.Configuration, "net10.0", "Echo.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build samples/Echo first ({dll}).", dll);
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        info.Environment["GRIP_URL"] = gripUrl;
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("GRIP_VERIFY_KEY");
        foreach (var pair in environment ?? new Dictionary<string, string>())
        {
            info.Environment[pair.Key] = pair.Value;
        }

        var process = new Process { StartInfo = info };
        var echo = new EchoProcess(process, port);
        process.OutputDataReceived += (_, e) => echo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => echo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Net.WaitForPortAsync(port, TimeSpan.FromSeconds(60), () => process.HasExited ? "Echo exited:\n" + echo.Output : null);
        return echo;
    }

    /// <summary>Resident memory (VmRSS) in KiB, from /proc.</summary>
    public long RssKiB() => Proc.RssKiB(_process.Id);

    /// <summary>SIGKILL: no shutdown, no flush, as a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Proc.Signal(_process.Id, 15);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Append(line).Append('\n');
            }
        }
    }
}

public static class Paths
{
    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("GripRepoRoot"));

    public static string Configuration { get; } = Metadata("GripConfiguration");

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;
}

public static class Proc
{
    public static long RssKiB(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    /// <summary>The direct children of <paramref name="pid"/> (from /proc), to kill a Pushpin runner's services with it.</summary>
    public static List<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int candidate))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
                {
                    children.Add(candidate);
                }
            }
            catch (IOException)
            {
            }
        }

        return children;
    }

    public static void Signal(int pid, int signal) => _ = Kill(pid, signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}

public static class Net
{
    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Func<string?>? failed = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (failed?.Invoke() is { } why)
            {
                throw new InvalidOperationException(why);
            }

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var cts = new CancellationTokenSource(250);
                await socket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                return;
            }
            catch (SocketException)
            {
            }
            catch (OperationCanceledException)
            {
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"port {port} did not open within {timeout.TotalSeconds:0} s");
    }

    /// <summary>A Grip-Sig as Pushpin makes it (HS256), or a variant of one.</summary>
    public static string Jwt(string headerJson, string claimsJson, byte[]? key)
    {
        string input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claimsJson));
        return key is null ? input + "." : input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(input)));
    }

    public static string ValidSig(string key, string iss = "pushpin") =>
        Jwt("""{"typ":"JWT","alg":"HS256"}""", $$"""{"iss":"{{iss}}","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""", Encoding.UTF8.GetBytes(key));

    /// <summary>POSTs a WebSocket-over-HTTP batch the way Pushpin does.</summary>
    public static HttpRequestMessage Batch(Uri uri, byte[] body, string? sig, string connectionId = "rel-1", IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/websocket-events");
        request.Headers.TryAddWithoutValidation("Accept", "application/websocket-events");
        request.Headers.TryAddWithoutValidation("Connection-Id", connectionId);
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Extensions", "grip");
        if (sig is not null)
        {
            request.Headers.TryAddWithoutValidation("Grip-Sig", sig);
        }

        foreach (var header in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return request;
    }

    public static byte[] Event(string type, byte[]? content) =>
        content is null ? Encoding.ASCII.GetBytes(type + "\r\n") : [.. Encoding.ASCII.GetBytes($"{type} {content.Length:x}\r\n"), .. content, .. "\r\n"u8];

    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, TimeSpan? timeout = null)
    {
        var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        await ws.ConnectAsync(uri, cts.Token);
        return ws;
    }

    public static Task SendTextAsync(this WebSocket ws, string text, CancellationToken cancellationToken = default) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Receives one whole message (text, or a close with its status), or null on timeout/abort.</summary>
    public static async Task<(WebSocketMessageType Type, string Text, WebSocketCloseStatus? Status, string? Reason)?> ReceiveAsync(this WebSocket ws, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await ws.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (result.MessageType, string.Empty, result.CloseStatus, result.CloseStatusDescription);
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()), null, null);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            LastReceiveError = ex.GetType().Name + ": " + ex.Message + (ex.InnerException is { } inner ? " <- " + inner.GetType().Name + ": " + inner.Message : string.Empty);
            return null;
        }
    }

    /// <summary>The last receive failure, for a scenario's diagnostics.</summary>
    public static string? LastReceiveError { get; private set; }

    public static async Task<PushpinProcess> PushpinAsync(int originPort, int? httpPort = null, int? publishPort = null, string? sigKey = null) =>
        await PushpinProcess.StartAsync(sigKey is null
            ? new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"], SigIssuer = "pushpin", HttpPort = httpPort, PublishPort = publishPort }
            : new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"], SigIssuer = "pushpin", HttpPort = httpPort, PublishPort = publishPort, SigKey = sigKey });

    /// <summary>SIGKILLs a Pushpin: its runner and every service it started (condure, zurl, proxy, handler), by PID.</summary>
    public static async Task KillPushpinAsync(PushpinProcess pushpin)
    {
        int runner = pushpin.ProcessId;
        var services = Proc.Children(runner);
        Proc.Signal(runner, 9);
        foreach (int pid in services)
        {
            Proc.Signal(pid, 9);
        }

        for (int i = 0; i < 100 && pushpin.IsRunning; i++)
        {
            await Task.Delay(50);
        }

        await pushpin.DisposeAsync();
    }
}
