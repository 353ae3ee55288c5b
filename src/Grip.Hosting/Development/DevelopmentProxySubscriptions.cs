
namespace Grip.Hosting.Development;

/// <summary>
/// One connection's channel subscriptions (with their filters) and its subscription meta, and the
/// content filters run on a published message at delivery. Emulates Pushpin 1.36's handler side:
/// the channel set and meta a <c>WsSession</c> keeps (src/handler/wssession.cpp, fed by
/// <c>subscribe</c>/<c>unsubscribe</c>/<c>set-meta</c>), and the <c>var-subst</c> and
/// <c>build-id</c> filters (src/handler/filter.cpp) run in subscription order on send actions.
/// Thread-safe: control messages write it, publishes read it.
/// </summary>
internal sealed class DevelopmentProxySubscriptions(int maxSubscriptions)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string[]> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _meta = new(StringComparer.Ordinal);

    /// <summary>
    /// Subscribes (or re-subscribes with new filters). A new channel over the per-connection limit
    /// is refused, as Pushpin refuses it.
    /// </summary>
    /// <returns><see langword="false"/> when the limit refused the subscription.</returns>
    public bool TrySubscribe(string channel, IReadOnlyList<string> filters)
    {
        lock (_lock)
        {
            if (!_channels.ContainsKey(channel) && _channels.Count >= maxSubscriptions)
            {
                return false;
            }

            _channels[channel] = [.. filters];
            return true;
        }
    }

    public void Unsubscribe(string channel)
    {
        lock (_lock)
        {
            _channels.Remove(channel);
        }
    }

    /// <summary>Sets subscription meta; <see langword="null"/> deletes it.</summary>
    public void SetMeta(string name, string? value)
    {
        lock (_lock)
        {
            if (value is null)
            {
                _meta.Remove(name);
            }
            else
            {
                _meta[name] = value;
            }
        }
    }

    public bool TryGetFilters(string channel, out IReadOnlyList<string> filters)
    {
        lock (_lock)
        {
            if (_channels.TryGetValue(channel, out string[]? f))
            {
                filters = f;
                return true;
            }
        }

        filters = [];
        return false;
    }

    public string? GetMeta(string name)
    {
        lock (_lock)
        {
            return _meta.TryGetValue(name, out string? value) ? value : null;
        }
    }

    /// <summary>A copy of the channels and their filters.</summary>
    public IReadOnlyDictionary<string, string[]> SnapshotChannels()
    {
        lock (_lock)
        {
            return new Dictionary<string, string[]>(_channels, StringComparer.Ordinal);
        }
    }

    /// <summary>A copy of the subscription meta.</summary>
    public IReadOnlyDictionary<string, string> SnapshotMeta()
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(_meta, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Runs a subscription's content filters (<c>var-subst</c>, <c>build-id</c>) over a published
    /// message's content, in subscription order. The other filters decide delivery, not content,
    /// and are skipped here.
    /// </summary>
    /// <returns><see langword="false"/> with the failing filter and why, when one fails (Pushpin then drops the message for this connection).</returns>
    public bool TryApplyContentFilters(IReadOnlyList<string> filters, ref byte[] content, out string? failedFilter, out string? error)
    {
        IReadOnlyDictionary<string, string>? meta = null;
        foreach (string filter in filters)
        {
            bool ok;
            switch (filter)
            {
                case GripFilters.VarSubst:
                    meta ??= SnapshotMeta();
                    ok = GripContentFormat.TrySubstituteVariables(content, meta, out content, out error);
                    break;
                case GripFilters.BuildId:
                    meta ??= SnapshotMeta();
                    ok = GripContentFormat.TryBuildIds(content, meta, out content, out error);
                    break;
                default:
                    continue;
            }

            if (!ok)
            {
                failedFilter = filter;
                return false;
            }
        }

        failedFilter = null;
        error = null;
        return true;
    }
}
