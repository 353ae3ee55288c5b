namespace Grip.Publishing;

/// <summary>
/// Publishes items to channels through every configured GRIP proxy. A publish is delivered once or
/// reported: it either succeeds, or throws <see cref="GripPublishException"/> saying, per proxy,
/// whether the items certainly did not get there (<see cref="GripPublishOutcome.Failed"/>) or may
/// have (<see cref="GripPublishOutcome.Unknown"/>). Nothing is dropped silently and, unless the
/// caller asked for <see cref="GripDelivery.AtLeastOnce"/>, nothing that may have arrived is sent again.
/// </summary>
public interface IGripPublisher
{
    /// <summary>
    /// Publishes several items in one request to every configured proxy, with the configured
    /// delivery guarantee (<c>Grip:Publisher:Delivery</c>, at most once unless changed).
    /// </summary>
    /// <exception cref="GripPublishException">A proxy refused the items, could not be reached, or the outcome is unknown.</exception>
    /// <exception cref="GripPublishQueueFullException">The items could not even be queued: too many publishes are waiting for a proxy.</exception>
    Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default) =>
        PublishAsync(items, GripDelivery.Default, cancellationToken);

    /// <summary>Publishes several items in one request to every configured proxy, with the given delivery guarantee.</summary>
    /// <param name="items">The items; validated (and size-checked) before anything is queued.</param>
    /// <param name="delivery">
    /// <see cref="GripDelivery.AtMostOnce"/>: a request that may have reached a proxy is never sent again;
    /// <see cref="GripDelivery.AtLeastOnce"/>: it is re-sent when its outcome is unknown, so subscribers may see it twice.
    /// </param>
    /// <param name="cancellationToken">
    /// Stops waiting. A publish that is still queued is withdrawn; one already sent stays sent
    /// (the call then throws <see cref="OperationCanceledException"/>, and the outcome is logged).
    /// </param>
    /// <exception cref="GripPublishException">A proxy refused the items, could not be reached, or the outcome is unknown.</exception>
    /// <exception cref="GripPublishQueueFullException">The items could not even be queued: too many publishes are waiting for a proxy.</exception>
    Task PublishAsync(IReadOnlyList<PublishItem> items, GripDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands the items off and returns as soon as they are queued for every proxy: the caller (for
    /// example a handler that must answer its own connection quickly) does not wait for the proxies.
    /// The publisher tracks the publish to its end; a failure is logged once, counted in the
    /// <c>Grip</c> meter and passed to <paramref name="onFailure"/>.
    /// </summary>
    /// <param name="items">The items; validated before anything is queued.</param>
    /// <param name="delivery">The delivery guarantee, as for <see cref="PublishAsync(IReadOnlyList{PublishItem}, GripDelivery, CancellationToken)"/>.</param>
    /// <param name="onFailure">Called once if the publish fails or its outcome is unknown at any proxy; an exception it throws is logged.</param>
    /// <exception cref="ArgumentException">An item is invalid.</exception>
    /// <exception cref="GripPublishQueueFullException">No proxy could queue the items (bounded queues, docs/configuration.md).</exception>
    void PublishInBackground(IReadOnlyList<PublishItem> items, GripDelivery delivery = GripDelivery.Default, Func<GripPublishException, Task>? onFailure = null);
}

/// <summary>How often a publish may reach a proxy.</summary>
public enum GripDelivery
{
    /// <summary>The configured default (<c>Grip:Publisher:Delivery</c>), which is <see cref="AtMostOnce"/> unless changed.</summary>
    Default = 0,

    /// <summary>
    /// Never send again what may have reached the proxy: only requests that provably did not arrive
    /// (refused connection, 429/503, a timeout before the body was sent) are retried. An unknown
    /// outcome is reported as <see cref="GripPublishOutcome.Unknown"/>. No duplicates.
    /// </summary>
    AtMostOnce = 1,

    /// <summary>
    /// Also re-send when the outcome is unknown (the answer timed out, the connection dropped after
    /// the body was sent). No loss that a retry can fix, but Pushpin does not de-duplicate, so a
    /// subscriber may receive the items twice.
    /// </summary>
    AtLeastOnce = 2,
}

/// <summary>Whether a failed publish may have reached the proxy.</summary>
public enum GripPublishOutcome
{
    /// <summary>The proxy certainly did not publish the items (not sent, or refused with an answer saying so).</summary>
    Failed = 0,

    /// <summary>The items were sent and may have been published: the answer never came or was a server error.</summary>
    Unknown = 1,
}

/// <summary>Why publishing to one proxy did not succeed.</summary>
public enum GripPublishFailureReason
{
    /// <summary>The proxy answered with an error status (see <see cref="GripPublishFailure.StatusCode"/>).</summary>
    ErrorStatus = 0,

    /// <summary>No connection could be made (refused, DNS, connect timeout) or it failed before the request body was sent.</summary>
    NotConnected = 1,

    /// <summary>The request could not be sent within the attempt timeout.</summary>
    SendTimeout = 2,

    /// <summary>The request was sent but no answer came within the response timeout.</summary>
    ResponseTimeout = 3,

    /// <summary>The connection was lost after the request body was sent.</summary>
    ConnectionLost = 4,

    /// <summary>The publish was not queued: the proxy's queue of pending publishes is full.</summary>
    QueueFull = 5,

    /// <summary>The publish waited (queued or between retries) longer than the total timeout and was never sent.</summary>
    Expired = 6,

    /// <summary>The publisher was shutting down before the publish was sent.</summary>
    ShutDown = 7,
}

/// <summary>Publishing failed at one or more proxies, or its outcome there is unknown.</summary>
public class GripPublishException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message, IReadOnlyList<GripPublishFailure> failures, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(failures);
        Failures = failures;
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishException()
        : this("Publishing failed.", [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishException(string message, Exception innerException)
        : this(message, [], innerException)
    {
    }

    /// <summary>One entry per proxy that did not succeed (proxies that accepted the items are not listed).</summary>
    public IReadOnlyList<GripPublishFailure> Failures { get; }

    /// <summary>
    /// <see langword="true"/> when at least one proxy may have published the items
    /// (<see cref="GripPublishOutcome.Unknown"/>): re-sending could deliver them twice.
    /// </summary>
    public bool IsUncertain
    {
        get
        {
            foreach (var failure in Failures)
            {
                if (failure.Outcome == GripPublishOutcome.Unknown)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The items could not be queued because a proxy already has the maximum number of publishes pending.</summary>
public sealed class GripPublishQueueFullException : GripPublishException
{
    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException(string message, IReadOnlyList<GripPublishFailure> failures)
        : base(message, failures)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException()
        : base("The publish queue is full.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GripPublishQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>How publishing to one proxy failed.</summary>
/// <param name="Proxy">The publish URI (or endpoint) of the proxy.</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
/// <param name="Body">The response body (truncated), or what went wrong.</param>
/// <param name="Outcome">Whether the proxy may have published the items.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record GripPublishFailure(Uri Proxy, int? StatusCode, string Body, GripPublishOutcome Outcome = GripPublishOutcome.Failed, GripPublishFailureReason Reason = GripPublishFailureReason.ErrorStatus);
