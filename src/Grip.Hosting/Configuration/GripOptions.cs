namespace Grip.Hosting;

/// <summary>
/// GripHandlers settings. <see cref="Microsoft.Extensions.DependencyInjection.GripServiceCollectionExtensions.AddGrip(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration, Action{GripOptions}?)"/>
/// binds them from the <c>GRIP_URL</c> and <c>GRIP_VERIFY_KEY</c> variables and the <c>Grip</c>
/// configuration section (docs/configuration.md), and validates them at start-up.
/// </summary>
public sealed class GripOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Grip";

    /// <summary>The default limit of a request body (an event batch): 1,000,000 bytes.</summary>
    public const long DefaultMaxRequestBodySize = 1_000_000;

    /// <summary>The GRIP URL of the main proxy (<c>Grip:Url</c>, else the <c>GRIP_URL</c> variable).</summary>
    public string? GripUrl { get; set; }

    /// <summary>A verify key for <see cref="GripUrl"/>'s proxy given apart from the URL (<c>Grip:VerifyKey</c>, else <c>GRIP_VERIFY_KEY</c>).</summary>
    public string? VerifyKey { get; set; }

    /// <summary>
    /// Publish to the proxy of <see cref="GripUrl"/>, or to a whole fleet of Pushpins, over ZeroMQ
    /// instead of HTTP (<c>Grip:ZeroMqPub</c>): the address of a PUB socket this origin binds, for
    /// example <c>tcp://127.0.0.1:5570</c>, that every Pushpin connects to (<c>push_in_sub_specs</c>
    /// with <c>push_in_sub_connect=true</c>). <see cref="GripUrl"/> then only supplies the Grip-Sig
    /// verify key. docs/scaling.md.
    /// </summary>
    public string? ZeroMqPub { get; set; }

    /// <summary>More proxies (<c>Grip:Proxies:0:Url</c>, ...): every one gets each publish, and each one's verify key is accepted.</summary>
    public IList<GripProxyOptions> Proxies { get; } = [];

    /// <summary>
    /// Extra keys that verify <c>Grip-Sig</c> without being tied to a publish proxy (<c>Grip:VerifyKeys:0</c>, ...),
    /// for example the old key during a rotation.
    /// </summary>
    public IList<string> AdditionalVerifyKeys { get; } = [];

    /// <summary>
    /// Development only: serve WebSocket-over-HTTP requests without any <c>Grip-Sig</c> check when no
    /// verify key is configured. Logs a warning at start-up. Unsigned requests never get their
    /// <c>Meta-*</c> headers trusted.
    /// </summary>
    public bool AllowUnsignedRequests { get; set; }

    /// <summary>The largest accepted request body; a larger one is answered 413. Default 1,000,000 bytes.</summary>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>Tolerated clock difference when checking <c>exp</c> of a <c>Grip-Sig</c>. Default 10 s.</summary>
    public TimeSpan SignatureClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Publisher settings (<c>Grip:Publisher</c>).</summary>
    public GripPublisherOptions Publisher { get; } = new();

    /// <summary>Problems found while binding configuration (unparsable numbers, ...); start-up fails when there are any.</summary>
    internal List<string> BindingErrors { get; } = [];
}

/// <summary>One more GRIP proxy.</summary>
public sealed class GripProxyOptions
{
    /// <summary>The proxy's GRIP URL (same syntax as <c>GRIP_URL</c>).</summary>
    public string? Url { get; set; }

    /// <summary>A verify key given apart from the URL.</summary>
    public string? VerifyKey { get; set; }

    /// <summary>A verify issuer given apart from the URL.</summary>
    public string? VerifyIss { get; set; }

    /// <summary>
    /// Publish to this proxy (or fleet of Pushpins) over ZeroMQ: the address of a PUB socket this
    /// origin binds, e.g. <c>tcp://127.0.0.1:5570</c>. <see cref="Url"/> is then optional and only
    /// supplies the Grip-Sig verify key. Entries naming the same address share one socket.
    /// </summary>
    public string? ZeroMqPub { get; set; }
}

/// <summary>How the publisher talks to the proxies.</summary>
public sealed class GripPublisherOptions
{
    /// <summary>Timeout of one HTTP attempt. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of a whole publish to one proxy, retries included. Default 30 s.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt on transport errors, timeouts and 5xx. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The base delay of the exponential backoff (with jitter). Default 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// ZeroMQ publishing: messages queued per connected Pushpin before further publishes to it fail
    /// (ZeroMQ's send high-water mark). Default 1000.
    /// </summary>
    public int ZeroMqSendHighWaterMark { get; set; } = 1000;

    /// <summary>Lifetime of the publish JWT (proxies configured with <c>iss</c> and <c>key</c>). Default 10 min, like js-grip.</summary>
    public TimeSpan JwtLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
