namespace Grip;

/// <summary>
/// Marks the method that runs exactly once when a connection ends, by a close handshake or a
/// disconnect. At most one per class.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnCloseAttribute : Attribute;
