
namespace Grip.Hosting.Publishing;

/// <summary>
/// The transport seam of the publisher: sends one batch of publishes to one proxy, once, and says
/// what became of it. <see cref="GripProxyQueue"/> owns everything around it (bounded queue,
/// coalescing, retries, timeouts of the whole publish, delivery guarantee, metrics, logs), so a
/// sender only has to classify a single attempt honestly: <see cref="GripSendStatus.NotSent"/> only
/// when the proxy provably did not get the items, <see cref="GripSendStatus.Unknown"/> whenever it may have.
/// </summary>
/// <remarks>
/// <see cref="HttpProxySender"/> POSTs <c>{"items":[...]}</c> to a proxy's publish endpoint. Another
/// transport (for example a ZeroMQ PUB socket feeding a Pushpin fleet) implements this interface
/// and is created in <see cref="GripPublisher"/>'s sender factory for its kind of target.
/// </remarks>
internal interface IGripProxySender : IAsyncDisposable
{
    /// <summary>Names the proxy in failures, logs and the <c>grip.proxy</c> metric tag.</summary>
    Uri Endpoint { get; }

    /// <summary>
    /// The most serialized item bytes (<see cref="PendingPublish.ItemsJson"/>, plus one comma between
    /// publishes) one batch may carry. A single publish is always sent, even when it alone is larger.
    /// </summary>
    int MaxBatchBytes { get; }

    /// <summary>Sends the batch once. Never throws for transport problems: they are a <see cref="GripSendResult"/>.</summary>
    /// <param name="batch">The publishes, in the order they were made.</param>
    /// <param name="cancellationToken">Cancelled only when the publisher shuts down.</param>
    Task<GripSendResult> SendAsync(IReadOnlyList<PendingPublish> batch, CancellationToken cancellationToken);
}

/// <summary>What one attempt to send a batch did.</summary>
internal enum GripSendStatus
{
    /// <summary>The proxy accepted the items.</summary>
    Delivered,

    /// <summary>The proxy provably did not get (or said it did not process) the items: safe to send again.</summary>
    NotSent,

    /// <summary>The proxy answered that it refuses the items (4xx): sending again would not help.</summary>
    Rejected,

    /// <summary>The items may have been published: sending again may duplicate them.</summary>
    Unknown,
}

/// <summary>The outcome of one send attempt.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Reason">Why it was not delivered (ignored for <see cref="GripSendStatus.Delivered"/>).</param>
/// <param name="StatusCode">The proxy's HTTP status, if it answered.</param>
/// <param name="Detail">The proxy's answer (truncated) or what went wrong.</param>
/// <param name="RetryAfter">How long the proxy asked to wait before trying again, if it said.</param>
/// <param name="Error">The exception behind it, for the log.</param>
internal sealed record GripSendResult(
    GripSendStatus Status,
    GripPublishFailureReason Reason = GripPublishFailureReason.ErrorStatus,
    int? StatusCode = null,
    string Detail = "",
    TimeSpan? RetryAfter = null,
    Exception? Error = null)
{
    public static readonly GripSendResult Delivered = new(GripSendStatus.Delivered);
}
