using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Parsing;

/// <summary>
/// The framework types handler parsing compares against, resolved once per compilation, and the
/// per-compilation lookups that many handler classes share (the types a JSON context lists).
/// </summary>
internal sealed class KnownTypes
{
    // Every handler of a big project names the same context: its [JsonSerializable] list is read
    // once into a set of type names, instead of once per JSON type of every handler (quadratic).
    // The generator shares the sets across compilations with equal declarations (SemanticInputs),
    // so editing one handler does not bind a 400-attribute context again.
    private readonly ConcurrentDictionary<string, HashSet<string>> _contextTypes;

    // Display strings of namespaces, shared by every type in them ("global::App.Messages").
    private readonly ConcurrentDictionary<INamespaceSymbol, string> _namespaceNames = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamespaceSymbol, string> _namespaceDisplays = new(SymbolEqualityComparer.Default);

    public const string OnOpenAttribute = "Grip.OnOpenAttribute";
    public const string OnMessageAttribute = "Grip.OnMessageAttribute";
    public const string OnCloseAttribute = "Grip.OnCloseAttribute";
    public const string GripJsonContextAttribute = "Grip.GripJsonContextAttribute";

    private KnownTypes(Compilation compilation, INamedTypeSymbol connection, ConcurrentDictionary<string, HashSet<string>>? contextTypes)
    {
        _contextTypes = contextTypes ?? new ConcurrentDictionary<string, HashSet<string>>(System.StringComparer.Ordinal);
        Connection = connection;
        CloseStatus = compilation.GetTypeByMetadataName("Grip.CloseStatus");
        GripMessage = compilation.GetTypeByMetadataName("Grip.GripMessage");
        OnOpen = compilation.GetTypeByMetadataName(OnOpenAttribute);
        OnMessage = compilation.GetTypeByMetadataName(OnMessageAttribute);
        OnClose = compilation.GetTypeByMetadataName(OnCloseAttribute);
        JsonContextAttribute = compilation.GetTypeByMetadataName(GripJsonContextAttribute);
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        JsonSerializableAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializableAttribute");
        HttpContext = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpContext");
        HttpContextAccess = compilation.GetTypeByMetadataName(HttpContextAccessType);
        ClaimsPrincipal = compilation.GetTypeByMetadataName("System.Security.Claims.ClaimsPrincipal");
        Logger = compilation.GetTypeByMetadataName("Microsoft.Extensions.Logging.ILogger");
        Publishes = compilation.GetTypeByMetadataName(PublishesParser.AttributeName);
        CloseCode = compilation.GetTypeByMetadataName(CloseCodeParser.AttributeName);
    }

    /// <summary>Grip.Hosting's accessor of a connection's HttpContext, which generated code calls.</summary>
    public const string HttpContextAccessType = "Grip.GripConnectionHttpExtensions";

    public INamedTypeSymbol Connection { get; }

    public INamedTypeSymbol? CloseStatus { get; }

    public INamedTypeSymbol? GripMessage { get; }

    public INamedTypeSymbol? OnOpen { get; }

    public INamedTypeSymbol? OnMessage { get; }

    public INamedTypeSymbol? OnClose { get; }

    public INamedTypeSymbol? JsonContextAttribute { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    /// <summary>ASP.NET Core's HttpContext (null without a reference to ASP.NET Core).</summary>
    public INamedTypeSymbol? HttpContext { get; }

    /// <summary>Grip.Hosting's <c>GripConnectionHttpExtensions</c> (null without Grip.Hosting).</summary>
    public INamedTypeSymbol? HttpContextAccess { get; }

    public INamedTypeSymbol? ClaimsPrincipal { get; }

    /// <summary>The non-generic <c>Microsoft.Extensions.Logging.ILogger</c>.</summary>
    public INamedTypeSymbol? Logger { get; }
    /// <summary><c>Grip.GripPublishesAttribute</c>, or null with an older Grip.Abstractions.</summary>
    public INamedTypeSymbol? Publishes { get; }

    /// <summary><c>Grip.GripCloseCodeAttribute</c>, or null with an older Grip.Abstractions.</summary>
    public INamedTypeSymbol? CloseCode { get; }

    /// <summary>
    /// Resolves the types, or returns null when Grip.Abstractions is not referenced.
    /// <paramref name="contextTypes"/> is a JSON-context cache shared by compilations with the same
    /// declarations (context name to the names of the types it lists); null for a private one.
    /// </summary>
    public static KnownTypes? Create(Compilation compilation, ConcurrentDictionary<string, HashSet<string>>? contextTypes = null)
    {
        var connection = compilation.GetTypeByMetadataName("Grip.GripConnection");
        return connection is null ? null : new KnownTypes(compilation, connection, contextTypes);
    }

    /// <summary>
    /// Whether <paramref name="context"/> (or a base context) has [JsonSerializable(typeof(T))] for
    /// <paramref name="type"/>. Compared by fully qualified name (nullable annotation ignored), which
    /// is also what the generated code writes, so the analyzer and the generator agree.
    /// </summary>
    public bool ContextHasType(INamedTypeSymbol context, ITypeSymbol type) =>
        _contextTypes.GetOrAdd(FullyQualifiedName(context), _ => ReadContextTypes(context)).Contains(FullyQualifiedName(type));

    private HashSet<string> ReadContextTypes(INamedTypeSymbol context)
    {
        // [JsonSerializable] may sit on any partial part of the context, or on a base context.
        var types = new HashSet<string>(System.StringComparer.Ordinal);
        for (INamedTypeSymbol? c = context; c is not null; c = c.BaseType)
        {
            foreach (var attribute in c.GetAttributes())
            {
                if (attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is ITypeSymbol listed
                    && attribute.AttributeClass is { Name: "JsonSerializableAttribute" } attributeClass
                    && (JsonSerializableAttribute is null
                        ? attributeClass.ToDisplayString() == "System.Text.Json.Serialization.JsonSerializableAttribute"
                        : SymbolEqualityComparer.Default.Equals(attributeClass, JsonSerializableAttribute)))
                {
                    types.Add(FullyQualifiedName(listed));
                }
            }
        }

        return types;
    }

    /// <summary>
    /// <paramref name="type"/> as <see cref="SymbolDisplayFormat.FullyQualifiedFormat"/> shows it, with
    /// no nullable annotation: <c>global::App.Messages.Message1</c>. Every edit re-parses every handler
    /// class, so the common case (a plain named type) is built from a cached namespace string instead
    /// of a full display pass; anything else (generic, array, keyword, special) takes Roslyn's.
    /// </summary>
    public string FullyQualifiedName(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { Arity: 0, SpecialType: SpecialType.None, IsTupleType: false } named
            && named.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface or TypeKind.Enum or TypeKind.Delegate
            && IsPlainIdentifier(named.Name))
        {
            if (named.ContainingType is { } outer)
            {
                return FullyQualifiedName(outer) + "." + named.Name;
            }

            if (named.ContainingNamespace is { } containing)
            {
                return containing.IsGlobalNamespace ? "global::" + named.Name : NamespaceName(containing) + "." + named.Name;
            }
        }

        return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
    }

    /// <summary>The namespace as a C# namespace declaration writes it (App.Handlers), cached.</summary>
    public string NamespaceDisplay(INamespaceSymbol ns) =>
        _namespaceDisplays.GetOrAdd(ns, static n => n.ToDisplayString());

    private string NamespaceName(INamespaceSymbol ns) =>
        _namespaceNames.GetOrAdd(ns, static n => n.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));

    private static bool IsPlainIdentifier(string name) =>
        name.Length > 0
        && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
        && SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None;

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    public bool IsReadOnlyMemoryOfByte(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && Is(named, ReadOnlyMemory)
        && named.TypeArguments[0].SpecialType == SpecialType.System_Byte;

    public static bool IsByteArray(ITypeSymbol type) =>
        type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte };
}
