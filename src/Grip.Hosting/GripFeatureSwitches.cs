using System.Diagnostics.CodeAnalysis;

namespace Grip.Hosting;

/// <summary>
/// The feature switches of Grip.Hosting (docs/configuration.md, "Feature switches"). Each is an
/// <see cref="AppContext"/> switch that the trimmer and the Native AOT compiler treat as a constant
/// when the app sets it with <c>Trim="true"</c> (the MSBuild properties in
/// buildTransitive/Grip.Hosting.targets do), so the code behind a switch that is off is not
/// compiled into the binary at all.
/// </summary>
internal static class GripFeatureSwitches
{
    /// <summary>The switch behind <see cref="IsDevelopmentProxySupported"/>; MSBuild: <c>GripDevelopmentProxySupport</c>.</summary>
    internal const string DevelopmentProxy = "Grip.Hosting.DevelopmentProxy.IsSupported";

    /// <summary>The MSBuild property that sets <see cref="DevelopmentProxy"/>.</summary>
    internal const string DevelopmentProxyProperty = "GripDevelopmentProxySupport";

    /// <summary>
    /// Whether the development proxy (docs/development-proxy.md) is part of this build. On unless the
    /// switch says false; Native AOT and trimmed publishing turn it off by default, because a
    /// production binary never runs it (it would add the WebSocket server, the HTTP client that
    /// forwards to the origin and the in-memory hub).
    /// </summary>
    /// <remarks>
    /// Read each time (it is asked at registration and start-up only, never per request), so tests can
    /// turn it off with <see cref="AppContext.SetSwitch"/>; the Native AOT compiler replaces the whole
    /// getter with the constant the build sets.
    /// </remarks>
    [FeatureSwitchDefinition(DevelopmentProxy)]
    internal static bool IsDevelopmentProxySupported =>
        !AppContext.TryGetSwitch(DevelopmentProxy, out bool supported) || supported;

    /// <summary>The switch behind <see cref="IsHttpPublishingSupported"/>; MSBuild: <c>GripHttpPublishingSupport</c>.</summary>
    internal const string HttpPublishing = "Grip.Hosting.HttpPublishing.IsSupported";

    /// <summary>The MSBuild property that sets <see cref="HttpPublishing"/>.</summary>
    internal const string HttpPublishingProperty = "GripHttpPublishingSupport";

    /// <summary>
    /// Whether publishing over HTTP (a proxy's publish endpoint: Pushpin's <c>:5561</c>, Fastly's API)
    /// is part of this build. On unless the switch says false. An origin that publishes only over
    /// ZeroMQ (<c>Grip:ZeroMqPub</c>) can turn it off: the HTTP client with its TLS stack is 2.9 MiB
    /// of a Native AOT executable (docs/performance.md).
    /// </summary>
    /// <remarks>Read each time, like <see cref="IsDevelopmentProxySupported"/>.</remarks>
    [FeatureSwitchDefinition(HttpPublishing)]
    internal static bool IsHttpPublishingSupported =>
        !AppContext.TryGetSwitch(HttpPublishing, out bool supported) || supported;

    /// <summary>The switch behind <see cref="IsHttpsPublishingSupported"/>; MSBuild: <c>GripHttpsPublishingSupport</c>.</summary>
    internal const string HttpsPublishing = "Grip.Hosting.HttpsPublishing.IsSupported";

    /// <summary>The MSBuild property that sets <see cref="HttpsPublishing"/>.</summary>
    internal const string HttpsPublishingProperty = "GripHttpsPublishingSupport";

    /// <summary>
    /// Whether publishing over HTTPS (Fastly's API, any <c>https://</c> publish endpoint) is part of this
    /// build. On unless the switch says false: then HTTP publish requests go through GripHandlers' own
    /// plain HTTP/1.1 client (Publishing/PlainHttp) instead of <see cref="SocketsHttpHandler"/>, so the TLS
    /// stack (SslStream, X.509, the OpenSSL interop: 2.3 MiB of a Native AOT executable) is not compiled
    /// in, and an <c>https://</c> publish target fails start-up validation. For an origin that publishes
    /// only to Pushpin's plain-HTTP publish endpoint (<c>http://127.0.0.1:5561</c>). Publishing over HTTP
    /// left out altogether (<see cref="IsHttpPublishingSupported"/> false) wins.
    /// </summary>
    /// <remarks>Read each time, like <see cref="IsDevelopmentProxySupported"/>.</remarks>
    [FeatureSwitchDefinition(HttpsPublishing)]
    internal static bool IsHttpsPublishingSupported =>
        !AppContext.TryGetSwitch(HttpsPublishing, out bool supported) || supported;
}
