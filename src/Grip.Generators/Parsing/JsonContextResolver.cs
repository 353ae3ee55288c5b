using System.Collections.Generic;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// The handler's <c>[GripJsonContext(typeof(MyJsonContext), DiscriminatorProperty = "...")]</c>
/// (GRIP0009 when it is not usable), and the JSON message and reply types its methods use: each
/// must be listed on the context (GRIP0008) and gets an index into <see cref="HandlerModel.JsonTypes"/>.
/// </summary>
internal sealed class JsonContextResolver
{
    private const string DefaultDiscriminator = "type";

    private readonly KnownTypes _known;
    private readonly INamedTypeSymbol? _context;
    private readonly List<string> _types = new();

    private JsonContextResolver(KnownTypes known, INamedTypeSymbol? context, string? contextName, string discriminator)
    {
        _known = known;
        _context = context;
        ContextName = contextName;
        Discriminator = discriminator;
    }

    /// <summary>The context's fully qualified name, or null when the handler has no valid context.</summary>
    public string? ContextName { get; }

    public string Discriminator { get; }

    /// <summary>
    /// Whether the handler's context lists <paramref name="type"/>: such a type is a message or a
    /// reply, never a service (a parameter of it in a service position is GRIP0016).
    /// </summary>
    public bool Lists(ITypeSymbol type) => _context is not null && _known.ContextHasType(_context, type);

    /// <summary>The context's simple name, for messages (empty without a context).</summary>
    public string ContextShortName => _context?.Name ?? string.Empty;

    // In order of first use: the index of a type is its place here.
    public EquatableArray<string> Types => _types.ToEquatableArray();

    public static JsonContextResolver Resolve(INamedTypeSymbol handler, KnownTypes known, List<Diagnostic> diagnostics)
    {
        AttributeData? attribute = null;
        foreach (var candidate in handler.GetAttributes())
        {
            if (KnownTypes.Is(candidate.AttributeClass, known.JsonContextAttribute))
            {
                attribute = candidate;
                break;
            }
        }

        if (attribute is null)
        {
            return new JsonContextResolver(known, null, null, DefaultDiscriminator);
        }

        string discriminator = DefaultDiscriminator;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "DiscriminatorProperty")
            {
                if (named.Value.Value is string { Length: > 0 } value)
                {
                    discriminator = value;
                }
                else
                {
                    diagnostics.Add(Invalid(attribute, handler, "DiscriminatorProperty must be a non-empty JSON property name"));
                }
            }
        }

        var contextType = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        if (contextType is null || known.JsonSerializerContext is null || !DerivesFrom(contextType, known.JsonSerializerContext))
        {
            string what = contextType is null ? "no type is given" : "'" + contextType.Name + "' does not derive from System.Text.Json.Serialization.JsonSerializerContext";
            diagnostics.Add(Invalid(attribute, handler, what));
            return new JsonContextResolver(known, null, null, discriminator);
        }

        if (contextType.IsAbstract || contextType.IsUnboundGenericType || contextType.Arity > 0)
        {
            diagnostics.Add(Invalid(attribute, handler, "'" + contextType.Name + "' must be a concrete, non-generic context class"));
            return new JsonContextResolver(known, null, null, discriminator);
        }

        return new JsonContextResolver(known, contextType, known.FullyQualifiedName(contextType), discriminator);
    }

    /// <summary>Why a type cannot be a JSON message or reply, or null when it can.</summary>
    public static string? UnsupportedReason(ITypeSymbol type, KnownTypes known)
    {
        if (type.IsRefLikeType)
        {
            return "'" + type.ToDisplayString() + "' is a ref struct, which cannot be stored across an await; take ReadOnlyMemory<byte> instead of a span";
        }

        if (type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Delegate or TypeKind.Error)
        {
            return "'" + type.ToDisplayString() + "' is not a JSON-serializable type";
        }

        if (type.SpecialType == SpecialType.System_Object)
        {
            return "'object' has no source-generated JSON metadata; use a concrete type";
        }

        if (KnownTypes.Is(type, known.Task) || KnownTypes.Is(type, known.ValueTask) || KnownTypes.Is(type, known.TaskOfT) || KnownTypes.Is(type, known.ValueTaskOfT)
            || KnownTypes.Is(type, known.Connection) || KnownTypes.Is(type, known.GripMessage) || KnownTypes.Is(type, known.CloseStatus) || KnownTypes.Is(type, known.CancellationToken))
        {
            return "'" + type.ToDisplayString() + "' cannot be sent or received as a message";
        }

        return null;
    }

    /// <summary>The type's index in <see cref="Types"/>, or -1 with GRIP0008 when the context lacks it.</summary>
    public int TypeIndex(ITypeSymbol type, IMethodSymbol method, Location? location, List<Diagnostic> diagnostics)
    {
        if (_context is null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TypeNotInJsonContext, location, type.ToDisplayString(),
                "the handler class has no valid [GripJsonContext(typeof(MyJsonContext))] naming the JsonSerializerContext that holds its metadata (method '" + method.Name + "')"));
            return -1;
        }

        if (!_known.ContextHasType(_context, type))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TypeNotInJsonContext, location, type.ToDisplayString(),
                "'" + _context.Name + "' has no [JsonSerializable(typeof(" + type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() + "))]; add it to the context"));
            return -1;
        }

        string name = _known.FullyQualifiedName(type);
        int index = _types.IndexOf(name);
        if (index < 0)
        {
            _types.Add(name);
            index = _types.Count - 1;
        }

        return index;
    }

    private static Diagnostic Invalid(AttributeData attribute, INamedTypeSymbol handler, string what) =>
        Diagnostic.Create(DiagnosticDescriptors.InvalidJsonContext, SymbolLocations.Attribute(attribute, handler), handler.Name, what);

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
