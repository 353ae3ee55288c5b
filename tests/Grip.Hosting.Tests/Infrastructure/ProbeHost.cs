using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.Hosting.Tests.Infrastructure;

/// <summary>An in-process app (TestServer) with <see cref="ProbeHandler"/> mapped at <c>/ws</c>.</summary>
public sealed class ProbeHost : IAsyncDisposable
{
    public const string Key = "changeme";

    private ProbeHost(WebApplication app, HandlerProbe probe, CountingTimeProvider time)
    {
        App = app;
        Probe = probe;
        Time = time;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HandlerProbe Probe { get; }

    public CountingTimeProvider Time { get; }

    public HttpClient Client { get; }

    public static async Task<ProbeHost> StartAsync(
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? map = null,
        Action<WebApplication>? middleware = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?> { ["GRIP_URL"] = "http://127.0.0.1:5561/?iss=pushpin&key=" + Key + "&verify-iss=pushpin" });
        var time = new CountingTimeProvider(DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(time);
        var probe = new HandlerProbe();
        builder.Services.AddSingleton(probe);
        builder.Services.AddGrip(builder.Configuration);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        middleware?.Invoke(app);
        if (map is null)
        {
            app.MapGripHandler<ProbeHandler>("/ws");
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        return new ProbeHost(app, probe, time);
    }

    public string ValidSig(string iss = "pushpin", string key = Key) => Jwt.Hs256(key, Jwt.Claims(iss, Jwt.Now(Time) + 3600));

    public static HttpRequestMessage Request(byte[] body, string? sig, string? connectionId = "conn-1", string path = "/ws", Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/websocket-events");
        request.Headers.Accept.ParseAdd("application/websocket-events");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Extensions", "grip");
        if (connectionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Connection-Id", connectionId);
        }

        if (sig is not null)
        {
            request.Headers.TryAddWithoutValidation("Grip-Sig", sig);
        }

        configure?.Invoke(request);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(byte[] body, string? sig = "valid", string? connectionId = "conn-1", Action<HttpRequestMessage>? configure = null) =>
        Client.SendAsync(Request(body, sig == "valid" ? ValidSig() : sig, connectionId, configure: configure));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
