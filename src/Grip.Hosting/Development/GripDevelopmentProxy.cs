using System.Diagnostics.CodeAnalysis;

namespace Grip.Hosting.Development;

/// <summary>
/// The development proxy as seen from code in the same process that drives it: a test kit (the
/// <c>Grip.Testing</c> package is built on this) or a tool of your own. It finds the connection an
/// in-process client opened, and publishes to the proxy's connections in memory.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Microsoft.Extensions.DependencyInjection.GripDevelopmentProxyServiceCollectionExtensions.AddGripDevelopmentProxy"/> (and so
/// <c>AddGrip</c>) registers it as a singleton; resolve it from the app's services. It exists
/// whether or not the proxy runs (<see cref="GripDevelopmentProxyOptions.Enabled"/>); when it does
/// not run, no connection is ever found.
/// </para>
/// <para>
/// To attach a client in process: point the proxy's origin requests at the app (the
/// <see cref="HttpClientName"/> client's primary handler, and
/// <see cref="GripDevelopmentProxyOptions.OriginBaseAddress"/>), open the WebSocket with a unique
/// tag in the <see cref="ClientTagHeader"/> header, then find the connection with
/// <see cref="TryFindConnection"/>. The connection is registered a moment after the handshake
/// completes, so poll briefly.
/// </para>
/// </remarks>
public sealed class GripDevelopmentProxy
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> (from <see cref="IHttpClientFactory"/>) the development
    /// proxy sends its WebSocket-over-HTTP requests to the origin with. Configure it with
    /// <c>services.AddHttpClient(GripDevelopmentProxy.HttpClientName)</c>, for example to turn its
    /// logging back on or to give it an in-memory handler.
    /// </summary>
    public const string HttpClientName = "Grip.DevelopmentProxy";

    /// <summary>
    /// The WebSocket handshake header an in-process client sets to a tag of its choosing (unique
    /// per client), by which <see cref="TryFindConnection"/> finds its connection afterwards.
    /// </summary>
    public const string ClientTagHeader = "X-Grip-Test-Client";

    private readonly DevelopmentProxyHub _hub;

    internal GripDevelopmentProxy(DevelopmentProxyHub hub)
    {
        _hub = hub;
        Publisher = new DevelopmentProxyPublisher(hub);
    }

    /// <summary>
    /// An <see cref="IGripPublisher"/> that delivers to this proxy's connections in memory, through
    /// their subscription filters as Pushpin 1.36 does (<c>ws-message</c> items only). It is what
    /// <see cref="Microsoft.Extensions.DependencyInjection.GripDevelopmentProxyServiceCollectionExtensions.AddGripDevelopmentPublisher"/> registers,
    /// and what <c>AddGrip</c> uses while the development proxy runs.
    /// </summary>
    public IGripPublisher Publisher { get; }

    /// <summary>Finds the connection of the client that sent <paramref name="clientTag"/> in its <see cref="ClientTagHeader"/> header.</summary>
    /// <param name="clientTag">The tag the client sent.</param>
    /// <param name="connection">The connection, when found. It stays findable after it ends.</param>
    /// <returns><see langword="false"/> when no such client has connected (yet).</returns>
    public bool TryFindConnection(string clientTag, [NotNullWhen(true)] out GripDevelopmentProxyConnection? connection)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientTag);
        connection = _hub.FindByTag(clientTag) is { } session ? new GripDevelopmentProxyConnection(session) : null;
        return connection is not null;
    }
}
