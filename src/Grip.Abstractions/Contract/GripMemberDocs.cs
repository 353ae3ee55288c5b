namespace Grip.AsyncApi;

/// <summary>The documentation of one property or field.</summary>
/// <param name="Name">The C# member name.</param>
/// <param name="JsonName">The name its <c>[JsonPropertyName]</c> gives, or <see langword="null"/> (the context's naming policy then applies).</param>
/// <param name="Description">Its <c>&lt;summary&gt;</c>, or a positional record's <c>&lt;param&gt;</c>, as plain text.</param>
public sealed record GripMemberDocs(string Name, string? JsonName, string? Description);
