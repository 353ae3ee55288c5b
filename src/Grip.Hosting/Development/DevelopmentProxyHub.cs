using System.Collections.Concurrent;
using Grip.Publishing;

namespace Grip.Hosting.Development;

/// <summary>
/// The development proxy's in-memory state: open connections and their channel subscriptions, and
/// the publish path that delivers items to subscribers the way Pushpin 1.36 does (filters included).
/// </summary>
internal sealed class DevelopmentProxyHub
{
    private readonly ConcurrentDictionary<string, DevelopmentProxySession> _sessions = new(StringComparer.Ordinal);

    public int ConnectionCount => _sessions.Count;

    public void Add(DevelopmentProxySession session)
    {
        _sessions[session.Id] = session;
        if (session.ClientTag is { } tag)
        {
            _tagged[tag] = session;
        }
    }

    /// <summary>Finds the session of a test-kit client by its tag.</summary>
    public DevelopmentProxySession? FindByTag(string tag) => _tagged.TryGetValue(tag, out var session) ? session : null;

    /// <summary>Raised when a tagged session is added (the test kit waits for its client's session).</summary>
    private readonly ConcurrentDictionary<string, DevelopmentProxySession> _tagged = new(StringComparer.Ordinal);

    public void Remove(DevelopmentProxySession session) => _sessions.TryRemove(new KeyValuePair<string, DevelopmentProxySession>(session.Id, session));

    /// <summary>Delivers publish items to every subscribed connection that the item's filters let through.</summary>
    public async Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            item.Validate();
            if (item.WebSocketMessage is not { } format)
            {
                // The development proxy serves WebSockets only; HTTP streaming needs a real proxy.
                continue;
            }

            foreach (var session in _sessions.Values)
            {
                if (!session.TryGetFilters(item.Channel, out var filters))
                {
                    continue;
                }

                if (format.ContentFilters is { } expected && !ContentFiltersMatch(filters, expected))
                {
                    session.ReportContentFilterMismatch(item.Channel, filters.Where(GripFilters.IsContentFilter), expected);
                    continue;
                }

                if (!PassesFilters(session, item, filters))
                {
                    continue;
                }

                await session.DeliverPublishedAsync(format, item.Channel, filters, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Pushpin's content-filter check: the subscription's content filters, in subscription order,
    /// must equal the format's list exactly (order and repeats count).
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

    /// <summary>Pushpin 1.36's delivery filters (grip-spec §2.3): skip-self, skip-users, require-sub; content filters run at delivery.</summary>
    private static bool PassesFilters(DevelopmentProxySession session, PublishItem item, IReadOnlyList<string> filters)
    {
        var meta = item.Meta;
        foreach (string filter in filters)
        {
            switch (filter)
            {
                case GripFilters.SkipSelf:
                    if (meta is not null && meta.TryGetValue("sender", out string? sender)
                        && session.GetSubscriptionMeta("user") is { } user && string.Equals(sender, user, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    break;

                case GripFilters.SkipUsers:
                    if (meta is not null && meta.TryGetValue("skip_users", out string? skipUsers)
                        && session.GetSubscriptionMeta("user") is { } u)
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
                    if (meta is not null && meta.TryGetValue("require_sub", out string? required)
                        && !session.TryGetFilters(required, out _))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }
}
