using Grip.Publishing;

namespace Grip.Hosting.Development;

/// <summary>
/// An <see cref="IGripPublisher"/> that delivers to the development proxy's connections in memory.
/// Delivery is in memory and certain, so both guarantees behave the same; a background publish is
/// observed to its end and a failure goes to the callback.
/// </summary>
internal sealed class DevelopmentProxyPublisher(DevelopmentProxyHub hub) : IGripPublisher
{
    public Task PublishAsync(IReadOnlyList<PublishItem> items, CancellationToken cancellationToken = default) =>
        PublishAsync(items, GripDelivery.Default, cancellationToken);

    public Task PublishAsync(IReadOnlyList<PublishItem> items, GripDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return hub.PublishAsync(items, cancellationToken);
    }

    public void PublishInBackground(IReadOnlyList<PublishItem> items, GripDelivery delivery = GripDelivery.Default, Func<GripPublishException, Task>? onFailure = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            // Bad input throws here, as it does for the real publisher.
            ArgumentNullException.ThrowIfNull(item);
            item.Validate();
        }

        _ = ObserveAsync(hub.PublishAsync(items, CancellationToken.None), onFailure);
    }

    private static async Task ObserveAsync(Task publish, Func<GripPublishException, Task>? onFailure)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Reported to the callback, never left unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (onFailure is not null)
            {
                try
                {
                    await onFailure(new GripPublishException("Publishing through the development proxy failed: " + ex.Message, ex)).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The callback's own failure has nowhere further to go in development.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }
}
