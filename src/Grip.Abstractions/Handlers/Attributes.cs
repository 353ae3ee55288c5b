namespace Grip;

/// <summary>
/// Marks the method that runs when a client opens a connection. At most one per class; without one,
/// every connection is accepted. The method may reject the connection with
/// <see cref="GripConnection.Reject(int, string?)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnOpenAttribute : Attribute;

/// <summary>
/// Marks a method that receives client messages. A class may have one for text, one for binary, and
/// typed ones routed by a discriminator (see <see cref="OnMessageAttribute(string)"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnMessageAttribute : Attribute
{
    /// <summary>A handler for every message its parameter type can take (text, binary or both).</summary>
    public OnMessageAttribute()
    {
    }

    /// <summary>
    /// A handler for JSON text messages whose discriminator property (by default <c>type</c>, see
    /// <see cref="GripJsonContextAttribute.DiscriminatorProperty"/>) equals <paramref name="messageType"/>.
    /// </summary>
    /// <param name="messageType">The discriminator value, for example <c>chat.send</c>.</param>
    public OnMessageAttribute(string messageType)
    {
        MessageType = messageType;
    }

    /// <summary>The discriminator value this method handles, or <see langword="null"/> for an untyped handler.</summary>
    public string? MessageType { get; }
}

/// <summary>
/// Marks the method that runs exactly once when a connection ends, by a close handshake or a
/// disconnect. At most one per class.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnCloseAttribute : Attribute;

/// <summary>
/// Names the <c>System.Text.Json.Serialization.JsonSerializerContext</c> whose source-generated
/// metadata (de)serializes this handler's typed messages, so no reflection runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GripJsonContextAttribute : Attribute
{
    /// <summary>Names the JSON context.</summary>
    /// <param name="contextType">A class deriving from <c>JsonSerializerContext</c>.</param>
    public GripJsonContextAttribute(Type contextType)
    {
        ContextType = contextType;
    }

    /// <summary>The JSON context type.</summary>
    public Type ContextType { get; }

    /// <summary>
    /// The name of the JSON property whose string value routes a message to an
    /// <c>[OnMessage("value")]</c> method. Default <c>type</c>.
    /// </summary>
    public string DiscriminatorProperty { get; set; } = "type";
}
