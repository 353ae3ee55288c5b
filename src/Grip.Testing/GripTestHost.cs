using System.Collections.Concurrent;
using Grip.Hosting.Development;
using Grip.Hosting.Security;
using Grip.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Grip.Testing;

/// <summary>
/// Runs an app (or a single handler) in-process on ASP.NET Core's TestServer behind the GRIP
/// development proxy: fake clients connect over real (in-memory) WebSockets, and every event goes
/// through WebSocket-over-HTTP, Grip-Sig and the generated dispatcher exactly as in production.
/// Publishes are captured and delivered to subscribed fake clients.
/// </summary>
/// <example>
/// <code>
/// await using var host = await GripTestHost.StartHandlerAsync&lt;ChatHandler&gt;("/api/chat");
/// await using var alice = await host.ConnectAsync("/api/chat");
/// await alice.SendTextAsync("hi");
/// Assert.Equal("hi", await alice.ReceiveTextAsync());
/// </code>
/// </example>
public sealed class GripTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestServer _server;
    private readonly CapturingPublisher _publisher;
    private int _clientCount;

    private GripTestHost(WebApplication app, CapturingPublisher publisher)
    {
        _app = app;
        _server = app.GetTestServer();
        _publisher = publisher;
    }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every item published through <see cref="IGripPublisher"/> so far, in order.</summary>
    public IReadOnlyList<PublishItem> Publishes => _publisher.Snapshot();

    /// <summary>How long <see cref="GripTestClient.ReceiveAsync"/> waits by default. 5 s.</summary>
    public TimeSpan DefaultReceiveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An HTTP client for the app's ordinary endpoints.</summary>
    public HttpClient CreateHttpClient() => _server.CreateClient();

    /// <summary>
    /// Starts an app. <paramref name="configureServices"/> adds the app's services (call
    /// <c>services.AddGrip(...)</c> there or let the kit do it), <paramref name="configureApp"/>
    /// maps its endpoints (<c>app.MapGripHandler&lt;T&gt;(...)</c>).
    /// </summary>
    public static async Task<GripTestHost> StartAsync(Action<WebApplicationBuilder>? configureServices, Action<WebApplication> configureApp)
    {
        ArgumentNullException.ThrowIfNull(configureApp);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        configureServices?.Invoke(builder);

        // Both AddGrip overloads, and nothing else, register the Grip-Sig verifier: its absence means
        // the app has not called AddGrip.
        if (!builder.Services.Any(d => d.ServiceType == typeof(GripSignatureVerifier)))
        {
            builder.Services.AddGrip(builder.Configuration);
        }

        // The development proxy in front of the app (its public registration and options), talking
        // to it through the TestServer.
        builder.Services.AddGripDevelopmentProxy(o =>
        {
            o.Enabled = true;
            o.OriginBaseAddress = new Uri("http://localhost/");
        });
        builder.Services.AddHttpClient(GripDevelopmentProxy.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()).CreateHandler());

        // Publishes are captured, then delivered to the fake clients by the proxy's in-memory publisher.
        builder.Services.AddSingleton(sp => new CapturingPublisher(sp.GetRequiredService<GripDevelopmentProxy>().Publisher));
        builder.Services.Replace(ServiceDescriptor.Singleton<IGripPublisher>(sp => sp.GetRequiredService<CapturingPublisher>()));

        var app = builder.Build();
        configureApp(app);
        await app.StartAsync().ConfigureAwait(false);
        return new GripTestHost(app, app.Services.GetRequiredService<CapturingPublisher>());
    }

    /// <summary>Starts a minimal app that serves one handler at <paramref name="pattern"/>.</summary>
    public static Task<GripTestHost> StartHandlerAsync<THandler>(string pattern = "/ws", Action<IServiceCollection>? configureServices = null)
        where THandler : class, IGripHandler =>
        StartAsync(
            builder => configureServices?.Invoke(builder.Services),
            app => app.MapGripHandler<THandler>(pattern));

    /// <summary>Connects a fake client.</summary>
    /// <param name="pathAndQuery">For example <c>/api/chat?token=abc</c>.</param>
    /// <param name="subprotocols">Subprotocols to offer.</param>
    /// <param name="headers">Extra handshake headers (cookies, authorization, origin, ...).</param>
    /// <exception cref="GripTestConnectException">The handler rejected the connection.</exception>
    public async Task<GripTestClient> ConnectAsync(string pathAndQuery, IEnumerable<string>? subprotocols = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        string tag = "client-" + Interlocked.Increment(ref _clientCount);
        var client = _server.CreateWebSocketClient();
        foreach (string protocol in subprotocols ?? [])
        {
            client.SubProtocols.Add(protocol);
        }

        int status = 0;
        client.ConfigureRequest = request =>
        {
            request.Headers[GripDevelopmentProxy.ClientTagHeader] = tag;
            foreach (var header in headers ?? [])
            {
                request.Headers.Append(header.Key, header.Value);
            }
        };

        System.Net.WebSockets.WebSocket socket;
        try
        {
            socket = await client.ConnectAsync(new Uri(new Uri("ws://localhost/"), pathAndQuery), CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // TestServer reports a handshake that did not upgrade as "Incomplete handshake, status code: N".
            string text = ex.Message;
            int at = text.LastIndexOf(':');
            if (at > 0 && int.TryParse(text[(at + 1)..].Trim(), out int code))
            {
                status = code;
            }

            throw new GripTestConnectException(status, null, ex);
        }

        // The 101 can reach the client a moment before the proxy registers the connection.
        var proxy = _app.Services.GetRequiredService<GripDevelopmentProxy>();
        var deadline = DateTime.UtcNow + DefaultReceiveTimeout;
        GripDevelopmentProxyConnection? connection;
        while (!proxy.TryFindConnection(tag, out connection))
        {
            if (DateTime.UtcNow > deadline)
            {
                socket.Abort();
                throw new InvalidOperationException("The development proxy did not register the client's connection.");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        return new GripTestClient(socket, connection, DefaultReceiveTimeout);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Records publishes, then hands them on.</summary>
    internal sealed class CapturingPublisher(IGripPublisher inner) : IGripPublisher
    {
        private readonly ConcurrentQueue<PublishItem> _items = new();

        public IReadOnlyList<PublishItem> Snapshot() => [.. _items];

        public Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default) =>
            PublishAsync(items, GripDelivery.Default, cancellationToken);

        public Task PublishAsync(IReadOnlyList<PublishItem> items, GripDelivery delivery, CancellationToken cancellationToken = default)
        {
            Record(items);
            return inner.PublishAsync(items, delivery, cancellationToken);
        }

        public void PublishInBackground(IReadOnlyList<PublishItem> items, GripDelivery delivery = GripDelivery.Default, Func<GripPublishException, Task>? onFailure = null)
        {
            Record(items);
            inner.PublishInBackground(items, delivery, onFailure);
        }

        private void Record(IReadOnlyList<PublishItem> items)
        {
            ArgumentNullException.ThrowIfNull(items);
            foreach (var item in items)
            {
                item.Validate();
                _items.Enqueue(item);
            }
        }
    }
}
