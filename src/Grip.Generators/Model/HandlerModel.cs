namespace Grip.Generators.Model;

/// <summary>Everything the emitter needs to write one handler's dispatch code.</summary>
/// <remarks>
/// A value object: strings, bools, enums and <see cref="EquatableArray{T}"/> only. It never holds an
/// <c>ISymbol</c>, <c>SyntaxNode</c>, <c>Location</c> or <c>Compilation</c>, so two runs over the same
/// code produce equal models and the pipeline stays cached (tests walk the step outputs to prove it).
/// </remarks>
internal sealed record HandlerModel(
    string Namespace,
    string TypeName,
    string FullyQualifiedName,
    string HintName,
    EquatableArray<TypeDeclarationModel> DeclarationChain,
    string? InvalidReason,
    EquatableArray<ParameterModel> ConstructorParameters,
    MethodModel? Open,
    MethodModel? Close,
    EquatableArray<MethodModel> Messages,
    string? JsonContextType,
    string DiscriminatorProperty,
    EquatableArray<string> JsonTypes)
{
    /// <summary>Whether full dispatch code can be emitted (otherwise a throwing fallback is).</summary>
    public bool IsValid => InvalidReason is null;
}

/// <summary>One type declaration from the outermost containing type to the handler itself.</summary>
/// <param name="Keyword">"class", "record", "struct", "record struct" or "interface".</param>
/// <param name="Name">The name with its type parameter list, for example <c>Outer&lt;T&gt;</c>.</param>
internal sealed record TypeDeclarationModel(string Keyword, string Name);

internal enum ParameterKind
{
    Connection,
    CancellationToken,
    CloseStatus,
    Message,
    Service,
    OptionalService,

    /// <summary>The ASP.NET Core HttpContext of the request that carried the event.</summary>
    HttpContext,

    /// <summary>The connection's user (<c>connection.User</c>), a ClaimsPrincipal.</summary>
    User,
}

internal enum MessageKind
{
    /// <summary>The method takes no message parameter: it receives text and binary messages.</summary>
    None,
    String,
    Memory,
    ByteArray,
    GripMessage,
    Json,
}

internal enum ReturnKind
{
    Void,
    Task,
    ValueTask,
    TaskOfT,
    ValueTaskOfT,
    Value,
}

internal enum ReplyKind
{
    None,
    Text,
    ByteArray,
    Memory,
    Json,
}

/// <param name="Kind">How the argument is bound.</param>
/// <param name="Name">The parameter's name (services and messages: their locals are named after it), else empty.</param>
/// <param name="Type">The fully qualified type (services, JSON messages).</param>
/// <param name="JsonTypeIndex">Index into <see cref="HandlerModel.JsonTypes"/> for a JSON message, else -1.</param>
/// <param name="IsReferenceType">Whether a null check applies to a deserialized value.</param>
/// <param name="AllowsNull">Whether the parameter is nullable-annotated (optional service, nullable message).</param>
/// <param name="ServiceKey">For a keyed service ([FromKeyedServices(key)]), the key as a C# literal; else null.</param>
internal sealed record ParameterModel(ParameterKind Kind, string Name, string Type, int JsonTypeIndex, bool IsReferenceType, bool AllowsNull, string? ServiceKey = null);

/// <param name="Name">The method name.</param>
/// <param name="IsStatic">Static methods are called on the type, not the instance.</param>
/// <param name="ReturnKind">How the method's result is awaited.</param>
/// <param name="ReplyKind">How a returned value is sent to the client.</param>
/// <param name="ReplyType">The fully qualified reply type, or null.</param>
/// <param name="ReplyJsonTypeIndex">Index into <see cref="HandlerModel.JsonTypes"/> for a JSON reply, else -1.</param>
/// <param name="ReplyIsReferenceType">Whether a null reply is possible (and sends nothing).</param>
/// <param name="MessageType">The discriminator value of a typed route, or null for an untyped handler.</param>
/// <param name="MessageKind">The kind of the message parameter.</param>
/// <param name="Parameters">The parameters in declaration order.</param>
internal sealed record MethodModel(
    string Name,
    bool IsStatic,
    ReturnKind ReturnKind,
    ReplyKind ReplyKind,
    string? ReplyType,
    int ReplyJsonTypeIndex,
    bool ReplyIsReferenceType,
    string? MessageType,
    MessageKind MessageKind,
    EquatableArray<ParameterModel> Parameters)
{
    /// <summary>An untyped handler that takes text messages.</summary>
    public bool TakesText => MessageType is null && MessageKind is MessageKind.None or MessageKind.String or MessageKind.GripMessage or MessageKind.Json;

    /// <summary>An untyped handler that takes binary messages.</summary>
    public bool TakesBinary => MessageType is null && MessageKind is MessageKind.None or MessageKind.Memory or MessageKind.ByteArray or MessageKind.GripMessage;
}
