namespace Grip.AsyncApi;

/// <summary>
/// Endpoint metadata that <c>MapGripHandler&lt;T&gt;</c> adds: which handler class the endpoint serves,
/// so <c>MapGripAsyncApi</c> lists the paths actually mapped.
/// </summary>
/// <param name="HandlerType">The handler class.</param>
public sealed record GripHandlerEndpointMetadata(Type HandlerType);
