using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Benchmarks.Hosting;

/// <summary>
/// One WebSocket-over-HTTP request through a whole application pipeline (routing middleware,
/// endpoint, our endpoint delegate) on a <see cref="DefaultHttpContext"/>: everything an origin does
/// per request except Kestrel's HTTP parsing and the sockets, which cost the same for both apps.
/// <c>Bare</c> is the harness's <c>kestrel-limit</c> (read the body into a pooled array, answer it
/// unchanged; no parsing, no signature) in the same kind of app; <c>Grip</c> is an echo handler like
/// samples/Echo (subscribe on OPEN, echo text) behind <c>MapGripHandler</c> with a Grip-Sig key.
/// Tokens change like Pushpin's: a new <c>exp</c> (so a new token) every <see cref="RequestsPerToken"/>
/// requests, as if the origin served that many requests per second. <c>BarePipe</c> is the bare echo
/// through the request's <c>PipeReader</c> and the response's <c>PipeWriter</c> (how the endpoint reads
/// and writes since issue 18) instead of the streams; <c>GripSignedIn</c> is <c>Grip</c> with an
/// authenticated user on the request; <c>GripEchoSample</c> is <c>Grip</c> with a handler shaped exactly
/// like samples/Echo's (a logger in the constructor, static <c>[OnOpen]</c> and <c>[OnMessage]</c>,
/// an instance <c>[OnClose]</c>): what creating the handler instance costs a request, or does not.
/// Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    /// <summary>Requests served with one token before the next second's token arrives.</summary>
    public const int RequestsPerToken = 10_000;

    private const string Key = "changeme";

    private WebApplication _gripApp = null!;
    private WebApplication _gripSampleApp = null!;
    private RequestDelegate _gripSample = null!;
    private WebApplication _bareApp = null!;
    private RequestDelegate _grip = null!;
    private RequestDelegate _bare = null!;
    private RequestDelegate _barePipe = null!;
    private WebApplication _barePipeApp = null!;
    private readonly System.Security.Claims.ClaimsPrincipal _user = new(new System.Security.Claims.ClaimsIdentity([new("sub", "bench-user")], "bench"));
    private byte[] _body = null!;
    private string[] _tokens = null!;
    private int _request;

    /// <summary>What one request carries: one 64-byte TEXT event, 50 of them, or OPEN.</summary>
    [Params("single", "batch50", "open")]
    public string Scenario { get; set; } = "single";

    [GlobalSetup]
    public void Setup()
    {
        string text = "TEXT 40\r\n" + string.Concat(Enumerable.Repeat("0123456789abcdef", 4)) + "\r\n";
        _body = Encoding.ASCII.GetBytes(Scenario switch
        {
            "single" => text,
            "batch50" => string.Concat(Enumerable.Repeat(text, 50)),
            "open" => "OPEN\r\n",
            _ => throw new ArgumentException(Scenario),
        });

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _tokens = Enumerable.Range(0, 64).Select(i => Hs256(Key, $$"""{"iss":"pushpin","exp":{{now + 3600 + i}}}""")).ToArray();

        _gripApp = NewApp(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=" + Key + "&verify-iss=pushpin" });
        _gripApp.MapGripHandler<PipelineEchoHandler>("/api/websocket");
        _grip = Pipeline(_gripApp);

        _gripSampleApp = NewApp(new() { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=" + Key + "&verify-iss=pushpin" });
        _gripSampleApp.MapGripHandler<PipelineEchoSampleHandler>("/api/websocket");
        _gripSample = Pipeline(_gripSampleApp);

        _bareApp = NewApp([]);
        _bareApp.MapPost("/api/websocket", (RequestDelegate)BareEcho);
        _bare = Pipeline(_bareApp);

        _barePipeApp = NewApp([]);
        _barePipeApp.MapPost("/api/websocket", (RequestDelegate)BarePipeEcho);
        _barePipe = Pipeline(_barePipeApp);

        // Both answer 200 with a body, or the comparison means nothing.
        Check(_grip);
        Check(_gripSample);
        Check(_bare);
        Check(_barePipe);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _gripApp.DisposeAsync();
        await _gripSampleApp.DisposeAsync();
        await _bareApp.DisposeAsync();
        await _barePipeApp.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task Bare() => _bare(NewContext(out _));

    [Benchmark]
    public Task BarePipe() => _barePipe(NewContext(out _));

    [Benchmark]
    public Task Grip() => _grip(NewContext(out _));

    [Benchmark]
    public Task GripEchoSample() => _gripSample(NewContext(out _));

    [Benchmark]
    public Task GripSignedIn()
    {
        var context = NewContext(out _);
        context.User = _user;
        return _grip(context);
    }

    private void Check(RequestDelegate app)
    {
        var context = NewContext(out var output);
        app(context).GetAwaiter().GetResult();
        long length = output.TryRead(out var written) ? written.Buffer.Length : 0;
        if (context.Response.StatusCode != 200 || length == 0)
        {
            throw new InvalidOperationException($"The {Scenario} request was answered {context.Response.StatusCode} with {length} bytes.");
        }
    }

    /// <summary>
    /// A request as Kestrel presents one: the body is a <see cref="PipeReader"/> with a Stream over it,
    /// and the response body a <see cref="PipeWriter"/> with a Stream over it, so that reading or
    /// writing through either costs what it costs under Kestrel (DefaultHttpContext alone would put a
    /// pipe adapter over a MemoryStream, which Kestrel never does).
    /// </summary>
    private DefaultHttpContext NewContext(out PipeReader output)
    {
        var context = new DefaultHttpContext { RequestServices = _gripApp.Services };
        var request = context.Request;
        request.Method = "POST";
        request.Path = "/api/websocket";
        request.ContentType = "application/websocket-events";
        var headers = request.Headers;
        headers.Accept = "application/websocket-events";
        headers["Connection-Id"] = "bench-conn-1";
        headers["Sec-WebSocket-Extensions"] = "grip";
        headers["Grip-Sig"] = _tokens[(_request++ / RequestsPerToken) & 63];
        request.ContentLength = _body.Length;
        var body = PipeReader.Create(new ReadOnlySequence<byte>(_body));
        context.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipe(body));
        request.Body = body.AsStream();
        var response = new Pipe();
        context.Features.Set<IHttpResponseBodyFeature>(new ResponseBodyPipe(response.Writer));
        output = response.Reader;
        return context;
    }

    /// <summary>kestrel-limit's endpoint (shared/bench/kestrel-limit/Program.cs), reduced to the request sizes used here.</summary>
    private static async Task BareEcho(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max((int)(request.ContentLength ?? 4096), 16));
        try
        {
            int length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length))) > 0)
            {
                length += read;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/websocket-events";
            if (buffer.AsSpan(0, length).StartsWith("OPEN\r\n"u8))
            {
                response.Headers["Sec-WebSocket-Extensions"] = "grip";
            }

            response.ContentLength = length;
            await response.Body.WriteAsync(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><see cref="BareEcho"/> through the request's PipeReader and the response's PipeWriter.</summary>
    private static async Task BarePipeEcho(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var reader = request.BodyReader;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max((int)(request.ContentLength ?? 4096), 16));
        try
        {
            int length = 0;
            while (true)
            {
                var result = await reader.ReadAsync();
                var data = result.Buffer;
                if (length + data.Length > buffer.Length)
                {
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(checked((int)(length + data.Length)));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/websocket-events";
            if (buffer.AsSpan(0, length).StartsWith("OPEN\r\n"u8))
            {
                response.Headers["Sec-WebSocket-Extensions"] = "grip";
            }

            response.ContentLength = length;
            await response.BodyWriter.WriteAsync(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The request pipeline the host would run: routing, then the matched endpoint.</summary>
    private static RequestDelegate Pipeline(WebApplication app)
    {
        app.UseRouting();
        app.UseEndpoints(_ => { });
        return ((IApplicationBuilder)app).Build();
    }

    private static WebApplication NewApp(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddGrip(builder.Configuration);
        return builder.Build();
    }

    private static string Hs256(string key, string payload)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string input = B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray()) + "." + B64(Encoding.UTF8.GetBytes(payload));
        return input + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(input)));
    }
}

/// <summary>The request body as a pipe, as Kestrel's request feature offers it.</summary>
internal sealed class RequestBodyPipe(PipeReader reader) : IRequestBodyPipeFeature
{
    public PipeReader Reader => reader;
}

/// <summary>The response body as a pipe with a Stream over it, as Kestrel's response body feature offers it.</summary>
internal sealed class ResponseBodyPipe(PipeWriter writer) : IHttpResponseBodyFeature
{
    private Stream? _stream;

    public Stream Stream => _stream ??= writer.AsStream();

    public PipeWriter Writer => writer;

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CompleteAsync() => writer.CompleteAsync().AsTask();
}

/// <summary>samples/Echo's handler, minus the close logging: subscribe on OPEN, echo text.</summary>
public sealed partial class PipelineEchoHandler
{
    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe("test");

    [OnMessage]
    public static void Text(GripConnection connection, string text) => connection.Send(text);
}

/// <summary>samples/Echo's handler as it is (the logger is a real one with no providers): only [OnClose] needs the instance.</summary>
public sealed partial class PipelineEchoSampleHandler(ILogger<PipelineEchoSampleHandler> logger)
{
    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe("test");

    [OnMessage]
    public static void Echo(GripConnection connection, GripMessage message)
    {
        if (message.IsText)
        {
            connection.SendUtf8(message.Data.Span);
        }
        else
        {
            connection.SendBinary(message.Data.Span);
        }
    }

    [OnClose]
    public void Close(GripConnection connection, CloseStatus status) => LogClosed(logger, connection.Id, status.Code);

    [LoggerMessage(1, LogLevel.Information, "Connection {ConnectionId} closed with code {Code}")]
    private static partial void LogClosed(ILogger logger, string connectionId, int? code);
}
