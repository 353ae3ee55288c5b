using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Grip.LanguageServer.Tests;

/// <summary>
/// A minimal LSP client over a server's stdio: Content-Length framing, requests with ids, answers to
/// the server's own requests (workspace/configuration turns the analyzers on), and a log of every
/// publishDiagnostics push.
/// </summary>
internal sealed class LspClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _readLoop;
    private int _nextId;

    private LspClient(Process process)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Every publishDiagnostics notification, in arrival order.</summary>
    public ConcurrentQueue<JsonNode> Pushed { get; } = new();

    /// <summary>The server's workspace/configuration requests (the analyzers need one answered).</summary>
    public ConcurrentQueue<JsonNode> ConfigurationRequests { get; } = new();

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static LspClient Start(string executable, string workingDirectory, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--loglevel");
        start.ArgumentList.Add("info");
        foreach (var pair in environment)
        {
            start.Environment[pair.Key] = pair.Value;
        }

        return new LspClient(Process.Start(start) ?? throw new InvalidOperationException("could not start " + executable));
    }

    public async Task<JsonNode?> RequestAsync(string method, JsonNode? parameters, TimeSpan timeout)
    {
        int id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
        var finished = await Task.WhenAny(completion.Task, Task.Delay(timeout));
        if (finished != completion.Task)
        {
            _pending.TryRemove(id, out _);
            throw new TimeoutException($"{method} got no answer in {timeout.TotalSeconds} s. Server stderr:\n{StandardError}");
        }

        return await completion.Task;
    }

    public Task NotifyAsync(string method, JsonNode? parameters) =>
        SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

    private async Task SendAsync(JsonObject message)
    {
        byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
        byte[] header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _writeLock.WaitAsync();
        try
        {
            await _input.WriteAsync(header);
            await _input.WriteAsync(body);
            await _input.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await ReadMessageAsync() is { } message)
            {
                await HandleAsync(message);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The server exited.
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new IOException("the language server closed its output. Stderr:\n" + StandardError));
        }
    }

    private async Task HandleAsync(JsonNode message)
    {
        bool hasId = message["id"] is not null;
        string? method = (string?)message["method"];
        if (method is null && hasId)
        {
            // A response to one of our requests.
            int id = (int)message["id"]!;
            if (_pending.TryRemove(id, out var completion))
            {
                if (message["error"] is { } error)
                {
                    completion.TrySetException(new InvalidOperationException("LSP error: " + error.ToJsonString()));
                }
                else
                {
                    completion.TrySetResult(message["result"]?.DeepClone());
                }
            }

            return;
        }

        if (method == "textDocument/publishDiagnostics")
        {
            Pushed.Enqueue(message["params"]!.DeepClone());
        }

        if (!hasId)
        {
            return;
        }

        // A request from the server: answer it so it never waits on us.
        JsonNode? result = null;
        if (method == "workspace/configuration")
        {
            ConfigurationRequests.Enqueue(message["params"]!.DeepClone());
            var answer = new JsonArray();
            foreach (var item in message["params"]?["items"]?.AsArray() ?? [])
            {
                answer.Add((string?)item?["section"] == "csharp" ? new JsonObject { ["analyzersEnabled"] = true } : null);
            }

            result = answer;
        }

        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = message["id"]!.DeepClone(), ["result"] = result });
    }

    private async Task<JsonNode?> ReadMessageAsync()
    {
        int length = -1;
        while (true)
        {
            string? line = await ReadHeaderLineAsync();
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                break;
            }

            const string prefix = "Content-Length:";
            if (line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line.AsSpan(prefix.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (length < 0)
        {
            throw new InvalidDataException("an LSP message without Content-Length");
        }

        byte[] body = new byte[length];
        await _output.ReadExactlyAsync(body);
        return JsonNode.Parse(body);
    }

    private async Task<string?> ReadHeaderLineAsync()
    {
        var bytes = new List<byte>();
        byte[] one = new byte[1];
        while (true)
        {
            int read = await _output.ReadAsync(one);
            if (read == 0)
            {
                return null;
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await RequestAsync("shutdown", null, TimeSpan.FromSeconds(10));
                    await NotifyAsync("exit", null);
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or InvalidOperationException)
                {
                    // Fall through to the kill below.
                }
            }
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _readLoop.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            _process.Dispose();
            _writeLock.Dispose();
        }
    }

    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true };
}
