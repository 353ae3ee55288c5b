using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>The two runnable samples.</summary>
public enum SampleApp
{
    Echo,
    Chat,
    PubSub,

    /// <summary>samples/Echo built with HTTP publishing left out (GripHttpPublishingSupport=false): publishes over ZeroMQ only.</summary>
    EchoZeroMq,
}

/// <summary>How a sample is started: the JIT build (<c>dotnet Chat.dll</c>) or the Native AOT executable.</summary>
public enum SampleRuntime
{
    Jit,
    Aot,
}

/// <summary>
/// A sample origin running as its own process, started exactly the way the README says:
/// <c>--urls http://127.0.0.1:PORT</c> and <c>GRIP_URL</c> in the environment.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private SampleProcess(Process process, SampleApp app, SampleRuntime runtime, int port)
    {
        _process = process;
        App = app;
        Runtime = runtime;
        Port = port;
    }

    /// <summary>The base64 token key the PubSub sample is started with (32 bytes).</summary>
    public const string PubSubTestKey = "cHViLXN1Yi1lbmQtdG8tZW5kLXRlc3Qta2V5LTMyYnl0ZXM=";

    public SampleApp App { get; }

    public SampleRuntime Runtime { get; }

    public int Port { get; }

    public string Target => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public Uri BaseUri => new($"http://{Target}");

    public bool HasExited => _process.HasExited;

    /// <summary>Time from process start until the port accepted a connection.</summary>
    public TimeSpan StartupTime { get; private set; }

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

    /// <summary>Starts the sample on <paramref name="port"/> and waits until it accepts connections.</summary>
    public static async Task<SampleProcess> StartAsync(SampleApp app, SampleRuntime runtime, int port, string? gripUrl, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = SampleBinaries.CreateStartInfo(app, runtime);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        if (gripUrl is null)
        {
            // No proxy configured: in Development the sample serves WebSockets through its development proxy.
            info.Environment.Remove("GRIP_URL");
        }
        else
        {
            info.Environment["GRIP_URL"] = gripUrl;
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("GRIP_VERIFY_KEY");
        if (app == SampleApp.PubSub)
        {
            // The token key every PubSub instance shares (outside Development the sample requires one).
            info.Environment["PubSub__TokenKey"] = PubSubTestKey;
        }

        if (environment is not null)
        {
            foreach (var pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        var process = new Process { StartInfo = info };
        var sample = new SampleProcess(process, app, runtime, port);
        process.OutputDataReceived += (_, e) => sample.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await sample.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
            sample.StartupTime = clock.Elapsed;
            return sample;
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // The parameterless wait also waits for the redirected output to reach its end, so the
                // message carries every line the process wrote before it exited.
                _process.WaitForExit();
                throw new InvalidOperationException($"{App} ({Runtime}) exited with code {_process.ExitCode} while starting:\n{Output}");
            }

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var cts = new CancellationTokenSource(250);
                await socket.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
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

        throw new TimeoutException($"{App} ({Runtime}) did not listen on {Port} within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }

    /// <summary>Stops the sample the way a host would (SIGTERM: graceful shutdown), then kills it after 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _ = NativeMethods.Kill(_process.Id, NativeMethods.SigTerm);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static class NativeMethods
    {
        public const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}

/// <summary>
/// Where the sample builds are. JIT: the build of the same configuration as this test assembly
/// (the test project references the samples, so <c>dotnet test</c> builds them first). AOT: the
/// executables under <c>GRIP_SAMPLES_AOT_DIR</c> (<c>$dir/Echo/Echo</c>, <c>$dir/Chat/Chat</c>, as
/// .ci/run publishes them); when it is not set the tests publish the samples once themselves.
/// </summary>
public static class SampleBinaries
{
    /// <summary>Points the tests at already published native executables.</summary>
    public const string AotDirVariable = "GRIP_SAMPLES_AOT_DIR";

    /// <summary>Set to <c>skip</c> to skip the Native AOT tests (they are reported as skipped with this reason).</summary>
    public const string AotModeVariable = "GRIP_E2E_AOT";

    private static readonly SemaphoreSlim PublishLock = new(1, 1);
    private static string? s_publishedDir;

    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("GripRepoRoot"));

    public static string Configuration { get; } = Metadata("GripConfiguration");

    /// <summary>Why the AOT tests are skipped, or <see langword="null"/> when they run.</summary>
    public static string? AotSkipReason =>
        string.Equals(Environment.GetEnvironmentVariable(AotModeVariable), "skip", StringComparison.OrdinalIgnoreCase)
            ? $"{AotModeVariable}=skip: the Native AOT sample tests were turned off for this run."
            : null;

    public static ProcessStartInfo CreateStartInfo(SampleApp app, SampleRuntime runtime)
    {
        string name = app.ToString();
        if (runtime == SampleRuntime.Jit)
        {
            string dll = Path.Combine(RepoRoot, "samples", name, "bin", Configuration, "net10.0", name + ".dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"The {name} sample is not built ({dll}). Build the solution (or the test project, which references the samples) first.", dll);
            }

            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)! };
            info.ArgumentList.Add(dll);
            return info;
        }

        string executable = Path.Combine(AotDirectory(), name, name);
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"No native {name} executable at {executable}.", executable);
        }

        // Started from a directory that is not the binary's: the native sample must carry everything it needs.
        return new ProcessStartInfo(executable) { WorkingDirectory = Path.GetTempPath() };
    }

    /// <summary>The directory with the native executables, publishing them first when none was given.</summary>
    public static async Task EnsureAotPublishedAsync()
    {
        if (Environment.GetEnvironmentVariable(AotDirVariable) is { Length: > 0 })
        {
            return;
        }

        await PublishLock.WaitAsync();
        try
        {
            if (s_publishedDir is not null)
            {
                return;
            }

            string dir = Path.Combine(RepoRoot, "artifacts", "e2e-aot");
            foreach (var app in Enum.GetValues<SampleApp>())
            {
                string name = app.ToString();
                var info = new ProcessStartInfo("dotnet")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = RepoRoot,
                };
                foreach (string arg in new[] { "publish", Path.Combine("samples", name), "-c", "Release", "-r", "linux-x64", "-o", Path.Combine(dir, name), "-nologo" })
                {
                    info.ArgumentList.Add(arg);
                }

                using var process = Process.Start(info)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"dotnet publish samples/{name} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
                }
            }

            s_publishedDir = dir;
        }
        finally
        {
            PublishLock.Release();
        }
    }

    private static string AotDirectory() =>
        Environment.GetEnvironmentVariable(AotDirVariable) is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : s_publishedDir ?? throw new InvalidOperationException("Call EnsureAotPublishedAsync first.");

    private static string Metadata(string key) =>
        typeof(SampleBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}

/// <summary>A fact that runs only when the Native AOT sample tests are on; otherwise it is reported as skipped with the reason.</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute()
    {
        if (SampleBinaries.AotSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
