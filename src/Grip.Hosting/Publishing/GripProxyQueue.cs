using System.Diagnostics;
using System.Globalization;
using Grip.Hosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing;

/// <summary>
/// The publishes waiting for one proxy, and the requests that carry them there.
/// </summary>
/// <remarks>
/// <para>
/// Bounded: at most <see cref="GripPublisherOptions.MaxQueuedPublishes"/> publishes and
/// <see cref="GripPublisherOptions.MaxQueuedBytes"/> bytes wait (queued or in an unanswered
/// request); one more is refused at once, so a slow or dead proxy costs bounded memory.
/// </para>
/// <para>
/// At most <see cref="GripPublisherOptions.MaxRequestsInFlight"/> "pumps" run; each takes the
/// publishes at the head of the queue (with <see cref="GripPublisherOptions.Coalesce"/>: as many as
/// fit in one request, in order) and sends them with <see cref="IGripProxySender"/>. While a request
/// is in flight new publishes queue up behind it, so under load requests grow instead of multiplying.
/// </para>
/// <para>
/// The delivery rule (docs/publishing.md): a batch is sent again only when the sender says it
/// provably did not reach the proxy (<see cref="GripSendStatus.NotSent"/>), or, for publishes that
/// asked for at-least-once, when the outcome is unknown. Every other publish in a failed batch ends
/// with a <see cref="GripPublishFailure"/> saying failed or unknown, logged once per request.
/// </para>
/// </remarks>
internal sealed class GripProxyQueue : IAsyncDisposable
{
    private readonly IGripProxySender _sender;
    private readonly GripPublisherOptions _options;
    private readonly GripMetrics _metrics;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _proxyTag;
    private readonly Lock _gate = new();
    private readonly LinkedList<PendingPublish> _queue = new();
    private readonly CancellationTokenSource _shutdown = new();

    // Guarded by _gate. _pending counts queued and in-flight publishes (what the bound is about).
    private int _pending;
    private long _pendingBytes;
    private int _pumps;
    private bool _closed;
    private TaskCompletionSource? _drained;

    public GripProxyQueue(IGripProxySender sender, GripPublisherOptions options, GripMetrics metrics, ILogger logger)
    {
        _sender = sender;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _proxyTag = new("grip.proxy", sender.Endpoint.GetLeftPart(UriPartial.Authority));
    }

    public Uri Endpoint => _sender.Endpoint;

    /// <summary>Tests only: runs right after a publish was queued, before the method returns (to reproduce a race).</summary>
    internal Action? AfterQueuedForTest { get; set; }

    /// <summary>Publishes waiting now (queued or in flight).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>
    /// Queues the publish, or returns a <see cref="GripPublishFailureReason.QueueFull"/> failure
    /// without queuing it. Once queued, <see cref="PendingPublish.Completion"/> always ends.
    /// </summary>
    public GripPublishFailure? TryEnqueue(PendingPublish publish, CancellationToken callerToken)
    {
        int size = publish.ItemsJson.Length;

        // The expiry and the caller's token are hooked up before the publish is visible to a pump,
        // so that whoever completes it also finds them to release.
        publish.Expiry = new CancellationTokenSource(_options.TotalTimeout);
        publish.CallerToken = callerToken;
        publish.ExpiryRegistration = publish.Expiry.Token.UnsafeRegister(static s => ((PendingQueueEntry)s!).Withdraw(), new PendingQueueEntry(this, publish));
        if (callerToken.CanBeCanceled)
        {
            publish.CallerRegistration = callerToken.UnsafeRegister(static s => ((PendingQueueEntry)s!).Withdraw(), new PendingQueueEntry(this, publish));
        }

        bool startPump = false;
        bool closed = false;
        bool queued = false;
        int pending;
        long pendingBytes;
        lock (_gate)
        {
            pending = _pending;
            pendingBytes = _pendingBytes;
            if (_closed)
            {
                closed = true;
            }
            else if (_pending >= _options.MaxQueuedPublishes || _pendingBytes + size > _options.MaxQueuedBytes)
            {
                ReleaseHooks(publish);
                string detail = string.Create(CultureInfo.InvariantCulture, $"not queued: {pending} publishes ({pendingBytes} bytes) already wait for this proxy (Grip:Publisher:MaxQueuedPublishes {_options.MaxQueuedPublishes}, MaxQueuedBytes {_options.MaxQueuedBytes})");
                _metrics.PublishFailures.Add(1, _proxyTag, new("grip.outcome", "failed"), new("grip.reason", ReasonTag(GripPublishFailureReason.QueueFull)));
                Log.PublishQueueFull(_logger, publish.Items.Count, _sender.Endpoint, pending, pendingBytes);
                return new GripPublishFailure(_sender.Endpoint, null, detail, GripPublishOutcome.Failed, GripPublishFailureReason.QueueFull);
            }
            else
            {
                _pending++;
                _pendingBytes += size;
                if (!publish.Expiry.IsCancellationRequested && !callerToken.IsCancellationRequested)
                {
                    publish.Node = _queue.AddLast(publish);
                    queued = true;
                    if (_pumps < _options.MaxRequestsInFlight)
                    {
                        _pumps++;
                        startPump = true;
                    }
                }
            }
        }

        if (closed)
        {
            Complete(publish, new GripPublishFailure(_sender.Endpoint, null, "not sent: the publisher is shutting down", GripPublishOutcome.Failed, GripPublishFailureReason.ShutDown), counted: false);
            return null;
        }

        _metrics.PublishQueued.Add(1, _proxyTag);
        AfterQueuedForTest?.Invoke();

        // Decided under the lock: once queued, a running pump may already have taken the publish
        // (its Node is null again), and then the pump ends it, not this method.
        if (!queued)
        {
            // Cancelled or expired before it could be queued: counted in, so complete it the usual way.
            FinishWithdrawn(publish);
        }
        else if (startPump)
        {
            // The pump is long-lived: it must not carry the first caller's async locals (its
            // Activity, its logging scope) into every later request.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(PumpAsync, CancellationToken.None);
            }
        }

        return null;
    }

    /// <summary>Stops taking publishes, gives the queued ones <see cref="GripPublisherOptions.ShutdownTimeout"/> to go out, then fails the rest.</summary>
    public async ValueTask DisposeAsync()
    {
        Task drained;
        lock (_gate)
        {
            _closed = true;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_pending == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        try
        {
            await drained.WaitAsync(_options.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // What is still queued is failed below; in-flight requests are cancelled (and classified by the sender).
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        List<PendingPublish> left = [];
        lock (_gate)
        {
            foreach (var publish in _queue)
            {
                publish.Node = null;
                left.Add(publish);
            }

            _queue.Clear();
        }

        foreach (var publish in left)
        {
            Complete(publish, new GripPublishFailure(_sender.Endpoint, null, "not sent: the publisher shut down first", GripPublishOutcome.Failed, GripPublishFailureReason.ShutDown));
        }

        try
        {
            // In-flight requests end quickly once cancelled.
            await drained.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await _sender.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task PumpAsync()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                await SendWithRetriesAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A pump must survive anything: every publish it took must still end.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var failure = new GripPublishFailure(_sender.Endpoint, null, "publisher error: " + ex.Message, GripPublishOutcome.Unknown, GripPublishFailureReason.ConnectionLost);
                Log.PublishUnknown(_logger, ex, CountItems(batch), batch.Count, _sender.Endpoint, failure.Reason, null, failure.Body);
                foreach (var publish in batch)
                {
                    Complete(publish, failure);
                }
            }
        }
    }

    /// <summary>Takes the head of the queue (as much as one request carries when coalescing), or ends this pump.</summary>
    private List<PendingPublish>? TakeBatch()
    {
        lock (_gate)
        {
            if (_queue.First is null)
            {
                _pumps--;
                return null;
            }

            var batch = new List<PendingPublish>();
            int bytes = 0;
            while (_queue.First is { } node)
            {
                var publish = node.Value;
                int size = publish.ItemsJson.Length + (batch.Count > 0 ? 1 : 0);
                if (batch.Count > 0 && bytes + size > _sender.MaxBatchBytes)
                {
                    break;
                }

                _queue.RemoveFirst();
                publish.Node = null;
                batch.Add(publish);
                bytes += size;
                if (!_options.Coalesce)
                {
                    break;
                }
            }

            return batch;
        }
    }

    private async Task SendWithRetriesAsync(List<PendingPublish> batch)
    {
        var live = batch;
        GripSendResult? last = null;
        for (int attempt = 0; ; attempt++)
        {
            if (last is not null)
            {
                // Between attempts a publish may have run out of time: it ends with the last outcome.
                live = FailExpired(live, last);
                if (live.Count == 0)
                {
                    return;
                }
            }

            GripSendResult result;
            long sendStart = Stopwatch.GetTimestamp();
            using (var activity = StartSendActivity(live, attempt))
            {
                try
                {
                    result = await _sender.SendAsync(live, _shutdown.Token).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A throwing sender is a bug; what it may have sent is unknown.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    result = new GripSendResult(GripSendStatus.Unknown, GripPublishFailureReason.ConnectionLost, null, "sender error: " + ex.Message, null, ex);
                }

                if (result.Status != GripSendStatus.Delivered)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, result.Status.ToString());
                }
            }

            _metrics.PublishRequests.Add(1, _proxyTag, new("grip.result", ResultTag(result.Status)));
            _metrics.PublishBatchSize.Record(live.Count, _proxyTag);
            if (result.Status == GripSendStatus.Delivered)
            {
                Log.Published(_logger, CountItems(live), live.Count, _sender.Endpoint, Stopwatch.GetElapsedTime(sendStart).TotalMilliseconds);
                foreach (var publish in live)
                {
                    Complete(publish, null);
                }

                return;
            }

            last = result;
            bool mayRetry = attempt < _options.MaxRetryAttempts && !_shutdown.IsCancellationRequested;
            List<PendingPublish>? retry = null;
            List<PendingPublish>? final = null;
            foreach (var publish in live)
            {
                bool retryable = result.Status == GripSendStatus.NotSent || (result.Status == GripSendStatus.Unknown && publish.AtLeastOnce);
                if (retryable && mayRetry && !publish.Expiry!.IsCancellationRequested)
                {
                    (retry ??= []).Add(publish);
                }
                else
                {
                    (final ??= []).Add(publish);
                }
            }

            if (final is not null)
            {
                End(final, result);
            }

            if (retry is null)
            {
                return;
            }

            TimeSpan delay = result.RetryAfter is { } after && after > TimeSpan.Zero
                ? TimeSpan.FromTicks(Math.Min(after.Ticks, _options.TotalTimeout.Ticks))
                : Backoff(attempt);
            if (result.Status == GripSendStatus.Unknown)
            {
                Log.PublishResending(_logger, retry.Count, _sender.Endpoint, result.Reason);
            }
            else
            {
                Log.PublishRetrying(_logger, attempt + 1, _sender.Endpoint, result.Reason, result.StatusCode, delay.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(delay, _shutdown.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                End(retry, result);
                return;
            }

            live = retry;
        }
    }

    private List<PendingPublish> FailExpired(List<PendingPublish> live, GripSendResult last)
    {
        List<PendingPublish>? expired = null;
        List<PendingPublish> still = new(live.Count);
        foreach (var publish in live)
        {
            if (publish.Expiry!.IsCancellationRequested || _shutdown.IsCancellationRequested)
            {
                (expired ??= []).Add(publish);
            }
            else
            {
                still.Add(publish);
            }
        }

        if (expired is not null)
        {
            End(expired, last);
        }

        return still;
    }

    /// <summary>Ends publishes with the outcome of their last attempt: one log line for all of them.</summary>
    private void End(List<PendingPublish> publishes, GripSendResult result)
    {
        var outcome = result.Status == GripSendStatus.Unknown ? GripPublishOutcome.Unknown : GripPublishOutcome.Failed;
        string body = result.Detail;
        var failure = new GripPublishFailure(_sender.Endpoint, result.StatusCode, body, outcome, result.Reason);
        int items = CountItems(publishes);
        if (outcome == GripPublishOutcome.Unknown)
        {
            Log.PublishUnknown(_logger, result.Error, items, publishes.Count, _sender.Endpoint, result.Reason, result.StatusCode, body);
        }
        else
        {
            Log.PublishFailed(_logger, result.Error, items, publishes.Count, _sender.Endpoint, result.Reason, result.StatusCode, body);
        }

        foreach (var publish in publishes)
        {
            Complete(publish, failure);
        }
    }

    /// <summary>Called from the expiry timer or the caller's token: withdraws the publish if it is still queued.</summary>
    private void Withdraw(PendingPublish publish)
    {
        lock (_gate)
        {
            if (publish.Node is null)
            {
                // Already taken by a pump (or never queued): whoever holds it ends it.
                return;
            }

            _queue.Remove(publish.Node);
            publish.Node = null;
        }

        FinishWithdrawn(publish);
    }

    private void FinishWithdrawn(PendingPublish publish)
    {
        if (publish.CallerToken.IsCancellationRequested)
        {
            if (!publish.TryEnd())
            {
                Debug.Fail("A publish was ended twice.");
                return;
            }

            Release(publish);
            _metrics.PublishFailures.Add(1, _proxyTag, new("grip.outcome", "failed"), new("grip.reason", "canceled"));
            publish.TryCancel(publish.CallerToken);
            return;
        }

        var failure = new GripPublishFailure(
            _sender.Endpoint,
            null,
            string.Create(CultureInfo.InvariantCulture, $"not sent within Grip:Publisher:TotalTimeout ({_options.TotalTimeout.TotalSeconds:0.###} s): the proxy's earlier requests have not been answered"),
            GripPublishOutcome.Failed,
            GripPublishFailureReason.Expired);
        Log.PublishFailed(_logger, null, publish.Items.Count, 1, _sender.Endpoint, failure.Reason, null, failure.Body);
        Complete(publish, failure);
    }

    private void Complete(PendingPublish publish, GripPublishFailure? failure, bool counted = true)
    {
        if (!publish.TryEnd())
        {
            // Ended already: a second ending would give its place in the bound back twice.
            Debug.Fail("A publish was ended twice.");
            return;
        }

        if (counted)
        {
            Release(publish);
        }
        else
        {
            ReleaseHooks(publish);
        }

        double seconds = Stopwatch.GetElapsedTime(publish.StartTimestamp).TotalSeconds;
        if (failure is null)
        {
            _metrics.PublishDuration.Record(seconds, _proxyTag, new("grip.outcome", "success"));
            _metrics.PublishItems.Add(publish.Items.Count, _proxyTag);
        }
        else
        {
            string outcome = failure.Outcome == GripPublishOutcome.Unknown ? "unknown" : "failed";
            _metrics.PublishDuration.Record(seconds, _proxyTag, new("grip.outcome", outcome));
            _metrics.PublishFailures.Add(1, _proxyTag, new("grip.outcome", outcome), new("grip.reason", ReasonTag(failure.Reason)));
            if (failure.Outcome == GripPublishOutcome.Unknown)
            {
                _metrics.PublishUnknown.Add(1, _proxyTag);
            }
        }

        publish.TryComplete(failure);
    }

    /// <summary>Gives back the publish's place in the bound and its timer.</summary>
    private void Release(PendingPublish publish)
    {
        ReleaseHooks(publish);
        lock (_gate)
        {
            _pending--;
            _pendingBytes -= publish.ItemsJson.Length;
            if (_closed && _pending == 0)
            {
                _drained?.TrySetResult();
            }
        }

        _metrics.PublishQueued.Add(-1, _proxyTag);
    }

    private static void ReleaseHooks(PendingPublish publish)
    {
        // Unregister never waits for a running callback (this may run inside one).
        publish.ExpiryRegistration.Unregister();
        publish.CallerRegistration.Unregister();
        if (publish.Expiry is { IsCancellationRequested: false } expiry)
        {
            expiry.Dispose();
        }
    }

    private Activity? StartSendActivity(List<PendingPublish> batch, int attempt)
    {
        if (!GripTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        // One request carries many publishes: it continues the first one's trace and links the others.
        List<ActivityLink>? links = null;
        for (int i = 1; i < batch.Count && i < 32; i++)
        {
            if (batch[i].Parent != default)
            {
                (links ??= []).Add(new ActivityLink(batch[i].Parent));
            }
        }

        var activity = GripTelemetry.ActivitySource.StartActivity("grip.publish.send", ActivityKind.Client, batch[0].Parent, links: links);
        if (activity is not null)
        {
            activity.SetTag("grip.proxy", _proxyTag.Value);
            activity.SetTag("grip.publish.publishes", batch.Count);
            activity.SetTag("grip.publish.attempt", attempt + 1);
        }

        return activity;
    }

    private TimeSpan Backoff(int attempt)
    {
        // Exponential with full jitter between half and the whole step.
        double step = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16));
#pragma warning disable CA5394 // Jitter, not security.
        double jittered = (step / 2) + (Random.Shared.NextDouble() * step / 2);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Min(jittered, _options.TotalTimeout.TotalMilliseconds));
    }

    private static int CountItems(List<PendingPublish> publishes)
    {
        int count = 0;
        foreach (var publish in publishes)
        {
            count += publish.Items.Count;
        }

        return count;
    }

    internal static string ReasonTag(GripPublishFailureReason reason) => reason switch
    {
        GripPublishFailureReason.ErrorStatus => "error_status",
        GripPublishFailureReason.NotConnected => "not_connected",
        GripPublishFailureReason.SendTimeout => "send_timeout",
        GripPublishFailureReason.ResponseTimeout => "response_timeout",
        GripPublishFailureReason.ConnectionLost => "connection_lost",
        GripPublishFailureReason.QueueFull => "queue_full",
        GripPublishFailureReason.Expired => "expired",
        GripPublishFailureReason.ShutDown => "shut_down",
        _ => "other",
    };

    private static string ResultTag(GripSendStatus status) => status switch
    {
        GripSendStatus.Delivered => "delivered",
        GripSendStatus.NotSent => "not_sent",
        GripSendStatus.Rejected => "rejected",
        _ => "unknown",
    };

    /// <summary>The state a token callback needs (a queue and one of its publishes).</summary>
    private sealed class PendingQueueEntry(GripProxyQueue queue, PendingPublish publish)
    {
        public void Withdraw() => queue.Withdraw(publish);
    }
}
