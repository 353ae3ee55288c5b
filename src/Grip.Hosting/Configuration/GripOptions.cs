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

    /// <summary>The default <see cref="HandlerTimeout"/>: 60 s.</summary>
    /// <remarks>
    /// Pushpin 1.36 sends each WebSocket-over-HTTP request through zurl, whose <c>timeout</c> (600 s
    /// in the <c>zurl.conf</c> Pushpin's runner writes: "expiration time for inactive requests") is
    /// the only limit on how long the origin may take; Pushpin then drops the client, and until then
    /// it holds the connection's later messages. 60 s is far below that and above the publisher's
    /// default <see cref="GripPublisherOptions.TotalTimeout"/> (30 s), so a handler that publishes
    /// sees its own publish failure before its own timeout.
    /// </remarks>
    public static readonly TimeSpan DefaultHandlerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long one batch may spend in handlers before GripHandlers gives up on it: the connection is
    /// closed with 1011 <c>Handler timeout</c> (rejected with 500 while opening), the handler's
    /// cancellation token is cancelled, and the timeout is logged; other connections are not
    /// affected. <see langword="null"/> (configuration value <c>off</c>) waits for ever. Default 60 s;
    /// per endpoint with <c>MapGripHandler&lt;T&gt;(...).WithGripHandlerTimeout(...)</c>.
    /// </summary>
    public TimeSpan? HandlerTimeout { get; set; } = DefaultHandlerTimeout;

    /// <summary>The largest accepted <see cref="HandlerTimeout"/>: 590 s, under zurl's 600 s.</summary>
    public static readonly TimeSpan MaxHandlerTimeout = TimeSpan.FromSeconds(590);

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

/// <summary>How the publisher talks to the proxies (docs/publishing.md explains the delivery rule, docs/configuration.md the keys).</summary>
public sealed class GripPublisherOptions
{
    /// <summary>
    /// Time to connect and send one attempt's request. A request that is not completely sent in
    /// this time cannot have been published, so it is retried. Default 10 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time to wait for the proxy's answer once the request is sent. When it passes, the outcome is
    /// <see cref="Grip.Publishing.GripPublishOutcome.Unknown"/> (the proxy may be publishing it):
    /// the request is not sent again unless the publish asked for at-least-once. Default 30 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a publish may wait for a proxy before it is sent, queue and retries included;
    /// then it fails (never sent). Default 30 s.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, for requests that provably did not reach the proxy (or, with at-least-once, whose outcome is unknown). Default 3.</summary>
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

    /// <summary>
    /// The delivery guarantee of a publish that does not choose one
    /// (<see cref="Grip.Publishing.GripDelivery.Default"/>). Default at most once: nothing that may
    /// have reached a proxy is sent again.
    /// </summary>
    public Grip.Publishing.GripDelivery Delivery { get; set; } = Grip.Publishing.GripDelivery.AtMostOnce;

    /// <summary>
    /// Publish requests in flight at once per proxy. With 1 (the default) publishes reach each proxy
    /// in the order they were made; more requests in parallel can reorder them. 1-64.
    /// </summary>
    public int MaxRequestsInFlight { get; set; } = 1;

    /// <summary>
    /// Publishes waiting per proxy (queued, or in a request not yet answered). One more is refused
    /// with <see cref="Grip.Publishing.GripPublishQueueFullException"/>. Default 10,000.
    /// </summary>
    public int MaxQueuedPublishes { get; set; } = 10_000;

    /// <summary>Bytes of serialized items waiting per proxy; past it a publish is refused like a full queue. Default 64 MiB.</summary>
    public long MaxQueuedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Send publishes queued for the same proxy while a request is in flight together, as one
    /// <c>{"items":[...]}</c> request of at most 1,000,000 bytes, in order. Default true.
    /// </summary>
    public bool Coalesce { get; set; } = true;

    /// <summary>How long disposing the publisher (host shutdown) waits for queued publishes to be sent. Default 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
