namespace Microsoft.AspNetCore.Builder;

/// <summary>Endpoint metadata carrying a handler timeout set with <see cref="GripEndpointConventionBuilderExtensions.WithGripHandlerTimeout"/>.</summary>
/// <param name="Timeout">The timeout, or <see langword="null"/> for none.</param>
public sealed record GripHandlerTimeoutMetadata(TimeSpan? Timeout);
