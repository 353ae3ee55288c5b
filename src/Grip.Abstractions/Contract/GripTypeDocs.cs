namespace Grip.AsyncApi;

/// <summary>The documentation of a JSON type the handler's messages reach, from its XML docs.</summary>
/// <param name="Type">The type.</param>
/// <param name="Summary">Its <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</param>
/// <param name="Members">Its documented properties and fields.</param>
public sealed record GripTypeDocs(Type Type, string? Summary, IReadOnlyList<GripMemberDocs> Members);
