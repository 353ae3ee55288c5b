using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Grip.Hosting.Diagnostics;
using Grip.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>
/// Publishes through the configured ZeroMQ PUB sockets (grip-spec §3.4): every item becomes one
/// two-frame message, encoded once and handed to every connected Pushpin that subscribed to its
/// channel. Sockets are bound when the host starts (a bind failure stops start-up) or, outside a
/// host, on first use.
/// </summary>
/// <remarks>
/// Delivery: ZeroMQ PUB is fire-and-forget. A message is written at most once to each subscriber's
/// connection and never re-sent, so there are no duplicates; there is no acknowledgement, so a
/// Pushpin that is down, reconnecting or not yet subscribed misses it. The only loss the caller
/// can be told about is a full send queue (<see cref="GripPublisherOptions.ZeroMqSendHighWaterMark"/>):
/// that subscriber provably did not get the message, and the publish fails for it. Messages still
/// queued when a subscriber disconnects are counted (<c>grip.publish.zeromq.abandoned</c>) and logged.
/// </remarks>
internal sealed class ZeroMqPublisher : IAsyncDisposable
{
    private readonly GripRuntime _runtime;
    private readonly ILogger _logger;
    private readonly Lock _bindLock = new();
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _abandoned;
    private readonly Counter<long> _items;
    private readonly Histogram<double> _duration;
    private ZmtpPubSocket[]? _sockets;

    public ZeroMqPublisher(GripRuntime runtime, IMeterFactory meterFactory, ILogger<ZeroMqPublisher> logger)
    {
        _runtime = runtime;
        _logger = logger;
        var meter = meterFactory.Create(GripTelemetry.Name);
        _dropped = meter.CreateCounter<long>("grip.publish.zeromq.dropped", "{message}", "Messages not sent to a connected Pushpin because its ZeroMQ send queue was full (the publish failed for it).");
        _abandoned = meter.CreateCounter<long>("grip.publish.zeromq.abandoned", "{message}", "Messages queued for a Pushpin whose ZeroMQ connection ended before they were written.");
        _items = meter.CreateCounter<long>("grip.publish.zeromq.items", "{item}", "Items queued for a Pushpin over ZeroMQ (counted once per subscriber that matched).");
        _duration = meter.CreateHistogram<double>("grip.publish.zeromq.duration", "s", "Time to hand one publish call to every matching ZeroMQ subscriber (no network wait).");
        meter.CreateObservableGauge("grip.publish.zeromq.subscribers", ObserveSubscribers, "{subscriber}", "Pushpins connected to each ZeroMQ PUB socket.");
    }

    /// <summary>Whether any ZeroMQ PUB socket is configured.</summary>
    public bool IsConfigured => _runtime.ZeroMqTargets.Count > 0;

    /// <summary>The bound sockets (binding them first if needed).</summary>
    internal IReadOnlyList<ZmtpPubSocket> Sockets => EnsureBound();

    /// <summary>Binds every configured PUB socket.</summary>
    /// <exception cref="InvalidOperationException">An address cannot be bound; the message names the setting and the reason.</exception>
    public void Bind() => EnsureBound();

    /// <summary>
    /// Queues <paramref name="items"/> for every subscribed Pushpin; returns one failure per
    /// subscriber whose queue was full for some item (that subscriber did not get those items).
    /// </summary>
    public List<GripPublishFailure>? Publish(IReadOnlyList<PublishItem> items)
    {
        var sockets = EnsureBound();

        // Encode every item once (this also validates all of them before anything is sent).
        var messages = new ZeroMqPublishMessage[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            messages[i] = ZeroMqPublishMessage.Encode(items[i] ?? throw new ArgumentException($"items[{i}] is null.", nameof(items)));
        }

        List<GripPublishFailure>? failures = null;
        foreach (var bound in sockets)
        {
            long start = Stopwatch.GetTimestamp();
            var proxyTag = new KeyValuePair<string, object?>("grip.proxy", bound.Endpoint);
            int queued = 0;
            int connected = 0;
            foreach (var message in messages)
            {
                var result = bound.Send(message);
                queued += result.Queued;
                connected = result.Connected;
                if (result.Dropped is { } dropped)
                {
                    _dropped.Add(dropped.Count, proxyTag);
                    foreach (var peer in dropped)
                    {
                        ZeroMqLog.Dropped(_logger, bound.Endpoint, message.Channel, peer.Name, _runtime.Options.Publisher.ZeroMqSendHighWaterMark);
                        (failures ??= []).Add(new GripPublishFailure(
                            peer.Address,
                            null,
                            $"not sent: the ZeroMQ send queue of this Pushpin (connected to {bound.Endpoint}) is full ({_runtime.Options.Publisher.ZeroMqSendHighWaterMark} messages), so the item for channel '{message.Channel}' was dropped for it; the other Pushpins got it"));
                    }
                }
            }

            if (queued > 0)
            {
                _items.Add(queued, proxyTag);
            }

            _duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, proxyTag);
            ZeroMqLog.Published(_logger, bound.Endpoint, items.Count, queued, connected);
        }

        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        ZmtpPubSocket[]? sockets;
        lock (_bindLock)
        {
            sockets = _sockets;
            _sockets = [];
        }

        foreach (var bound in sockets ?? [])
        {
            await bound.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ZmtpPubSocket[] EnsureBound()
    {
        var sockets = Volatile.Read(ref _sockets);
        if (sockets is not null)
        {
            return sockets;
        }

        lock (_bindLock)
        {
            if (_sockets is not null)
            {
                return _sockets;
            }

            var bound = new List<ZmtpPubSocket>();
            try
            {
                foreach (var target in _runtime.ZeroMqTargets)
                {
                    bound.Add(BindOne(target));
                }
            }
            catch
            {
                foreach (var b in bound)
                {
                    b.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }

                throw;
            }

            _sockets = [.. bound];
            return _sockets;
        }
    }

    private ZmtpPubSocket BindOne(GripZeroMqTarget target)
    {
        try
        {
            var socket = ZmtpPubSocket.Bind(target.EndPoint, new ZmtpPubSocketOptions
            {
                SendHighWaterMark = _runtime.Options.Publisher.ZeroMqSendHighWaterMark,
                Logger = _logger,
                PeerLost = (_, abandoned) =>
                {
                    if (abandoned > 0)
                    {
                        _abandoned.Add(abandoned, new KeyValuePair<string, object?>("grip.proxy", target.Address));
                    }
                },
            });
            ZeroMqLog.Bound(_logger, socket.Endpoint);
            return socket;
        }
        catch (SocketException ex)
        {
            string hint = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => " Another process holds the port (two origin instances on one host need a port each; list every instance's address in each Pushpin's push_in_sub_specs).",
                SocketError.AddressNotAvailable => " The address is not one of this host's interfaces.",
                SocketError.AccessDenied => " Ports below 1024 need privileges.",
                _ => string.Empty,
            };
            throw new InvalidOperationException($"{target.Sources}: the ZeroMQ PUB socket cannot bind {target.Address}: {ex.Message} ({ex.SocketErrorCode}).{hint}", ex);
        }
    }

    private IEnumerable<Measurement<int>> ObserveSubscribers()
    {
        var sockets = Volatile.Read(ref _sockets) ?? [];
        foreach (var bound in sockets)
        {
            yield return new Measurement<int>(bound.PeerCount, new KeyValuePair<string, object?>("grip.proxy", bound.Endpoint));
        }
    }
}

/// <summary>Binds the ZeroMQ PUB sockets when the host starts, so a bad address or a port in use stops start-up.</summary>
internal sealed class ZeroMqPublisherStartup(ZeroMqPublisher publisher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (publisher.IsConfigured)
        {
            publisher.Bind();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
