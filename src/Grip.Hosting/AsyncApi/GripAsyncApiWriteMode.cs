namespace Grip.AsyncApi;

/// <summary>
/// Registered when the app runs only to write its AsyncAPI document (<c>GRIP_ASYNCAPI_OUTPUT</c>):
/// nothing is served, so <c>MapGripHandler</c> does not ask for a verify key.
/// </summary>
internal sealed class GripAsyncApiWriteMode;
