using System.Text;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>
/// The ZeroMQ transport behind the publisher's sender seam: one PUB socket that a fleet of Pushpins
/// connects to. Every item becomes one two-frame message <c>[channel, "J" + item JSON without
/// channel]</c>, encoded once and queued for every connected Pushpin that subscribed to the channel.
/// </summary>
/// <remarks>
/// <para>ZeroMQ PUB is fire-and-forget: nothing acknowledges a message, and it is never sent twice.
/// So a send is <see cref="GripSendStatus.Delivered"/> once every matching Pushpin's queue took the
/// message (the queue writes it to that Pushpin's TCP connection once); a Pushpin that is down,
/// reconnecting or not yet subscribed misses it without anyone knowing. The one loss that is known
/// at send time is a full per-Pushpin queue (<see cref="GripPublisherOptions.ZeroMqSendHighWaterMark"/>):
/// that Pushpin provably did not get the message, the others did, so the send is
/// <see cref="GripSendStatus.Rejected"/> (failed, never retried: a retry would duplicate the message
/// at the Pushpins that have it).</para>
/// <para>Sending never waits for the network, so one publish costs the same however many Pushpins
/// are connected, apart from one queue write per matching Pushpin.</para>
/// </remarks>
internal sealed class ZeroMqProxySender : IGripProxySender
{
    private readonly ZmtpPubSocket _socket;
    private readonly ZeroMqSockets _owner;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _proxyTag;

    public ZeroMqProxySender(ZmtpPubSocket socket, ZeroMqSockets owner, ILogger logger)
    {
        _socket = socket;
        _owner = owner;
        _logger = logger;
        Endpoint = new Uri(socket.Endpoint);
        _proxyTag = new("grip.proxy", socket.Endpoint);
    }

    public Uri Endpoint { get; }

    /// <summary>Batches only bound how many publishes one send handles; the socket splits them into messages anyway.</summary>
    public int MaxBatchBytes => 4 * GripPublishRequest.MaxBodyBytes;

    public Task<GripSendResult> SendAsync(IReadOnlyList<PendingPublish> batch, CancellationToken cancellationToken)
    {
        int items = 0;
        int queued = 0;
        int connected = 0;
        StringBuilder? dropped = null;
        int droppedCount = 0;
        foreach (var publish in batch)
        {
            foreach (var item in publish.Items)
            {
                // Items were validated when the publish was made; encoding cannot fail on them.
                var message = ZeroMqPublishMessage.Encode(item);
                var result = _socket.Send(message);
                items++;
                queued += result.Queued;
                connected = result.Connected;
                if (result.Dropped is { } peers)
                {
                    _owner.Dropped.Add(peers.Count, _proxyTag);
                    foreach (var peer in peers)
                    {
                        droppedCount++;
                        ZeroMqLog.Dropped(_logger, _socket.Endpoint, message.Channel, peer.Name, _owner.SendHighWaterMark);
                        if (droppedCount <= 10)
                        {
                            (dropped ??= new()).Append(dropped.Length == 0 ? string.Empty : ", ").Append('\'').Append(message.Channel).Append("' to ").Append(peer.Name);
                        }
                    }
                }
            }
        }

        ZeroMqLog.Published(_logger, _socket.Endpoint, items, queued, connected);
        if (dropped is null)
        {
            return Task.FromResult(GripSendResult.Delivered);
        }

        string detail = $"not sent to {droppedCount} subscriber(s) whose ZeroMQ send queue was full ({_owner.SendHighWaterMark} messages: that Pushpin is not reading fast enough or is unreachable): {dropped}{(droppedCount > 10 ? ", ..." : string.Empty)}; the other Pushpins got the item(s)";
        return Task.FromResult(new GripSendResult(GripSendStatus.Rejected, GripPublishFailureReason.QueueFull, null, detail));
    }

    /// <summary>The socket belongs to <see cref="ZeroMqSockets"/>, which closes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
