using Grip.Publishing;

namespace Grip;

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
