namespace Grip;

/// <summary>
/// Declares what the connections of this handler receive through publishes: messages of
/// <see cref="Type"/> published to the GRIP channel <see cref="Channel"/>. Nothing in the handler
/// shows this (any code can publish to any channel), so the declaration is what the app's AsyncAPI
/// document (<c>MapGripAsyncApi</c>, docs/asyncapi.md) and the typed client learn it from.
/// </summary>
/// <remarks>
/// <para><c>typeof(string)</c> declares text, <c>typeof(byte[])</c> binary; any other type is JSON
/// and must be listed on the handler's <see cref="GripJsonContextAttribute">JSON context</see>
/// (GRIP0018 otherwise, like GRIP0008 for message types).</para>
/// <code>
/// [GripJsonContext(typeof(AppJson))]
/// [GripPublishes(typeof(ChannelMessage), Channel = "ps:{channel}")]
/// public sealed partial class RealtimeHandler { ... }
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GripPublishesAttribute : Attribute
{
    /// <summary>Declares that the handler's connections receive <paramref name="type"/> through publishes.</summary>
    /// <param name="type">The published type: <c>string</c> (text), <c>byte[]</c> (binary) or a JSON type of the handler's context.</param>
    public GripPublishesAttribute(Type type)
    {
        Type = type;
    }

    /// <summary>The published type.</summary>
    public Type Type { get; }

    /// <summary>
    /// The GRIP channel name the messages are published to, with <c>{name}</c> for a variable part
    /// (<c>ps:{channel}</c>, <c>room:{room}:events</c>, <c>all</c>). Required.
    /// </summary>
    public string? Channel { get; set; }
}
