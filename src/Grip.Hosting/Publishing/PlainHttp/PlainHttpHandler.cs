using System.Net;
using System.Net.Sockets;

namespace Grip.Hosting.Publishing.PlainHttp;

/// <summary>
/// A minimal HTTP/1.1 client over <see cref="Socket"/> for <c>http://</c> publish endpoints only (Pushpin's
/// <c>:5561</c>), used instead of <see cref="SocketsHttpHandler"/> when the
/// <c>Grip.Hosting.HttpsPublishing.IsSupported</c> feature switch is off, so no TLS code is compiled into
/// the binary (docs/publishing.md, "The plain HTTP client").
/// </summary>
/// <remarks>
/// <para>
/// What it does: one request per connection at a time (no pipelining), a body only with a known length
/// (<c>Content-Length</c>; Pushpin answers 411 to chunked), responses framed by <c>Content-Length</c>,
/// <c>Transfer-Encoding: chunked</c> or the end of the connection, bounded in size; idle connections
/// kept per host and port (the most recently used first), checked before reuse, closed after
/// <see cref="PlainHttpHandlerOptions.IdleTimeout"/> idle or <see cref="PlainHttpHandlerOptions.Lifetime"/>
/// in total (so DNS changes are seen).
/// </para>
/// <para>
/// What it does not: TLS, proxies, HTTP/2, redirects, decompression, cookies, <c>Expect: 100-continue</c>,
/// retries. Every failure is an <see cref="HttpRequestException"/> with the cause as its inner exception
/// (a cancellation is an <see cref="OperationCanceledException"/>), and the connection is closed; nothing
/// is ever sent twice (the publish queue owns retries: Pushpin does not de-duplicate).
/// </para>
/// </remarks>
internal sealed class PlainHttpHandler : HttpMessageHandler
{
    private readonly PlainHttpHandlerOptions _options;
    private readonly Dictionary<string, PlainHttpConnectionPool> _pools = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _poolsLock = new();
    private volatile bool _disposed;

    /// <summary>Creates the handler; <paramref name="options"/> are read once.</summary>
    public PlainHttpHandler(PlainHttpHandlerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectTimeout <= TimeSpan.Zero && options.ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ConnectTimeout must be positive or infinite.");
        }

        if (options.MaxResponseBytes < 1 || options.MaxHeaderBytes < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxResponseBytes must be positive and MaxHeaderBytes at least 64.");
        }

        _options = options;
    }

    /// <summary>Connections opened so far, over the handler's life (for tests and diagnostics).</summary>
    internal int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    private int _connectionsOpened;

    /// <summary>Connection attempts so far, failed ones included (for tests and diagnostics).</summary>
    internal int ConnectionAttempts => Volatile.Read(ref _connectionAttempts);

    private int _connectionAttempts;

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no RequestUri.");
        if (!uri.IsAbsoluteUri || !string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRequestException(
                HttpRequestError.Unknown,
                $"The plain HTTP publish client sends http:// requests only, not {(uri.IsAbsoluteUri ? uri.Scheme + "://" : "a relative URI")} " +
                "(the 'Grip.Hosting.HttpsPublishing.IsSupported' feature switch is off: <GripHttpsPublishingSupport>false</GripHttpsPublishingSupport>).");
        }

        // Refused before a connection is taken: the request line and headers are built first.
        byte[] head = PlainHttpRequestWriter.WriteHead(request, out long contentLength);
        var pool = GetPool(uri);
        var connection = await AcquireAsync(pool, uri, cancellationToken).ConfigureAwait(false);
        bool reusable = false;
        try
        {
            await connection.SendRequestAsync(request, head, contentLength, cancellationToken).ConfigureAwait(false);
            var (response, keepAlive) = await connection.ReadResponseAsync(request, _options, cancellationToken).ConfigureAwait(false);
            reusable = keepAlive && request.Headers.ConnectionClose != true;
            return response;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            throw new TaskCanceledException("The request was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is not (HttpRequestException or OperationCanceledException))
        {
            throw PlainHttpConnection.Fail(ex);
        }
        finally
        {
            if (reusable && !_disposed)
            {
                pool.Return(connection);
            }
            else
            {
                connection.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The plain HTTP publish client is asynchronous only.");

    /// <summary>Closes every idle connection; requests in flight close theirs when they end.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            PlainHttpConnectionPool[] pools;
            lock (_poolsLock)
            {
                pools = [.. _pools.Values];
                _pools.Clear();
            }

            foreach (var pool in pools)
            {
                pool.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private PlainHttpConnectionPool GetPool(Uri uri)
    {
        string key = PlainHttpRequestWriter.HostOf(uri) + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_poolsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_pools.TryGetValue(key, out var pool))
            {
                pool = new PlainHttpConnectionPool(_options);
                _pools.Add(key, pool);
            }

            return pool;
        }
    }

    private async ValueTask<PlainHttpConnection> AcquireAsync(PlainHttpConnectionPool pool, Uri uri, CancellationToken cancellationToken)
    {
        if (pool.TryRent() is { } idle)
        {
            return idle;
        }

        Interlocked.Increment(ref _connectionAttempts);
        var socket = await ConnectAsync(PlainHttpRequestWriter.HostOf(uri), uri.Port, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _connectionsOpened);
        return new PlainHttpConnection(socket, Environment.TickCount64);
    }

    /// <summary>Resolves the host and connects to its addresses in turn, within the connect timeout.</summary>
    private async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(_options.ConnectTimeout);
        }

        var token = timeout.Token;
        Exception? last = null;
        try
        {
            IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, token).ConfigureAwait(false);
            foreach (var address in addresses)
            {
                Socket? socket = null;
                try
                {
                    // Created per address: an IPv6 address needs an IPv6 socket (and a host without IPv6 fails here, not below).
                    socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(new IPEndPoint(address, port), token).ConfigureAwait(false);
                    return socket;
                }
                catch (SocketException ex)
                {
                    socket?.Dispose();
                    last = ex;
                }
                catch
                {
                    socket?.Dispose();
                    throw;
                }
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"Connecting to {host}:{port} timed out ({_options.ConnectTimeout.TotalSeconds:0.###} s).",
                new TimeoutException($"The connect timeout of {_options.ConnectTimeout.TotalSeconds:0.###} s elapsed.", ex));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (SocketException ex)
        {
            // Name resolution failures (connect failures are caught per address above).
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Could not resolve {host}: {ex.Message}", ex);
        }

        throw last is null
            ? new HttpRequestException(HttpRequestError.NameResolutionError, $"{host} resolved to no address.")
            : new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {host}:{port}: {last.Message}", last);
    }
}

/// <summary>The settings of a <see cref="PlainHttpHandler"/>.</summary>
internal sealed record PlainHttpHandlerOptions
{
    /// <summary>How long resolving and connecting may take (<see cref="Timeout.InfiniteTimeSpan"/>: no limit). Default 15 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>An idle connection older than this (since its last response) is closed instead of reused. Default 30 s.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection older than this (since it was opened) is not reused, so DNS changes are seen. Default 2 min.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest response body accepted; more is an <see cref="HttpRequestException"/>. Default 1 MiB.</summary>
    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>The largest status line plus header section (and the trailer section) accepted. Default 64 KiB.</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;
}
