using System.Diagnostics;
using System.Text;
using Grip.Hosting.Diagnostics;
using Grip.Hosting.Publishing.ZeroMq;
using Grip.Publishing;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing;

/// <summary>
/// Publishes to every configured proxy: validates and serializes the items once, queues them on each
/// proxy's <see cref="GripProxyQueue"/> (bounded, coalescing, at most once unless asked otherwise)
/// and reports per proxy with <see cref="GripPublishException"/> what did not succeed, and whether
/// it certainly failed or may have been published (docs/publishing.md).
/// </summary>
internal sealed class GripPublisher : IGripPublisher, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The name of the <see cref="IHttpClientFactory"/> client the HTTP sender uses (with HTTPS publishing
    /// left out of the build, the plain HTTP client is used instead and no factory client exists).
    /// </summary>
    public const string HttpClientName = "Grip.Publisher";

    /// <summary>Pushpin refuses publish bodies over this size.</summary>
    public const int MaxPublishBodyBytes = GripPublishRequest.MaxBodyBytes;

    private static ReadOnlySpan<byte> BodyPrefix => "{\"items\":["u8;

    private readonly ILogger _logger;
    private readonly GripProxyQueue[] _queues;
    private readonly GripDelivery _defaultDelivery;
    private int _disposed;

    /// <summary>One queue per configured proxy (HTTP targets first, then ZeroMQ PUB sockets).</summary>
    /// <param name="httpClients">Creates the client of each HTTP target's sender (null when HTTP publishing is left out of the build): see GripServiceCollectionExtensions.</param>
    /// <param name="runtime">The resolved configuration and options.</param>
    /// <param name="metrics">The publish metrics.</param>
    /// <param name="logger">The publisher's logger.</param>
    /// <param name="zeroMq">The ZeroMQ PUB sockets, if configured.</param>
    public GripPublisher(Func<HttpClient>? httpClients, GripRuntime runtime, GripMetrics metrics, ILogger<GripPublisher> logger, ZeroMqSockets? zeroMq = null)
    {
        _logger = logger;
        var options = runtime.Options.Publisher;
        _defaultDelivery = options.Delivery == GripDelivery.AtLeastOnce ? GripDelivery.AtLeastOnce : GripDelivery.AtMostOnce;
        var targets = runtime.Targets;

        // One queue per HTTP proxy, then one per ZeroMQ PUB socket (however many Pushpins connect to it).
        var pubSockets = zeroMq is { IsConfigured: true } ? zeroMq.Sockets : [];
        _queues = new GripProxyQueue[targets.Count + pubSockets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            _queues[i] = new GripProxyQueue(CreateSender(targets[i], httpClients, runtime), options, metrics, logger);
        }

        for (int i = 0; i < pubSockets.Count; i++)
        {
            _queues[targets.Count + i] = new GripProxyQueue(new ZeroMqProxySender(pubSockets[i], zeroMq!, logger), options, metrics, logger);
        }
    }

    /// <summary>Publishes waiting per proxy, in configuration order (for tests and diagnostics).</summary>
    internal IReadOnlyList<int> PendingCounts => [.. _queues.Select(q => q.PendingCount)];

    public Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default) =>
        PublishAsync(items, GripDelivery.Default, cancellationToken);

    public async Task PublishAsync(IReadOnlyList<PublishItem> items, GripDelivery delivery, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = GripTelemetry.ActivitySource.StartActivity("grip.publish", ActivityKind.Producer);
        var (publishes, refused) = Enqueue(items, delivery, activity, cancellationToken);
        try
        {
            await Task.WhenAll(publishes.Select(p => p.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }

        if (CollectFailures(publishes, refused) is { } failures)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "publish failed");
            throw CreateException(items.Count, failures);
        }
    }

    public void PublishInBackground(IReadOnlyList<PublishItem> items, GripDelivery delivery = GripDelivery.Default, Func<GripPublishException, Task>? onFailure = null)
    {
        var (publishes, refused) = Enqueue(items, delivery, null, CancellationToken.None);
        if (publishes.Length == 0)
        {
            throw CreateException(items.Count, refused!);
        }

        // Observed to its end: the queues bound how many of these can exist, and a failure is
        // always logged (by the queue) and handed to the callback, never left in an unobserved task.
        _ = ObserveAsync(items.Count, publishes, refused, onFailure);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_queues.Select(q => q.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <summary>
    /// A synchronous container disposal (hosts dispose asynchronously): the same drain, waited for
    /// (no synchronization context exists in ASP.NET Core, so blocking cannot deadlock).
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The JSON body, validated and checked against Pushpin's limit before anything is sent.</summary>
    internal static byte[] Serialize(IReadOnlyList<PublishItem> items) => GripPublishRequest.Serialize(items);

    /// <summary>The transport for an HTTP target; ZeroMQ PUB sockets get a <see cref="ZeroMqProxySender"/> (<see cref="IGripProxySender"/>).</summary>
    /// <exception cref="InvalidOperationException">HTTP publishing is left out of this build (start-up validation reports it first).</exception>
    private static HttpProxySender CreateSender(GripPublishTarget target, Func<HttpClient>? httpClients, GripRuntime runtime) =>
        GripFeatureSwitches.IsHttpPublishingSupported && httpClients is not null
            ? new HttpProxySender(target, httpClients(), runtime.Options.Publisher, runtime.TimeProvider)
            : throw new InvalidOperationException($"Publishing over HTTP to {target.PublishUri} needs HTTP publishing, which this build leaves out ({GripFeatureSwitches.HttpPublishingProperty}).");

    private (PendingPublish[] Publishes, List<GripPublishFailure>? Refused) Enqueue(IReadOnlyList<PublishItem> items, GripDelivery delivery, Activity? activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("Nothing to publish: the item list is empty.", nameof(items));
        }

        if (delivery is not (GripDelivery.Default or GripDelivery.AtMostOnce or GripDelivery.AtLeastOnce))
        {
            throw new ArgumentOutOfRangeException(nameof(delivery), delivery, "Unknown delivery guarantee.");
        }

        if (_queues.Length == 0)
        {
            throw new InvalidOperationException("No GRIP proxy is configured to publish to: set GRIP_URL (or Grip:Url / Grip:Proxies, or Grip:ZeroMqPub for a Pushpin fleet over ZeroMQ).");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        // Validated and serialized once for every proxy; a bad item throws before anything is queued.
        byte[] body = Serialize(items);
        Debug.Assert(body.AsSpan().StartsWith(BodyPrefix) && body[^2] == (byte)']' && body[^1] == (byte)'}', "GripPublishRequest writes {\"items\":[...]}");
        var itemsJson = body.AsMemory(BodyPrefix.Length, body.Length - BodyPrefix.Length - 2);
        bool atLeastOnce = (delivery == GripDelivery.Default ? _defaultDelivery : delivery) == GripDelivery.AtLeastOnce;
        if (activity is not null)
        {
            activity.SetTag("grip.publish.items", items.Count);
            activity.SetTag("grip.publish.channel", items[0].Channel);
            activity.SetTag("grip.publish.proxies", _queues.Length);
            activity.SetTag("grip.publish.bytes", body.Length);
            activity.SetTag("grip.publish.delivery", atLeastOnce ? "at-least-once" : "at-most-once");
        }

        var parent = activity?.Context ?? Activity.Current?.Context ?? default;
        long start = Stopwatch.GetTimestamp();
        var publishes = new List<PendingPublish>(_queues.Length);
        List<GripPublishFailure>? refused = null;
        foreach (var queue in _queues)
        {
            var publish = new PendingPublish(items, itemsJson, atLeastOnce, parent, start);
            if (queue.TryEnqueue(publish, cancellationToken) is { } failure)
            {
                (refused ??= []).Add(failure);
            }
            else
            {
                publishes.Add(publish);
            }
        }

        return ([.. publishes], refused);
    }

    private async Task ObserveAsync(int itemCount, PendingPublish[] publishes, List<GripPublishFailure>? refused, Func<GripPublishException, Task>? onFailure)
    {
        await Task.WhenAll(publishes.Select(p => p.Completion)).ConfigureAwait(false);
        if (CollectFailures(publishes, refused) is not { } failures || onFailure is null)
        {
            return;
        }

        try
        {
            await onFailure(CreateException(itemCount, failures)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A user callback's exception is logged, not left unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PublishFailureCallbackFailed(_logger, ex);
        }
    }

    private static List<GripPublishFailure>? CollectFailures(PendingPublish[] publishes, List<GripPublishFailure>? refused)
    {
        List<GripPublishFailure>? failures = refused is null ? null : [.. refused];
        foreach (var publish in publishes)
        {
            // Completed (never faulted); a cancelled one was handled by the caller's await.
            if (publish.Completion.IsCompletedSuccessfully && publish.Completion.Result is { } failure)
            {
                (failures ??= []).Add(failure);
            }
        }

        return failures;
    }

    private GripPublishException CreateException(int itemCount, List<GripPublishFailure> failures)
    {
        var message = new StringBuilder();
        bool uncertain = failures.Exists(f => f.Outcome == GripPublishOutcome.Unknown);
        message.Append("Publishing ").Append(itemCount).Append(" item(s) ")
            .Append(uncertain ? "has an unknown outcome or failed" : "failed")
            .Append(" at ").Append(failures.Count).Append(" of ").Append(_queues.Length).Append(" proxy(ies): ");
        for (int i = 0; i < failures.Count; i++)
        {
            var f = failures[i];
            message.Append(i == 0 ? string.Empty : "; ").Append(f.Proxy).Append(" -> ")
                .Append(f.Outcome == GripPublishOutcome.Unknown ? "UNKNOWN (may have been published) " : "failed ")
                .Append(f.StatusCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")
                .Append(' ').Append(f.Body);
        }

        string text = message.ToString();
        return failures.TrueForAll(f => f.Reason == GripPublishFailureReason.QueueFull)
            ? new GripPublishQueueFullException(text, failures)
            : new GripPublishException(text, failures);
    }
}
