namespace Grip;

/// <summary>
/// Marks the method that runs when a client opens a connection. At most one per class; without one,
/// every connection is accepted. The method may reject the connection with
/// <see cref="GripConnection.Reject(int, string?)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnOpenAttribute : Attribute;
