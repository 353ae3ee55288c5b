
using Grip.Publishing;

namespace Grip.Hosting.Development;

/// <summary>
/// One connection's channel subscriptions (with their filters) and its subscription meta; it
/// answers "does this published item reach this subscriber" (<see cref="Match"/>) and runs the
/// content filters on a message that does. Emulates Pushpin 1.36's handler side: the channel set
/// and meta a <c>WsSession</c> keeps (src/handler/wssession.cpp, fed by
/// <c>subscribe</c>/<c>unsubscribe</c>/<c>set-meta</c>), the content-filter comparison a publish
/// goes through before it reaches a session, the delivery filters <c>skip-self</c>,
/// <c>skip-users</c> and <c>require-sub</c>, and the <c>var-subst</c> and <c>build-id</c> content
/// filters (src/handler/filter.cpp) run in subscription order on send actions.
/// Thread-safe: control messages write it, publishes read it.
/// </summary>
internal sealed class DevelopmentProxySubscriptions(int maxSubscriptions)
{
    /// <summary>What <see cref="Match"/> decided about one published item and this connection.</summary>
    internal enum PublishMatch
    {
        /// <summary>The connection is not subscribed to the item's channel.</summary>
        NotSubscribed,

        /// <summary>The item names content filters that differ from the subscription's (Pushpin skips the connection).</summary>
        ContentFiltersDiffer,

        /// <summary>A delivery filter (<c>skip-self</c>, <c>skip-users</c>, <c>require-sub</c>) keeps the item from this connection.</summary>
        FilteredOut,

        /// <summary>The item reaches the connection (its content filters still run at delivery).</summary>
        Deliver,
    }

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

    /// <summary>
    /// Whether a published ws-message item reaches this subscriber: subscribed to its channel, the
    /// same content filters when the item names any, and let through by every delivery filter of
    /// the subscription. Reads the channels and the meta under one lock, so a concurrent
    /// <c>subscribe</c> or <c>set-meta</c> is seen whole or not at all.
    /// </summary>
    /// <param name="item">The published item.</param>
    /// <param name="format">The item's <c>ws-message</c> format.</param>
    /// <param name="filters">The subscription's filters, when subscribed; empty otherwise.</param>
    public PublishMatch Match(PublishItem item, WebSocketMessageFormat format, out IReadOnlyList<string> filters)
    {
        lock (_lock)
        {
            if (!_channels.TryGetValue(item.Channel, out string[]? subscription))
            {
                filters = [];
                return PublishMatch.NotSubscribed;
            }

            filters = subscription;
            if (format.ContentFilters is { } expected && !ContentFiltersMatch(subscription, expected))
            {
                return PublishMatch.ContentFiltersDiffer;
            }

            return PassesDeliveryFilters(subscription, item.Meta) ? PublishMatch.Deliver : PublishMatch.FilteredOut;
        }
    }

    /// <summary>
    /// Pushpin's content-filter check for an item that names <c>content-filters</c>: the
    /// subscription's content filters, in subscription order, must equal the item's list exactly
    /// (order and repeats count); otherwise Pushpin does not deliver the item to that connection.
    /// </summary>
    private static bool ContentFiltersMatch(IReadOnlyList<string> subscription, IReadOnlyList<string> expected)
    {
        int i = 0;
        foreach (string filter in subscription)
        {
            if (!GripFilters.IsContentFilter(filter))
            {
                continue;
            }

            if (i >= expected.Count || !string.Equals(expected[i], filter, StringComparison.Ordinal))
            {
                return false;
            }

            i++;
        }

        return i == expected.Count;
    }

    /// <summary>
    /// Pushpin 1.36's delivery filters (grip-spec §2.3, src/handler/filter.cpp), each of which can
    /// drop the item for this connection; the content filters run later, at delivery. Called under
    /// <see cref="_lock"/>.
    /// </summary>
    private bool PassesDeliveryFilters(string[] subscription, IReadOnlyDictionary<string, string>? itemMeta)
    {
        if (itemMeta is null)
        {
            // Every delivery filter compares against the item's meta: without it, none drops anything.
            return true;
        }

        foreach (string filter in subscription)
        {
            switch (filter)
            {
                case GripFilters.SkipSelf:
                    // Pushpin's SkipSelfFilter: drop when the item's meta "sender" equals this
                    // subscription's meta "user" (the connection that published does not hear itself).
                    if (itemMeta.TryGetValue("sender", out string? sender)
                        && _meta.TryGetValue("user", out string? user) && string.Equals(sender, user, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    break;

                case GripFilters.SkipUsers:
                    // Pushpin's SkipUsersFilter: drop when this subscription's meta "user" is one of
                    // the item's meta "skip_users" (a comma-separated list, entries trimmed).
                    if (itemMeta.TryGetValue("skip_users", out string? skipUsers)
                        && _meta.TryGetValue("user", out string? u))
                    {
                        foreach (var range in skipUsers.AsSpan().Split(','))
                        {
                            if (skipUsers.AsSpan()[range].Trim().SequenceEqual(u))
                            {
                                return false;
                            }
                        }
                    }

                    break;

                case GripFilters.RequireSub:
                    // Pushpin's RequireSubFilter: drop unless this connection is also subscribed to
                    // the channel named by the item's meta "require_sub".
                    if (itemMeta.TryGetValue("require_sub", out string? required) && !_channels.ContainsKey(required))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }
}
