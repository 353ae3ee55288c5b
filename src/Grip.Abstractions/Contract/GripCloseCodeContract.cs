namespace Grip.AsyncApi;

/// <summary>One <see cref="GripCloseCodeAttribute"/> declaration of a handler.</summary>
/// <param name="Code">The close code, 4000-4999.</param>
/// <param name="Name">Its camelCase name.</param>
/// <param name="Reason">The close reason text the app sends, or <see langword="null"/>.</param>
/// <param name="Description">What the code means, or <see langword="null"/>.</param>
/// <param name="Reconnect">Whether a client should reconnect after it.</param>
public sealed record GripCloseCodeContract(int Code, string Name, string? Reason, string? Description, bool Reconnect);
