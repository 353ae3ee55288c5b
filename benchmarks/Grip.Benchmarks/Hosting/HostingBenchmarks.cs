using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Grip.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Benchmarks.Hosting;

/// <summary>
/// The cost GripHandlers' hosting adds to one WebSocket-over-HTTP request, measured on the real
/// endpoint delegate (Grip-Sig check, WOH checks, bounded body read, dispatch, response headers and
/// body) with a <see cref="DefaultHttpContext"/>: no Kestrel, no network.
/// <c>_Baseline</c> = the handler dispatch alone (what the endpoint wraps).
/// </summary>
[MemoryDiagnoser]
public class HostingBenchmarks
{
    private const string Key = "changeme-but-longer-in-production";

    private static readonly byte[] TextBatch = "TEXT 5\r\nhello\r\n"u8.ToArray();

    private WebApplication _signedApp = null!;
    private WebApplication _unsignedApp = null!;
    private RequestDelegate _signed = null!;
    private RequestDelegate _unsigned = null!;
    private WebApplication _unsignedNoTimeoutApp = null!;
    private RequestDelegate _unsignedNoTimeout = null!;
    private string _sig = null!;
    private string[] _freshSigs = null!;
    private int _next;
    private IServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_signedApp, _signed) = Build(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=" + Key + "&verify-iss=pushpin" });
        (_unsignedApp, _unsigned) = Build(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/", ["Grip:AllowUnsignedRequests"] = "true" });
        (_unsignedNoTimeoutApp, _unsignedNoTimeout) = Build(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/", ["Grip:AllowUnsignedRequests"] = "true", ["Grip:HandlerTimeout"] = "off" });
        _services = _signedApp.Services;
        long exp = DateTimeOffset.UtcNow.AddHours(10).ToUnixTimeSeconds();
        _sig = Hs256(Key, $"{{\"exp\":{exp},\"iss\":\"pushpin\"}}");

        // More distinct tokens than the verifier remembers: every check is a full signature check.
        _freshSigs = Enumerable.Range(0, 4096).Select(i => Hs256(Key, $"{{\"exp\":{exp + i},\"iss\":\"pushpin\"}}")).ToArray();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _signedApp.DisposeAsync();
        await _unsignedApp.DisposeAsync();
        await _unsignedNoTimeoutApp.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task Dispatch_Baseline()
    {
        using var connection = new GripConnection("conn-1", NullRequest.Instance, _services);
        await EchoBenchHandler.DispatchAsync(connection, TextBatch, CancellationToken.None);
    }

    /// <summary>Building the request the endpoint benchmarks feed in (part of their time, not of the endpoint's).</summary>
    [Benchmark]
    public HttpContext ContextSetupOnly() => NewContext(_sig);

    [Benchmark]
    public Task Endpoint_Unsigned() => _unsigned(NewContext(null));

    /// <summary>The same with <c>Grip:HandlerTimeout=off</c>: what the default handler timeout costs a request.</summary>
    [Benchmark]
    public Task Endpoint_Unsigned_NoHandlerTimeout() => _unsignedNoTimeout(NewContext(null));

    /// <summary>Pushpin's token repeats within one second (claims are exp and iss only): the common case under load.</summary>
    [Benchmark]
    public Task Endpoint_SignedHs256_RepeatedToken() => _signed(NewContext(_sig));

    /// <summary>A token never seen before: a full HS256 check (read, verify, claims).</summary>
    [Benchmark]
    public Task Endpoint_SignedHs256_NewToken() => _signed(NewContext(_freshSigs[_next++ & 4095]));

    private DefaultHttpContext NewContext(string? sig)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        var request = context.Request;
        request.Method = "POST";
        request.Path = "/ws";
        request.ContentType = "application/websocket-events";
        request.Headers.Accept = "application/websocket-events";
        request.Headers["Connection-Id"] = "conn-1";
        if (sig is not null)
        {
            request.Headers["Grip-Sig"] = sig;
        }

        request.ContentLength = TextBatch.Length;
        request.Body = new MemoryStream(TextBatch, writable: false);
        context.Response.Body = Stream.Null;
        return context;
    }

    private static (WebApplication App, RequestDelegate Endpoint) Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddGrip(builder.Configuration);
        var app = builder.Build();
        app.MapGripHandler<EchoBenchHandler>("/ws");
        var endpoint = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Single();
        return (app, endpoint.RequestDelegate!);
    }

    private static string Hs256(string key, string payload)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string input = B64("""{"typ":"JWT","alg":"HS256"}"""u8.ToArray()) + "." + B64(Encoding.UTF8.GetBytes(payload));
        return input + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(input)));
    }

    private sealed class NullRequest : IGripRequest
    {
        public static readonly NullRequest Instance = new();

        public string Path => "/ws";

        public string QueryString => string.Empty;

        public string? GetQueryValue(string name) => null;

        public string? GetHeader(string name) => null;
    }
}

/// <summary>An echo handler implementing <see cref="IGripHandler"/> by hand (what the generator emits).</summary>
public sealed class EchoBenchHandler : IGripHandler
{
    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<EchoBenchHandler, Invoker>(connection, events, default, cancellationToken);

    public struct Invoker : IGripHandlerInvoker<EchoBenchHandler>
    {
        public readonly bool HasOpen => false;

        public readonly bool HasClose => false;

        public readonly ValueTask OnOpenAsync(ref EchoBenchHandler? handler, GripConnection connection, CancellationToken cancellationToken) => default;

        public readonly ValueTask OnMessageAsync(ref EchoBenchHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            connection.SendUtf8(message.Data.Span);
            return default;
        }

        public readonly ValueTask OnCloseAsync(ref EchoBenchHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) => default;
    }
}
