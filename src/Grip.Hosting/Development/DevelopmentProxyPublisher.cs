using Grip.Publishing;

namespace Grip.Hosting.Development;

/// <summary>An <see cref="IGripPublisher"/> that delivers to the development proxy's connections in memory.</summary>
internal sealed class DevelopmentProxyPublisher(DevelopmentProxyHub hub) : IGripPublisher
{
    public Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return hub.PublishAsync(items, cancellationToken);
    }
}
