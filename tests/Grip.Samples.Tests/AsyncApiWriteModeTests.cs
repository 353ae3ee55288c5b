using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Grip.Samples.Tests;

/// <summary>
/// The samples' built executables in "write the AsyncAPI document and exit" mode (GRIP_ASYNCAPI_OUTPUT),
/// as the GripAsyncApiDocument MSBuild property runs them after every build: the file is the checked-in
/// docs/asyncapi document byte for byte, no port is bound (the one passed with --urls is held by the
/// test, so a listening server could not start), and a failure is one clear line and exit code 1.
/// </summary>
public sealed class AsyncApiWriteModeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("grip-samples-asyncapi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("PubSub", "pubsub")]
    [InlineData("Chat", "chat")]
    public async Task The_sample_writes_the_checked_in_document_without_binding_its_port(string sample, string document)
    {
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        int port = ((IPEndPoint)held.LocalEndpoint).Port;
        string path = Path.Combine(_dir, "out", document + ".asyncapi.json");

        var (exitCode, stdout, stderr) = await RunAsync(sample, path, $"http://127.0.0.1:{port}");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains($"grip-asyncapi: wrote {path} (", stdout, StringComparison.Ordinal);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot, "docs", "asyncapi", document + ".asyncapi.json")),
            await File.ReadAllBytesAsync(path));
        Assert.DoesNotContain("Now listening on", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_serves_no_document_so_write_mode_fails_with_the_fix()
    {
        string path = Path.Combine(_dir, "echo.asyncapi.json");
        var (exitCode, _, stderr) = await RunAsync("Echo", path, "http://127.0.0.1:0");
        Assert.Equal(1, exitCode);
        Assert.Contains("grip-asyncapi: error: GRIP_ASYNCAPI_OUTPUT is set, but the app maps no AsyncAPI document: call app.MapGripAsyncApi()", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_path_that_cannot_be_written_fails_with_exit_code_1_and_the_path()
    {
        string file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        string path = Path.Combine(file, "pubsub.asyncapi.json");
        var (exitCode, _, stderr) = await RunAsync("PubSub", path, "http://127.0.0.1:0");
        Assert.Equal(1, exitCode);
        Assert.Contains($"grip-asyncapi: error: could not write the AsyncAPI document to '{path}'", stderr, StringComparison.Ordinal);
    }

    private static string RepositoryRoot { get; } = Metadata("GripRepoRoot");

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string sample, string output, string urls)
    {
        string dll = Path.Combine(RepositoryRoot, "samples", sample, "bin", Metadata("GripConfiguration"), "net10.0", sample + ".dll");
        Assert.True(File.Exists(dll), "not built: " + dll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { dll, "--urls", urls })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GRIP_ASYNCAPI_OUTPUT"] = output;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment.Remove("GRIP_URL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} did not exit within 60 s in write mode:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Metadata(string key) =>
        typeof(AsyncApiWriteModeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException(key);
}
