using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>Settings of a <see cref="ZmtpPubSocket"/>.</summary>
internal sealed class ZmtpPubSocketOptions
{
    /// <summary>Messages queued per subscriber before further messages to it are dropped (ZeroMQ's SNDHWM).</summary>
    public int SendHighWaterMark { get; init; } = 1000;

    /// <summary>How long a connecting peer has to complete the ZMTP greeting and handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest frame accepted from a subscriber (subscriptions are channel names).</summary>
    public int MaxIncomingFrameBytes { get; init; } = 64 * 1024;

    /// <summary>Logs connects, disconnects and protocol errors.</summary>
    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Called with the number of messages a peer still had queued when its connection ended.</summary>
    public Action<ZmtpPeer, int>? PeerLost { get; init; }
}

/// <summary>What one <see cref="ZmtpPubSocket.Send"/> did.</summary>
/// <param name="Connected">Subscribers connected (handshake done) at the time of the send.</param>
/// <param name="Queued">Subscribers whose subscriptions matched and whose send queue took the message.</param>
/// <param name="Dropped">Matching subscribers whose queue was full (the message was not sent to them), or <see langword="null"/>.</param>
internal readonly record struct ZmtpSendResult(int Connected, int Queued, IReadOnlyList<ZmtpPeer>? Dropped);

/// <summary>
/// A ZeroMQ PUB socket speaking ZMTP 3.0 over TCP, written for GRIP publishing to a fleet of Pushpins
/// (<c>push_in_sub_specs</c> + <c>push_in_sub_connect=true</c>: every Pushpin connects its SUB socket
/// here and subscribes to the channels its own clients hold).
/// </summary>
/// <remarks>
/// <para>Semantics follow a libzmq PUB socket: a message goes to every connected subscriber that has
/// a subscription which is a prefix of the message's first frame, at most once; a subscriber whose
/// queue holds <see cref="ZmtpPubSocketOptions.SendHighWaterMark"/> messages does not get it (the
/// drop is reported in <see cref="ZmtpSendResult.Dropped"/>, unlike libzmq's silent drop); nothing is
/// ever re-sent, and a subscriber that is not connected (yet) misses the message.</para>
/// <para><see cref="Send"/> never blocks on the network: each subscriber has a writer task that
/// drains its queue into its TCP connection, several messages per send call.</para>
/// </remarks>
internal sealed class ZmtpPubSocket : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly ZmtpPubSocketOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly HashSet<ZmtpPeer> _peers = [];
    private readonly SubscriptionIndex _subscriptions = new();
    private readonly List<ZmtpPeer> _matched = [];
    private readonly Task _acceptLoop;
    private long _sendStamp;
    private int _disposed;

    private ZmtpPubSocket(Socket listener, ZmtpPubSocketOptions options)
    {
        _listener = listener;
        _options = options;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        Endpoint = "tcp://" + (LocalEndPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + LocalEndPoint.Address + "]" : LocalEndPoint.Address.ToString()) + ":" + LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The bound address (the real port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The bound endpoint as a ZeroMQ address, e.g. <c>tcp://127.0.0.1:5570</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Subscribers that completed the handshake and are connected now.</summary>
    public int PeerCount
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>Binds and listens at <paramref name="endPoint"/>.</summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local, no permission).</exception>
    public static ZmtpPubSocket Bind(IPEndPoint endPoint, ZmtpPubSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(options);
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(endPoint);
            listener.Listen(128);
            return new ZmtpPubSocket(listener, options);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>How many connected subscribers hold a subscription matching <paramref name="topic"/>.</summary>
    public int CountSubscribers(ReadOnlySpan<byte> topic)
    {
        lock (_lock)
        {
            _matched.Clear();
            _subscriptions.Match(topic, _matched, ++_sendStamp);
            int count = _matched.Count;
            _matched.Clear();
            return count;
        }
    }

    /// <summary>
    /// Queues <paramref name="message"/> for every connected subscriber whose subscriptions match its
    /// topic. Never blocks and never sends a message twice to one subscriber.
    /// </summary>
    public ZmtpSendResult Send(ZeroMqPublishMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_lock)
        {
            _matched.Clear();
            _subscriptions.Match(message.Topic, _matched, ++_sendStamp);
            int queued = 0;
            List<ZmtpPeer>? dropped = null;
            foreach (var peer in _matched)
            {
                if (peer.TryEnqueue(message))
                {
                    queued++;
                }
                else
                {
                    (dropped ??= []).Add(peer);
                }
            }

            _matched.Clear();
            return new ZmtpSendResult(_peers.Count, queued, dropped);
        }
    }

    /// <summary>Stops listening and closes every subscriber connection (queued messages are abandoned).</summary>
    public ValueTask DisposeAsync() => CloseAsync(TimeSpan.Zero);

    /// <summary>
    /// Stops listening and taking messages, gives every subscriber up to <paramref name="flushTimeout"/>
    /// to be sent what is already queued for it, then closes every connection.
    /// </summary>
    public async ValueTask CloseAsync(TimeSpan flushTimeout)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // No new subscribers; the connected ones keep running (their writers are not cancelled) while
        // they are sent what is queued.
        _listener.Dispose();
        ZmtpPeer[] peers;
        lock (_lock)
        {
            peers = [.. _peers];
        }

        if (flushTimeout > TimeSpan.Zero)
        {
            await Task.WhenAll(peers.Select(p => p.FlushAsync(flushTimeout))).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);

        foreach (var peer in peers)
        {
            peer.Abort();
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    internal void OnSubscribe(ZmtpPeer peer, ReadOnlySpan<byte> topic)
    {
        lock (_lock)
        {
            if (_peers.Contains(peer))
            {
                _subscriptions.Add(topic, peer);
            }
        }
    }

    internal void OnCancel(ZmtpPeer peer, ReadOnlySpan<byte> topic)
    {
        lock (_lock)
        {
            _subscriptions.Remove(topic, peer);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Transient (e.g. the peer reset before accept, or out of descriptors): keep listening.
                ZeroMqLog.AcceptFailed(_options.Logger, ex, Endpoint);
                await Task.Delay(100, token).ConfigureAwait(false);
                continue;
            }

            client.NoDelay = true;
            client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            var peer = new ZmtpPeer(this, client, _options);
            _ = RunPeerAsync(peer, token);
        }
    }

    private async Task RunPeerAsync(ZmtpPeer peer, CancellationToken token)
    {
        string? reason = null;
        bool joined = false;
        try
        {
            string? refused = await peer.HandshakeAsync(token).ConfigureAwait(false);
            if (refused is not null)
            {
                ZeroMqLog.PeerRefused(_options.Logger, Endpoint, peer.Name, refused);
                return;
            }

            lock (_lock)
            {
                if (_disposed != 0)
                {
                    return;
                }

                _peers.Add(peer);
                joined = true;
            }

            ZeroMqLog.PeerConnected(_options.Logger, Endpoint, peer.Name, peer.SocketType);
            reason = await peer.RunAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            reason = ex.Message;
        }
        finally
        {
            int abandoned = peer.Close();
            if (joined)
            {
                lock (_lock)
                {
                    _peers.Remove(peer);
                    _subscriptions.RemoveAll(peer);
                }

                if (_disposed == 0)
                {
                    ZeroMqLog.PeerDisconnected(_options.Logger, Endpoint, peer.Name, reason ?? "closed", abandoned);
                    _options.PeerLost?.Invoke(peer, abandoned);
                }
            }
        }
    }

    /// <summary>
    /// Subscriptions of every peer, by topic prefix. A publish looks up only the prefixes of its topic
    /// whose lengths some subscription has (Pushpin subscribes whole channel names, so a handful of
    /// lengths): the cost of a send grows with the subscribers that match, not with all subscriptions.
    /// </summary>
    private sealed class SubscriptionIndex
    {
        // Keys are the topic bytes as Latin-1 chars (one char per byte), so any bytes are a valid key.
        private readonly Dictionary<string, Dictionary<ZmtpPeer, int>> _byPrefix = new(StringComparer.Ordinal);
        private readonly SortedDictionary<int, int> _lengths = [];
        private int[] _lengthList = [];

        public void Add(ReadOnlySpan<byte> topic, ZmtpPeer peer)
        {
            string key = Encoding.Latin1.GetString(topic);
            if (!_byPrefix.TryGetValue(key, out var peers))
            {
                _byPrefix[key] = peers = [];
                _lengths[key.Length] = _lengths.GetValueOrDefault(key.Length) + 1;
                _lengthList = [.. _lengths.Keys];
            }

            // ZeroMQ counts subscriptions: subscribing twice needs two cancels.
            peers[peer] = peers.GetValueOrDefault(peer) + 1;
            peer.Subscriptions.Add(key);
        }

        public void Remove(ReadOnlySpan<byte> topic, ZmtpPeer peer)
        {
            string key = Encoding.Latin1.GetString(topic);
            if (_byPrefix.TryGetValue(key, out var peers) && peers.TryGetValue(peer, out int count))
            {
                if (count > 1)
                {
                    peers[peer] = count - 1;
                }
                else
                {
                    RemoveKey(key, peers, peer);
                    peer.Subscriptions.Remove(key);
                }
            }
        }

        public void RemoveAll(ZmtpPeer peer)
        {
            foreach (string key in peer.Subscriptions)
            {
                if (_byPrefix.TryGetValue(key, out var peers))
                {
                    RemoveKey(key, peers, peer);
                }
            }

            peer.Subscriptions.Clear();
        }

        public void Match(ReadOnlySpan<byte> topic, List<ZmtpPeer> into, long stamp)
        {
            if (_byPrefix.Count == 0)
            {
                return;
            }

            var lookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
            Span<char> chars = topic.Length <= 256 ? stackalloc char[topic.Length] : new char[topic.Length];
            Encoding.Latin1.GetChars(topic, chars);
            foreach (int length in _lengthList)
            {
                if (length > chars.Length)
                {
                    break;
                }

                if (lookup.TryGetValue(chars[..length], out var peers))
                {
                    foreach (var peer in peers.Keys)
                    {
                        // A peer with several matching prefixes gets the message once.
                        if (peer.MatchStamp != stamp)
                        {
                            peer.MatchStamp = stamp;
                            into.Add(peer);
                        }
                    }
                }
            }
        }

        private void RemoveKey(string key, Dictionary<ZmtpPeer, int> peers, ZmtpPeer peer)
        {
            peers.Remove(peer);
            if (peers.Count == 0)
            {
                _byPrefix.Remove(key);
                int left = _lengths[key.Length] - 1;
                if (left == 0)
                {
                    _lengths.Remove(key.Length);
                }
                else
                {
                    _lengths[key.Length] = left;
                }

                _lengthList = [.. _lengths.Keys];
            }
        }
    }
}
