using System.Security.Cryptography;

namespace Grip.Hosting.Development;

/// <summary>
/// Options of the development proxy: an in-process stand-in for Pushpin that accepts real
/// WebSockets on the app's own Kestrel and drives the handlers over WebSocket-over-HTTP.
/// </summary>
public sealed class GripDevelopmentProxyOptions
{
    /// <summary>
    /// Whether the development proxy runs. <see langword="null"/> (the default) means: on in the
    /// Development environment when no GRIP proxy is configured, off everywhere else.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The <c>iss</c> claim of the Grip-Sig tokens the development proxy signs.</summary>
    public string SignatureIssuer { get; set; } = "grip-dev-proxy";

    /// <summary>
    /// The HS256 key the development proxy signs Grip-Sig tokens with. A fresh random key per
    /// process by default; hosting trusts it automatically while the development proxy runs.
    /// </summary>
    /// <remarks>
    /// The default key is drawn when first read (only a running proxy reads it): drawing it eagerly
    /// made every app, the production ones included, load OpenSSL at start-up (3.7 MiB of resident
    /// memory under Native AOT) for a key it never used.
    /// </remarks>
    public byte[] SignatureKey
    {
        get => _signatureKey ??= RandomNumberGenerator.GetBytes(32);
        set => _signatureKey = value ?? throw new ArgumentNullException(nameof(value));
    }

    private byte[]? _signatureKey;

    /// <summary>
    /// The base URI the development proxy sends WebSocket-over-HTTP requests to. <see langword="null"/>
    /// (the default) means the app's own first HTTP address.
    /// </summary>
    public Uri? OriginBaseAddress { get; set; }

    /// <summary>The most subscriptions one connection may hold (Pushpin's <c>connection_subscription_max</c>).</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 20;

    /// <summary>How long to wait for the origin to answer one request.</summary>
    public TimeSpan OriginTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
