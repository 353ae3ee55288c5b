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

/// <summary>What a handler's message, reply, send or publish carries, for the contract.</summary>
/// <param name="Kind">Text, Binary, TextOrBinary or Json (the names of <c>Grip.AsyncApi.GripPayloadKind</c>).</param>
/// <param name="JsonType">The fully qualified JSON type for Json, else null.</param>
internal sealed record PayloadModel(string Kind, string? JsonType);

/// <summary>One [OnMessage] method in the contract.</summary>
internal sealed record RouteContractModel(string Method, string? Description, string? Route, PayloadModel Message, PayloadModel? Reply);

/// <summary>One [GripPublishes] declaration in the contract.</summary>
internal sealed record PublishContractModel(string Channel, PayloadModel Message);

/// <summary>One valid <c>[GripCloseCode]</c> declaration: the app's own close code.</summary>
internal sealed record CloseCodeModel(int Code, string Name, string? Reason, string? Description, bool Reconnect);

/// <summary>The XML docs of a property or field: C# name, [JsonPropertyName] name, text.</summary>
internal sealed record MemberDocsModel(string Name, string? JsonName, string? Description);

/// <summary>The XML docs of a JSON type the messages reach.</summary>
internal sealed record TypeDocsModel(string Type, string? Summary, EquatableArray<MemberDocsModel> Members);

/// <summary>
/// What the generated contract registration of one handler says (docs/asyncapi.md): a value object
/// of strings, so the pipeline step caches.
/// </summary>
internal sealed record ContractModel(
    string HintName,
    string ClassName,
    string HandlerType,
    string FullName,
    string? Description,
    string? JsonContext,
    string? Discriminator,
    EquatableArray<RouteContractModel> Routes,
    EquatableArray<PayloadModel> Sends,
    EquatableArray<PublishContractModel> Publishes,
    EquatableArray<string> QueryNames,
    EquatableArray<TypeDocsModel> Types,
    EquatableArray<CloseCodeModel> CloseCodes);
