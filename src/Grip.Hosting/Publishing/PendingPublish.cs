using System.Diagnostics;
using Grip.Publishing;

namespace Grip.Hosting.Publishing;

/// <summary>
/// One publish waiting for one proxy: the items (for transports that send them one by one), their
/// serialized JSON (shared by every proxy), the delivery guarantee and the completion the caller awaits.
/// </summary>
internal sealed class PendingPublish
{
    private readonly TaskCompletionSource<GripPublishFailure?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingPublish(IReadOnlyList<PublishItem> items, ReadOnlyMemory<byte> itemsJson, bool atLeastOnce, ActivityContext parent, long startTimestamp)
    {
        Items = items;
        ItemsJson = itemsJson;
        AtLeastOnce = atLeastOnce;
        Parent = parent;
        StartTimestamp = startTimestamp;
    }

    /// <summary>The items as the caller gave them (validated).</summary>
    public IReadOnlyList<PublishItem> Items { get; }

    /// <summary>The items as JSON array elements, comma-separated, without the brackets: <c>{...},{...}</c>.</summary>
    public ReadOnlyMemory<byte> ItemsJson { get; }

    /// <summary>Re-send even when the outcome of a sent request is unknown.</summary>
    public bool AtLeastOnce { get; }

    /// <summary>The caller's publish span, the parent of the request that carries this publish.</summary>
    public ActivityContext Parent { get; }

    /// <summary>When the publish was made (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long StartTimestamp { get; }

    /// <summary>Null on success, else how it failed at this proxy. Never faults; cancelled only when the caller withdrew it.</summary>
    public Task<GripPublishFailure?> Completion => _completion.Task;

    /// <summary>The queue's node while the publish is queued (guarded by the queue's lock).</summary>
    internal LinkedListNode<PendingPublish>? Node { get; set; }

    /// <summary>Fires when the publish waited too long or the caller gave up (disposed once taken or completed).</summary>
    internal CancellationTokenSource? Expiry { get; set; }

    internal CancellationTokenRegistration ExpiryRegistration { get; set; }

    internal CancellationTokenRegistration CallerRegistration { get; set; }

    internal CancellationToken CallerToken { get; set; }

    private int _ended;

    /// <summary>Claims the right to end this publish: true exactly once (its place in the queue's bound is given back once).</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    internal bool TryComplete(GripPublishFailure? failure) => _completion.TrySetResult(failure);

    internal bool TryCancel(CancellationToken token) => _completion.TrySetCanceled(token);
}
