using System.Net;
using System.Net.Sockets;
using Grip.AsyncApi;
using Grip.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grip.Hosting.Tests.AsyncApi;

/// <summary>
/// GRIP_ASYNCAPI_OUTPUT: the app writes the document MapGripAsyncApi serves (the same bytes) and stops,
/// binding no port; every way it can fail says what to do. The samples' executables in this mode:
/// tests/Grip.Samples.Tests (AsyncApiWriteModeTests); the MSBuild target: src/Grip.TypeScript/test/build-chain.test.mjs.
/// </summary>
/// <remarks>One class, so its tests run one at a time: write mode sets <see cref="Environment.ExitCode"/>, which each test resets.</remarks>
public sealed class GripAsyncApiWriteModeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("grip-asyncapi-write-").FullName;

    static GripAsyncApiWriteModeTests() => GripContracts.Register(ProbeContract);

    private static GripHandlerContract ProbeContract { get; } = new(
        typeof(ProbeHandler),
        typeof(ProbeHandler).FullName!,
        "The probe.",
        null,
        null,
        [new GripRouteContract("MessageAsync", null, null, new GripPayloadContract(GripPayloadKind.Text, typeof(string)), null)],
        [],
        [],
        [],
        []);

    public void Dispose()
    {
        Environment.ExitCode = 0;
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_app_writes_the_served_bytes_binds_no_port_and_stops_with_exit_code_0()
    {
        byte[] served;
        await using (var normal = Build(output: null, server: "test"))
        {
            await normal.StartAsync();
            served = await normal.GetTestClient().GetByteArrayAsync("/asyncapi.json");
            await normal.StopAsync();
        }

        // Kestrel would have to bind this port, which is taken: starting would fail.
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        int port = ((IPEndPoint)held.LocalEndpoint).Port;
        string path = Path.Combine(_dir, "sub", "app.asyncapi.json");
        await using var app = Build(output: path, server: $"http://127.0.0.1:{port}");
        Assert.IsType<GripAsyncApiWriterServer>(app.Services.GetRequiredService<IServer>());
        Environment.ExitCode = 42;

        await app.StartAsync();
        await app.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, Environment.ExitCode);
        Assert.Equal(served, await File.ReadAllBytesAsync(path));
        Assert.Contains("\"asyncapi\": \"3.0.0\"", System.Text.Encoding.UTF8.GetString(served), StringComparison.Ordinal);
        Assert.Equal(["app.asyncapi.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_existing_document_is_replaced_whole()
    {
        string path = Path.Combine(_dir, "app.asyncapi.json");
        await File.WriteAllTextAsync(path, "{\"old\": true, \"padding\": \"" + new string('x', 100_000) + "\"}");
        await using var app = Build(output: path, server: "test");
        await app.StartAsync();
        await app.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, Environment.ExitCode);
        byte[] written = await File.ReadAllBytesAsync(path);
        Assert.Equal(app.Services.GetRequiredService<EndpointDataSource>().Endpoints.Select(e => e.Metadata.GetMetadata<GripAsyncApiEndpointMetadata>()).OfType<GripAsyncApiEndpointMetadata>().Single().Document, written);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Without_MapGripAsyncApi_the_app_says_so_exits_1_and_writes_nothing()
    {
        string path = Path.Combine(_dir, "app.asyncapi.json");
        await using var app = Build(output: path, server: "test", mapDocument: false);
        await app.StartAsync();
        await app.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Environment.ExitCode);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Without_MapGripAsyncApi_the_message_names_the_call_to_add()
    {
        using var app = Build(output: null, server: "test", mapDocument: false);
        var error = Assert.Throws<GripAsyncApiWriteException>(() => GripAsyncApiWriterServer.Write(Endpoints(app), Path.Combine(_dir, "a.json")));
        Assert.Equal(
            "GRIP_ASYNCAPI_OUTPUT is set, but the app maps no AsyncAPI document: call app.MapGripAsyncApi() after the app.MapGripHandler<T>(path) calls in Program.cs (docs/asyncapi.md).",
            error.Message);
    }

    [Fact]
    public void Without_handlers_the_message_says_the_document_would_be_empty()
    {
        using var app = Build(output: null, server: "test", mapHandler: false);
        var error = Assert.Throws<GripAsyncApiWriteException>(() => GripAsyncApiWriterServer.Write(Endpoints(app), Path.Combine(_dir, "a.json")));
        Assert.StartsWith("app.MapGripAsyncApi(\"/asyncapi.json\") is mapped, but no app.MapGripHandler<T>(path) endpoint is", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_handler_without_a_contract_is_reported_with_the_builder_s_reason()
    {
        using var app = Build(output: null, server: "test", mapHandler: false);
        app.MapGripHandler<NoContractHandler>("/nc");
        var error = Assert.Throws<GripAsyncApiWriteException>(() => GripAsyncApiWriterServer.Write(Endpoints(app), Path.Combine(_dir, "a.json")));
        Assert.StartsWith("the AsyncAPI document could not be built: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(NoContractHandler), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_different_documents_cannot_both_be_written()
    {
        using var app = Build(output: null, server: "test", mapDocument: false, mapHandler: false);
        var first = app.MapGroup("/one");
        first.MapGripHandler<ProbeHandler>("/ws");
        first.MapGripAsyncApi();
        var second = app.MapGroup("/two");
        second.MapGripHandler<ProbeHandler>("/other");
        second.MapGripAsyncApi("/doc.json");
        var error = Assert.Throws<GripAsyncApiWriteException>(() => GripAsyncApiWriterServer.Write(Endpoints(app), Path.Combine(_dir, "a.json")));
        Assert.Contains("serve different documents", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"/doc.json\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_that_cannot_be_written_is_reported_with_the_path_and_leaves_no_temporary_file()
    {
        using var app = Build(output: null, server: "test");
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "not a directory");
        string path = Path.Combine(file, "app.asyncapi.json");
        var error = Assert.Throws<GripAsyncApiWriteException>(() => GripAsyncApiWriterServer.Write(Endpoints(app), path));
        Assert.StartsWith($"could not write the AsyncAPI document to '{path}': ", error.Message, StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task A_failed_write_through_the_host_exits_1()
    {
        string file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        await using var app = Build(output: Path.Combine(file, "x.json"), server: "test");
        await app.StartAsync();
        await app.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, Environment.ExitCode);
    }

    [Fact]
    public void Without_the_setting_Kestrel_stays_the_server()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme" });
        builder.Services.AddGrip(builder.Configuration);
        using var app = builder.Build();
        Assert.IsNotType<GripAsyncApiWriterServer>(app.Services.GetRequiredService<IServer>());
    }

    private static IEnumerable<Endpoint> Endpoints(WebApplication app) => ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints);

    private static WebApplication Build(string? output, string server, bool mapDocument = true, bool mapHandler = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (server == "test")
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseUrls(server);
        }

        builder.Configuration.Sources.Clear();
        var settings = new Dictionary<string, string?> { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin" };
        if (output is not null)
        {
            settings[Microsoft.AspNetCore.Builder.GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable] = output;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new HandlerProbe());
        builder.Services.AddGrip(builder.Configuration);
        var app = builder.Build();
        if (mapHandler)
        {
            app.MapGripHandler<ProbeHandler>("/ws");
        }

        if (mapDocument)
        {
            app.MapGripAsyncApi();
        }

        return app;
    }

    private sealed class NoContractHandler : Grip.IGripHandler
    {
        public static ValueTask DispatchAsync(Grip.GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
