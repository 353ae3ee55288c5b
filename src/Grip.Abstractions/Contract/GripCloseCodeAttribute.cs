namespace Grip;

/// <summary>
/// Declares one of the app's own WebSocket close codes (4000-4999) that a connection of this handler
/// may be closed with, so the app's AsyncAPI document (<c>MapGripAsyncApi</c>, docs/asyncapi.md) lists
/// it in <c>x-grip-handler.closeCodes</c> and the typed client knows its name.
/// </summary>
/// <remarks>
/// <para>The code is in 4000-4999 (the range RFC 6455 leaves to applications), and the code and the name
/// are unique on the class; the name is a camelCase identifier (<c>banned</c>, <c>tokenExpired</c>).
/// GRIP0019 reports a declaration that breaks these rules.</para>
/// <code>
/// [GripCloseCode(4001, "banned", Description = "The user was banned.", Reconnect = false)]
/// [GripCloseCode(4002, "tokenExpired", Reason = "Token expired")]
/// public sealed partial class RealtimeHandler { ... }
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GripCloseCodeAttribute : Attribute
{
    /// <summary>Declares the close code <paramref name="code"/> with the name <paramref name="name"/>.</summary>
    /// <param name="code">The close code, 4000-4999.</param>
    /// <param name="name">Its camelCase name, the client's <c>GripCloseError.kind</c>.</param>
    public GripCloseCodeAttribute(int code, string name)
    {
        Code = code;
        Name = name;
    }

    /// <summary>The close code, 4000-4999.</summary>
    public int Code { get; }

    /// <summary>Its camelCase name, the client's <c>GripCloseError.kind</c>.</summary>
    public string Name { get; }

    /// <summary>What the code means, for the document and the client's docs; optional.</summary>
    public string? Description { get; set; }

    /// <summary>The close reason text the app sends with the code; optional.</summary>
    public string? Reason { get; set; }

    /// <summary>
    /// Whether a client should reconnect after this close (default <see langword="true"/>); set
    /// <see langword="false"/> for a code after which a new connection would meet the same fate.
    /// </summary>
    public bool Reconnect { get; set; } = true;
}
