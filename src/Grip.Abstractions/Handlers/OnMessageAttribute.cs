namespace Grip;

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
