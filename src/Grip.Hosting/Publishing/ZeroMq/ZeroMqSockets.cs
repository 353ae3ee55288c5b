using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Grip.Hosting.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>
/// The configured ZeroMQ PUB sockets (grip-spec §3.4), one per distinct address: bound when the host
/// starts (a bad address or a port in use stops start-up) or, outside a host, on first use. The
/// publisher sends through them with one <see cref="ZeroMqProxySender"/> each.
/// </summary>
internal sealed class ZeroMqSockets : IAsyncDisposable, IDisposable
{
    private readonly GripRuntime _runtime;
    private readonly ILogger _logger;
    private readonly Lock _bindLock = new();
    private readonly Counter<long> _abandoned;
    private ZmtpPubSocket[]? _sockets;

    public ZeroMqSockets(GripRuntime runtime, IMeterFactory meterFactory, ILogger<ZeroMqSockets> logger)
    {
        _runtime = runtime;
        _logger = logger;
        var meter = meterFactory.Create(GripTelemetry.Name);
        Dropped = meter.CreateCounter<long>("grip.publish.zeromq.dropped", "{message}", "Messages not sent to a connected Pushpin because its ZeroMQ send queue was full (the publish failed for it).");
        _abandoned = meter.CreateCounter<long>("grip.publish.zeromq.abandoned", "{message}", "Messages queued for a Pushpin whose ZeroMQ connection ended before they were written.");
        meter.CreateObservableGauge("grip.publish.zeromq.subscribers", ObserveSubscribers, "{subscriber}", "Pushpins connected to each ZeroMQ PUB socket.");
    }

    /// <summary>Whether any ZeroMQ PUB socket is configured.</summary>
    public bool IsConfigured => _runtime.ZeroMqTargets.Count > 0;

    /// <summary>Counts messages dropped at a full per-subscriber queue.</summary>
    internal Counter<long> Dropped { get; }

    /// <summary>The high-water mark every subscriber's queue has.</summary>
    internal int SendHighWaterMark => _runtime.Options.Publisher.ZeroMqSendHighWaterMark;

    /// <summary>The bound sockets, in configuration order (binding them first if needed).</summary>
    /// <exception cref="InvalidOperationException">An address cannot be bound; the message names the setting and the reason.</exception>
    public IReadOnlyList<ZmtpPubSocket> Sockets => EnsureBound();

    public async ValueTask DisposeAsync()
    {
        ZmtpPubSocket[]? sockets;
        lock (_bindLock)
        {
            sockets = _sockets;
            _sockets = [];
        }

        // What is queued for connected Pushpins is still written, within the publisher's shutdown time.
        var flush = _runtime.Options.Publisher.ShutdownTimeout;
        await Task.WhenAll((sockets ?? []).Select(s => s.CloseAsync(flush).AsTask())).ConfigureAwait(false);
    }

    /// <summary>A synchronous container disposal: the same close, waited for.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

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
                foreach (var socket in bound)
                {
                    socket.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }

                throw;
            }

            Volatile.Write(ref _sockets, [.. bound]);
            return _sockets;
        }
    }

    private ZmtpPubSocket BindOne(GripZeroMqTarget target)
    {
        try
        {
            var socket = ZmtpPubSocket.Bind(target.EndPoint, new ZmtpPubSocketOptions
            {
                SendHighWaterMark = SendHighWaterMark,
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
        foreach (var socket in sockets)
        {
            yield return new Measurement<int>(socket.PeerCount, new KeyValuePair<string, object?>("grip.proxy", socket.Endpoint));
        }
    }
}

/// <summary>Binds the ZeroMQ PUB sockets when the host starts, so a bad address or a port in use stops start-up.</summary>
internal sealed class ZeroMqSocketsStartup(ZeroMqSockets sockets) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (sockets.IsConfigured)
        {
            _ = sockets.Sockets;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
