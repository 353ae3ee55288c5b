namespace Grip.Generators.Model;

/// <summary>What a <c>[GripPublishes]</c> declares: text, binary or a JSON type.</summary>
internal enum PublishKind
{
    Text,
    Binary,
    Json,
}

/// <summary>One valid <c>[GripPublishes]</c> declaration.</summary>
/// <param name="Channel">The channel pattern, <c>ps:{channel}</c>.</param>
/// <param name="Kind">Text, binary or JSON.</param>
/// <param name="JsonType">The fully qualified JSON type, else null.</param>
internal sealed record PublishModel(string Channel, PublishKind Kind, string? JsonType);
