using Microsoft.CodeAnalysis;

namespace Grip.Generators.Diagnostics;

/// <summary>Every diagnostic GripHandlers reports. Messages say what is wrong and how to fix it.</summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "GripHandlers";

    /// <summary>
    /// The help link of a diagnostic: its page, <c>docs/diagnostics/GRIPnnnn.md</c>, under the project's
    /// public base URL (the MSBuild property <c>GripPublicBaseUrl</c>, stamped into
    /// <see cref="GripBuildInfo"/> when this assembly is built). <see langword="null"/> while the project
    /// has no public host: a link must never point at a host that does not exist, so the diagnostic
    /// then carries none (Roslyn reports an empty <c>HelpLinkUri</c>) and the Grip.Abstractions package
    /// README lists every id with its fix instead.
    /// </summary>
    internal static string? HelpLink(string id) =>
        GripBuildInfo.PublicBaseUrl.Length == 0 ? null : GripBuildInfo.PublicBaseUrl + "/docs/diagnostics/" + id + ".md";

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        DiagnosticIds.GRIP0001_UnsupportedParameter,
        "Unsupported handler parameter",
        "Parameter '{0}' of '{1}' cannot be bound: {2}",
        "Handler parameters are bound by generated code: GripConnection, CancellationToken, CloseStatus (in [OnClose]), HttpContext and ClaimsPrincipal (with Grip.Hosting), ILogger (category: the handler type), the message (in [OnMessage]: string, ReadOnlyMemory<byte>, byte[], GripMessage or a JSON type), and services from dependency injection (reference types).");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        DiagnosticIds.GRIP0002_UnsupportedReturnType,
        "Unsupported handler return type",
        "'{0}' returns '{1}', which a handler cannot return: {2}",
        "[OnOpen] and [OnMessage] methods return void, Task or ValueTask, or a reply (string, byte[], ReadOnlyMemory<byte> or a JSON type, directly or in Task<T>/ValueTask<T>). [OnClose] methods return void, Task or ValueTask.");

    public static readonly DiagnosticDescriptor AsyncVoid = Error(
        DiagnosticIds.GRIP0003_AsyncVoid,
        "Handler method is async void",
        "'{0}' is async void: the response would be sent before it finishes and its exceptions would crash the process; return Task or ValueTask instead",
        "An async void method cannot be awaited; the dispatcher must await every handler before answering the proxy.");

    public static readonly DiagnosticDescriptor DuplicateLifecycleMethod = Error(
        DiagnosticIds.GRIP0004_DuplicateLifecycleMethod,
        "More than one [OnOpen] or [OnClose] method",
        "'{0}' has more than one {1} method ('{2}' and '{3}'); keep one",
        "A connection opens once and closes once, so a handler class has at most one [OnOpen] and one [OnClose] method.");

    public static readonly DiagnosticDescriptor AmbiguousMessageHandlers = Error(
        DiagnosticIds.GRIP0005_AmbiguousMessageHandlers,
        "Two [OnMessage] methods match the same messages",
        "'{0}' and '{1}' both handle {2}; give each message kind or message type a single method",
        "Each message must reach exactly one method: at most one untyped method for text (string, GripMessage, a JSON type or no message parameter), one for binary (ReadOnlyMemory<byte>, byte[], GripMessage or no message parameter), and one method per message type.");

    public static readonly DiagnosticDescriptor UnreachableHandlerType = Error(
        DiagnosticIds.GRIP0006_UnreachableHandlerType,
        "Handler class cannot be generated",
        "'{0}' cannot get generated dispatch code: {1}",
        "The generator adds members to the handler class, so the class and every containing type must be partial, and the class must be a non-static, non-abstract, non-generic, non-file-local class or record class.");

    public static readonly DiagnosticDescriptor UnreachableHandlerMethod = Error(
        DiagnosticIds.GRIP0007_UnreachableHandlerMethod,
        "Handler method cannot be called by generated code",
        "'{0}' cannot be called by generated code: {1}",
        "Handler methods must be ordinary methods declared in the handler class: not generic, not abstract, not extern, not ref-returning.");

    public static readonly DiagnosticDescriptor TypeNotInJsonContext = Error(
        DiagnosticIds.GRIP0008_TypeNotInJsonContext,
        "JSON type missing from the JSON context",
        "'{0}' is read or written as JSON, but {1}",
        "Typed messages and replies are (de)serialized with source-generated System.Text.Json metadata. A type missing from the JsonSerializerContext would fail at run time; add [JsonSerializable(typeof(T))] to the context named by [GripJsonContext].");

    public static readonly DiagnosticDescriptor InvalidJsonContext = Error(
        DiagnosticIds.GRIP0009_InvalidJsonContext,
        "Invalid [GripJsonContext]",
        "[GripJsonContext] on '{0}' is invalid: {1}",
        "[GripJsonContext(typeof(MyContext))] names a class deriving from System.Text.Json.Serialization.JsonSerializerContext, and DiscriminatorProperty is a non-empty property name.");

    public static readonly DiagnosticDescriptor InvalidCloseCode = Error(
        DiagnosticIds.GRIP0010_InvalidCloseCode,
        "Invalid close code or reason",
        "{0}",
        "A close frame may carry codes 1000-1003, 1007-1014 and 3000-4999 (RFC 6455 section 7.4) and a reason of at most 123 UTF-8 bytes. Other codes (such as 999 or 1005, 1006 and 1015, which are reserved for reporting) throw at run time.");

    public static readonly DiagnosticDescriptor InvalidChannel = Error(
        DiagnosticIds.GRIP0011_InvalidChannel,
        "Invalid channel name",
        "Channel name {0} is invalid: {1}",
        "A GRIP channel name is a non-empty string without control characters; Pushpin rejects anything else (the connection is dropped or the publish fails).");

    public static readonly DiagnosticDescriptor NoMessageParameter = new(
        DiagnosticIds.GRIP0012_NoMessageParameter,
        "[OnMessage] method has no message parameter",
        "'{0}' has no message parameter, so it receives every text and binary message without its content; add a string, ReadOnlyMemory<byte>, byte[], GripMessage or JSON type parameter",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An [OnMessage] method without a message parameter is usually a mistake: the message content is lost.",
        helpLinkUri: HelpLink(DiagnosticIds.GRIP0012_NoMessageParameter));

    public static readonly DiagnosticDescriptor AmbiguousConstructor = Error(
        DiagnosticIds.GRIP0013_AmbiguousConstructor,
        "Handler constructor is ambiguous",
        "'{0}' has {1} constructors; generated code needs exactly one to create the handler with services from dependency injection",
        "One handler instance is created per request with constructor parameters from dependency injection, so the class has exactly one instance constructor.");

    public static readonly DiagnosticDescriptor InvalidMessageType = Error(
        DiagnosticIds.GRIP0014_InvalidMessageType,
        "Invalid [OnMessage] message type",
        "[OnMessage] on '{0}' names an invalid message type: {1}",
        "The message type given to [OnMessage(\"...\")] is matched against the discriminator property of JSON text messages; it must be a non-empty constant string.");

    public static readonly DiagnosticDescriptor SecondMessageParameter = Error(
        DiagnosticIds.GRIP0015_SecondMessageParameter,
        "[OnMessage] method has more than one message parameter",
        "Parameter '{0}' of '{1}' is a second message: '{2}' already receives the message; an [OnMessage] method takes one message parameter",
        "An [OnMessage] method receives one message, as one parameter: string, ReadOnlyMemory<byte>, byte[], GripMessage or a type of the handler's JSON context. To see the raw text of a JSON message as well, take GripMessage and deserialize it yourself, or take the JSON type only.");

    public static readonly DiagnosticDescriptor JsonTypeAsService = Error(
        DiagnosticIds.GRIP0016_JsonTypeAsService,
        "JSON message type taken as a service",
        "Parameter '{0}' of '{1}' would be resolved from dependency injection, but '{2}' is a message type of the JSON context '{3}'; {4}",
        "A type listed on the handler's JSON context is a message or a reply. A parameter of that type outside the message position would be resolved from dependency injection and fail at run time, so it is an error: receive it as the message of an [OnMessage] method.");

    public static readonly DiagnosticDescriptor JsonContextDefaultOptions = new(
        DiagnosticIds.GRIP0017_JsonContextDefaultOptions,
        "JSON context uses .NET's default JSON options",
        "'{0}' (the JSON context of '{1}') has no [JsonSourceGenerationOptions], so it expects PascalCase names, matched case-sensitively: a JavaScript client's {{\"id\":\"1\"}} arrives as null, without an error; add [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "JSON on a WebSocket is JavaScript's: camelCase property names. With web defaults (camelCase, case-insensitive reading) and required and nullable annotations respected, a message that lacks a required property or has null where the type says it cannot fails to deserialize, so it goes to the untyped text method or closes with 1007, instead of arriving with nulls. Any [JsonSourceGenerationOptions] on the context counts as a deliberate choice and silences this warning.",
        helpLinkUri: HelpLink(DiagnosticIds.GRIP0017_JsonContextDefaultOptions));
    public static readonly DiagnosticDescriptor InvalidPublishes = Error(
        DiagnosticIds.GRIP0018_InvalidPublishes,
        "Invalid [GripPublishes] declaration",
        "[GripPublishes] on '{0}' is invalid: {1}",
        "[GripPublishes(typeof(T), Channel = \"ps:{channel}\")] declares what a handler's connections receive through publishes, for the AsyncAPI document and the typed client. T is string (text), byte[] (binary) or a JSON type listed with [JsonSerializable] on the handler's [GripJsonContext]; Channel is a GRIP channel name with {name} for variable parts.");

    public static readonly DiagnosticDescriptor InvalidCloseCodeDeclaration = Error(
        DiagnosticIds.GRIP0019_InvalidCloseCodeDeclaration,
        "Invalid [GripCloseCode] declaration",
        "[GripCloseCode] on '{0}' is invalid: {1}",
        "[GripCloseCode(4001, \"banned\")] declares one of the app's own close codes for the AsyncAPI document and the typed client. The code is in 4000-4999, the code and the name are unique on the class, the name is a camelCase identifier (a lowercase ASCII letter, then ASCII letters and digits), and Reason is at most 123 UTF-8 bytes.");

    public static readonly DiagnosticDescriptor InternalError = new(
        DiagnosticIds.GRIP0099_InternalError,
        "GripHandlers generator failed",
        "The GripHandlers generator failed for '{0}': {1}; please report this",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "An unexpected failure inside the generator. The handler gets a fallback that throws at run time.",
        helpLinkUri: HelpLink(DiagnosticIds.GRIP0099_InternalError));

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: HelpLink(id),
            customTags: WellKnownDiagnosticTags.NotConfigurable);
}
