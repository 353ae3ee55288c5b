using System.Reflection;
using Grip.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using static Grip.Protocol.WebSocketEventType;

namespace Grip.Generators.Tests.Runtime;

/// <summary>
/// Compiles a handler with the generator in memory (embedded PDB), loads the assembly and runs the
/// generated dispatcher on real batches: the generator's output, not only its text, is tested.
/// </summary>
public sealed class EmittedAssemblyTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Grip;
        namespace Emitted;
        public sealed class Log { public List<string> Lines { get; } = new(); }
        public partial class Handler(Log log)
        {
            [OnOpen] public void Open(GripConnection c) { log.Lines.Add("open"); if (c.Request.Path == "/no") c.Reject(401, "who?"); }
            [OnMessage] public ValueTask<string> Text(string text) => new("re:" + text);
            [OnMessage] public void Bytes(ReadOnlyMemory<byte> data) => log.Lines.Add("bytes " + data.Length);
            [OnClose] public Task Close(CloseStatus s) { log.Lines.Add("close " + s.Code + " " + s.IsDisconnect); return Task.CompletedTask; }
        }
        public static class Runner
        {
            public static ValueTask Run(GripConnection c, ReadOnlyMemory<byte> events) => Run<Handler>(c, events);
            private static ValueTask Run<T>(GripConnection c, ReadOnlyMemory<byte> events) where T : IGripHandler => T.DispatchAsync(c, events, CancellationToken.None);
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() =>
    {
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source));
        using var peStream = new MemoryStream();
        var result = output.Emit(peStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        return Assembly.Load(peStream.ToArray());
    });

    private static async Task<(GripConnection Connection, List<string> Log)> RunAsync(ReadOnlyMemory<byte> batch, string path = "/ws")
    {
        var assembly = Compiled.Value;
        object log = Activator.CreateInstance(assembly.GetType("Emitted.Log")!)!;
        var services = new DictionaryServices { [log.GetType()] = log };
        var connection = new GripConnection("c1", new TestGripRequest(path), services);
        var run = assembly.GetType("Emitted.Runner")!.GetMethod("Run")!;
        await (ValueTask)run.Invoke(null, [connection, batch])!;
        return (connection, (List<string>)log.GetType().GetProperty("Lines")!.GetValue(log)!);
    }

    [Fact]
    public async Task Open_text_binary_and_close_run_through_the_emitted_dispatcher()
    {
        var (c, log) = await RunAsync(Wire.Batch((Open, null), (Text, "hi"), (Binary, new byte[] { 1, 2, 3 }), (Close, Wire.CloseCode(1000))));
        Assert.Equal(["OPEN", "TEXT m:re:hi", "CLOSE 1000"], Wire.Describe(c));
        Assert.Equal(["open", "bytes 3", "close 1000 False"], log);
    }

    [Fact]
    public async Task Reject_from_the_emitted_OnOpen_reaches_the_connection()
    {
        var (c, log) = await RunAsync(Wire.Batch((Open, null)), "/no");
        Assert.Equal(401, c.Response.RejectStatusCode);
        Assert.Equal("who?", c.Response.RejectBody);
        Assert.Equal(["open"], log);
    }

    [Fact]
    public async Task Disconnect_runs_the_emitted_OnClose()
    {
        var (c, log) = await RunAsync(Wire.Batch((Disconnect, null)));
        Assert.Empty(Wire.Describe(c));
        Assert.Equal(["close  True"], log);
    }

    private sealed class DictionaryServices : Dictionary<Type, object>, IServiceProvider
    {
        public object? GetService(Type serviceType) => TryGetValue(serviceType, out object? s) ? s : null;
    }
}
