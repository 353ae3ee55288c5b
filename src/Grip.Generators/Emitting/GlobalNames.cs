using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Emitting;

/// <summary>
/// Every framework name generated code uses, <c>global::</c>-qualified so a user type or namespace of
/// the same name can never capture it, and the attributes every generated member carries.
/// </summary>
internal static class GlobalNames
{
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string ServiceProvider = "global::System.IServiceProvider";
    public const string ReadOnlyMemoryOfByte = "global::System.ReadOnlyMemory<byte>";
    public const string InvalidOperationException = "global::System.InvalidOperationException";

    public const string Connection = "global::Grip.GripConnection";
    public const string Message = "global::Grip.GripMessage";
    public const string CloseStatus = "global::Grip.CloseStatus";
    public const string HandlerInterface = "global::Grip.IGripHandler";
    public const string InvokerInterface = "global::Grip.Infrastructure.IGripHandlerInvoker";
    public const string Dispatcher = "global::Grip.Infrastructure.GripDispatcher";
    public const string Support = "global::Grip.Infrastructure.GripHandlerSupport";
    public const string MessageTypeResult = "global::Grip.Infrastructure.GripMessageTypeResult";
    public const string HttpContextAccess = "global::" + Parsing.KnownTypes.HttpContextAccessType;

    public const string JsonTypeInfo = "global::System.Text.Json.Serialization.Metadata.JsonTypeInfo";
    public const string JsonSerializer = "global::System.Text.Json.JsonSerializer";
    public const string JsonException = "global::System.Text.Json.JsonException";
    public const string Utf8JsonReader = "global::System.Text.Json.Utf8JsonReader";

    public const string ServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string KeyedServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions";

    // Attributes without their "Attribute" suffix: the lines stay within the line length.
    public const string DebuggerNonUserCode = "[global::System.Diagnostics.DebuggerNonUserCode]";
    public const string EditorBrowsableNever =
        "[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]";

    public static readonly string GeneratedCode =
        $"[global::System.CodeDom.Compiler.GeneratedCode({Literal(ThisAssembly.Name)}, {Literal(ThisAssembly.Version)})]";

    /// <summary>A C# string literal, escaped by Roslyn: user text is never pasted between quotes.</summary>
    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
