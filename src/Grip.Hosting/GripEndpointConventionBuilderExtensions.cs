using Grip.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-endpoint GripHandlers settings for <c>MapGripHandler</c> endpoints.</summary>
public static class GripEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Sets this endpoint's handler timeout, overriding <see cref="GripOptions.HandlerTimeout"/>: a
    /// batch that takes longer closes its connection with 1011 (rejects it with 500 while opening)
    /// and is logged; <see langword="null"/> waits for ever (docs/configuration.md).
    /// </summary>
    /// <param name="builder">The builder <c>MapGripHandler</c> returned.</param>
    /// <param name="timeout">More than zero and at most <see cref="GripOptions.MaxHandlerTimeout"/>, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive or over the maximum.</exception>
    public static TBuilder WithGripHandlerTimeout<TBuilder>(this TBuilder builder, TimeSpan? timeout)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (timeout is { } value && (value <= TimeSpan.Zero || value > GripOptions.MaxHandlerTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), value, $"A handler timeout must be more than 0 and at most {GripOptions.MaxHandlerTimeout} (Pushpin's zurl gives up on a request after 600 s), or null for none.");
        }

        builder.Add(b => b.Metadata.Add(new GripHandlerTimeoutMetadata(timeout)));
        return builder;
    }
}
