using System.Collections.Concurrent;
using Grip.Publishing;

namespace Grip.Hosting.Development;

/// <summary>
/// The development proxy's open connections, and the publish path that routes each item to them.
/// The hub only routes: whether an item reaches a connection (subscribed, content filters, the
/// <c>skip-self</c>/<c>skip-users</c>/<c>require-sub</c> filters) is the connection's subscription
/// table's answer (<see cref="DevelopmentProxySubscriptions.Match"/>), as in Pushpin 1.36 where
/// the handler offers each publish to the sessions subscribed to its channel and their filters
/// decide.
/// </summary>
internal sealed class DevelopmentProxyHub
{
    private readonly ConcurrentDictionary<string, DevelopmentProxySession> _sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// The sessions of in-process clients by their tag (<see cref="GripDevelopmentProxy.ClientTagHeader"/>).
    /// Kept after the session ends, so a client whose connection the handler closed at once still finds it.
    /// </summary>
    private readonly ConcurrentDictionary<string, DevelopmentProxySession> _tagged = new(StringComparer.Ordinal);

    public int ConnectionCount => _sessions.Count;

    public void Add(DevelopmentProxySession session)
    {
        _sessions[session.Id] = session;
        if (session.ClientTag is { } tag)
        {
            _tagged[tag] = session;
        }
    }

    /// <summary>Finds the session of an in-process client by its tag.</summary>
    public DevelopmentProxySession? FindByTag(string tag) => _tagged.TryGetValue(tag, out var session) ? session : null;

    public void Remove(DevelopmentProxySession session) => _sessions.TryRemove(new KeyValuePair<string, DevelopmentProxySession>(session.Id, session));

    /// <summary>Delivers publish items to every connection whose subscription table lets them through.</summary>
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
                switch (session.Subscriptions.Match(item, format, out var filters))
                {
                    case DevelopmentProxySubscriptions.PublishMatch.Deliver:
                        await session.DeliverPublishedAsync(format, item.Channel, filters, cancellationToken).ConfigureAwait(false);
                        break;

                    case DevelopmentProxySubscriptions.PublishMatch.ContentFiltersDiffer:
                        session.ReportContentFilterMismatch(item.Channel, filters.Where(GripFilters.IsContentFilter), format.ContentFilters!);
                        break;
                }
            }
        }
    }
}
