namespace Grip.AsyncApi;

/// <summary>A message or reply: its kind, and for JSON its type.</summary>
/// <param name="Kind">Text, binary, both, or JSON.</param>
/// <param name="JsonType">The JSON type for <see cref="GripPayloadKind.Json"/>, else <see langword="null"/>.</param>
public sealed record GripPayloadContract(GripPayloadKind Kind, Type? JsonType = null);
