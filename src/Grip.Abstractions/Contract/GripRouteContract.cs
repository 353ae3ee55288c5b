namespace Grip.AsyncApi;

/// <summary>One <c>[OnMessage]</c> method of a handler.</summary>
/// <param name="Method">The C# method name.</param>
/// <param name="Description">The method's XML <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</param>
/// <param name="Route">The discriminator value of a typed route (<c>[OnMessage("subscribe")]</c>), or <see langword="null"/> for an untyped method.</param>
/// <param name="Message">What the method takes. A routed method with a raw parameter (string, bytes, <see cref="GripMessage"/>) has <see cref="GripPayloadKind.Text"/>.</param>
/// <param name="Reply">What the method returns to the client, or <see langword="null"/> when it returns nothing.</param>
public sealed record GripRouteContract(string Method, string? Description, string? Route, GripPayloadContract Message, GripPayloadContract? Reply);
