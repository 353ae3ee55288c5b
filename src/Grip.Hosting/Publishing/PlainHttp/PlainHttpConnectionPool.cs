namespace Grip.Hosting.Publishing.PlainHttp;

/// <summary>
/// The idle connections to one host and port of a <see cref="PlainHttpHandler"/>: the most recently
/// used is rented first (LIFO, so the rest age out), and a connection is checked before it is handed
/// out: not idle too long, not too old, and still open (the server may have closed it while idle).
/// </summary>
internal sealed class PlainHttpConnectionPool : IDisposable
{
    private readonly List<PlainHttpConnection> _idle = [];
    private readonly Lock _lock = new();
    private readonly long _idleTimeoutMs;
    private readonly long _lifetimeMs;
    private bool _disposed;

    public PlainHttpConnectionPool(PlainHttpHandlerOptions options)
    {
        _idleTimeoutMs = ToMilliseconds(options.IdleTimeout);
        _lifetimeMs = ToMilliseconds(options.Lifetime);
    }

    /// <summary>Idle connections held now (for tests).</summary>
    internal int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>A usable idle connection, or null: the caller opens a new one.</summary>
    public PlainHttpConnection? TryRent()
    {
        while (true)
        {
            PlainHttpConnection connection;
            lock (_lock)
            {
                if (_idle.Count == 0)
                {
                    return null;
                }

                connection = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
            }

            long now = Environment.TickCount64;
            if (now - connection.IdleSince <= _idleTimeoutMs && now - connection.OpenedAt <= _lifetimeMs && connection.IsOpenAndQuiet())
            {
                return connection;
            }

            connection.Dispose();
        }
    }

    /// <summary>Keeps a connection whose last response was read completely and that may be reused.</summary>
    public void Return(PlainHttpConnection connection)
    {
        long now = Environment.TickCount64;
        if (now - connection.OpenedAt > _lifetimeMs)
        {
            connection.Dispose();
            return;
        }

        connection.IdleSince = now;
        List<PlainHttpConnection>? expired = null;
        lock (_lock)
        {
            if (_disposed)
            {
                expired = [connection];
            }
            else
            {
                // Drop what has idled out at the bottom of the stack (the oldest), so a burst's extra
                // connections do not stay open forever.
                int stale = 0;
                while (stale < _idle.Count && now - _idle[stale].IdleSince > _idleTimeoutMs)
                {
                    stale++;
                }

                if (stale > 0)
                {
                    expired = _idle.GetRange(0, stale);
                    _idle.RemoveRange(0, stale);
                }

                _idle.Add(connection);
            }
        }

        if (expired is not null)
        {
            foreach (var c in expired)
            {
                c.Dispose();
            }
        }
    }

    public void Dispose()
    {
        PlainHttpConnection[] idle;
        lock (_lock)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in idle)
        {
            connection.Dispose();
        }
    }

    private static long ToMilliseconds(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan || span.TotalMilliseconds >= long.MaxValue ? long.MaxValue : (long)span.TotalMilliseconds;
}
