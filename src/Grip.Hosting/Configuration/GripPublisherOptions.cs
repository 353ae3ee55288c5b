namespace Grip.Hosting;

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
    /// <see cref="Grip.GripPublishOutcome.Unknown"/> (the proxy may be publishing it):
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
    /// (<see cref="Grip.GripDelivery.Default"/>). Default at most once: nothing that may
    /// have reached a proxy is sent again.
    /// </summary>
    public Grip.GripDelivery Delivery { get; set; } = Grip.GripDelivery.AtMostOnce;

    /// <summary>
    /// Publish requests in flight at once per proxy. With 1 (the default) publishes reach each proxy
    /// in the order they were made; more requests in parallel can reorder them. 1-64.
    /// </summary>
    public int MaxRequestsInFlight { get; set; } = 1;

    /// <summary>
    /// Publishes waiting per proxy (queued, or in a request not yet answered). One more is refused
    /// with <see cref="Grip.GripPublishQueueFullException"/>. Default 10,000.
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
