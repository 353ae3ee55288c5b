using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Tests.Infrastructure;

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, long? ContentLength, bool Chunked);

/// <summary>A real HTTP listener on loopback that plays a proxy's publish endpoint, scripted per attempt.</summary>
public sealed class FakeProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeProxy(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers attempt n (0-based); default 200 "Published".</summary>
    public Func<int, HttpContext, Task>? Respond { get; set; }

    public static async Task<FakeProxy> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeProxy? self = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            bool chunked = context.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
            var proxy = self!;
            int attempt = proxy.Requests.Count;
            proxy.Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, buffer.ToArray(), context.Request.ContentLength, chunked));
            if (chunked || context.Request.ContentLength is null)
            {
                // What Pushpin does with a chunked publish.
                context.Response.StatusCode = 411;
                await context.Response.WriteAsync("Request requires Content-Length.\n");
                return;
            }

            if (proxy.Respond is { } respond)
            {
                await respond(attempt, context);
                return;
            }

            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("Published\n");
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeProxy(app, new Uri(address));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A loopback port nobody listens on (connection refused).</summary>
    public static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
