namespace Grip.Hosting.Http;

/// <summary>A channel a held request listens on.</summary>
/// <param name="Name">The channel name.</param>
/// <param name="PrevId">The id of the last message the client has; the proxy delivers only what follows.</param>
/// <param name="Filters">Subscription filters (for example <c>skip-self</c>).</param>
public sealed record GripHoldChannel(string Name, string? PrevId = null, IReadOnlyList<string>? Filters = null);
