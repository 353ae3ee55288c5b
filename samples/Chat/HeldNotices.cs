using Grip;

namespace Chat;

/// <summary>
/// Notices for senders that could not be published (the proxy's publish endpoint failed the notice
/// too), kept in this process and sent in the answer to the connection's next request. Pushpin sends
/// every request of one WebSocket connection to the origin instance that opened it, so the instance
/// that holds a notice is the one that sees that connection again. Bounded: at most
/// <see cref="MaxPerConnection"/> notices for each of at most <see cref="MaxConnections"/> connections.
/// </summary>
public sealed class HeldNotices
{
    /// <summary>Notices kept for one connection.</summary>
    public const int MaxPerConnection = 16;

    /// <summary>Connections with notices kept.</summary>
    public const int MaxConnections = 10_000;

    private readonly Dictionary<string, List<string>> _held = new(StringComparer.Ordinal);

    /// <summary>Connections that have notices waiting.</summary>
    public int Count
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Keeps a notice for <paramref name="connectionId"/>; <see langword="false"/> when the bounds are reached.</summary>
    public bool Hold(string connectionId, string notice)
    {
        lock (_held)
        {
            if (!_held.TryGetValue(connectionId, out var notices))
            {
                if (_held.Count >= MaxConnections)
                {
                    return false;
                }

                _held.Add(connectionId, notices = []);
            }

            if (notices.Count >= MaxPerConnection)
            {
                return false;
            }

            notices.Add(notice);
            return true;
        }
    }

    /// <summary>Sends every notice kept for this connection in the answer to its current request.</summary>
    public void DeliverTo(GripConnection connection)
    {
        List<string>? notices;
        lock (_held)
        {
            if (_held.Count == 0 || !_held.Remove(connection.Id, out notices))
            {
                return;
            }
        }

        foreach (string notice in notices)
        {
            connection.Send(notice);
        }
    }

    /// <summary>Drops what was kept for a connection that closed.</summary>
    public void Forget(string connectionId)
    {
        lock (_held)
        {
            _held.Remove(connectionId);
        }
    }
}
