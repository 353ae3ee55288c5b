using System.Collections.Generic;
using System.Globalization;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Parsing;

/// <summary>
/// Dependency injection: the handler's constructor (exactly one, GRIP0013) and every parameter that
/// is bound as a service, optional when nullable-annotated, keyed with <c>[FromKeyedServices(key)]</c>.
/// A parameter that is not a service gets GRIP0001 saying what it is instead, and one whose type the
/// handler's JSON context lists (a message, not a service) gets GRIP0016. A non-generic ILogger gets
/// a logger whose category is the handler type.
/// </summary>
internal static class ServiceBinder
{
    private const string FromKeyedServicesNamespace = "Microsoft.Extensions.DependencyInjection";

    public static List<ParameterModel> BindConstructor(INamedTypeSymbol type, KnownTypes known, JsonContextResolver json, List<Diagnostic> diagnostics)
    {
        var parameters = new List<ParameterModel>();

        // A record's copy constructor is compiler-made and never the one to call.
        var constructors = new List<IMethodSymbol>();
        foreach (var constructor in type.InstanceConstructors)
        {
            if (!constructor.IsImplicitlyDeclared || constructor.Parameters.Length == 0)
            {
                constructors.Add(constructor);
            }
        }

        if (constructors.Count != 1)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.AmbiguousConstructor, SymbolLocations.Of(type), type.Name, constructors.Count));
            return parameters;
        }

        string owner = constructors[0].Name == ".ctor" ? type.Name + " constructor" : constructors[0].Name;
        foreach (var parameter in constructors[0].Parameters)
        {
            var model = Bind(parameter, owner, type, known, json, diagnostics, isConstructor: true);
            if (model is not null)
            {
                parameters.Add(model);
            }
        }

        return parameters;
    }

    /// <summary>
    /// The parameter as a service, or null with GRIP0001 (GRIP0016 for a type of the JSON context)
    /// naming <paramref name="owner"/>. A non-generic ILogger is bound as <c>ILogger&lt;THandler&gt;</c>:
    /// its category is the handler type.
    /// </summary>
    public static ParameterModel? Bind(IParameterSymbol parameter, string owner, INamedTypeSymbol handler, KnownTypes known, JsonContextResolver json, List<Diagnostic> diagnostics, bool isConstructor)
    {
        var type = parameter.Type;
        string? problem = null;
        if (parameter.RefKind != RefKind.None)
        {
            problem = "ref, out and in parameters cannot be bound";
        }
        else if (isConstructor && (KnownTypes.Is(type, known.Connection) || KnownTypes.Is(type, known.CancellationToken) || KnownTypes.Is(type, known.CloseStatus)
            || KnownTypes.Is(type, known.HttpContext) || KnownTypes.Is(type, known.ClaimsPrincipal)))
        {
            problem = "'" + type.Name + "' is not a service; take it as a parameter of the handler method instead";
        }
        else if (type.IsRefLikeType)
        {
            problem = "'" + type.ToDisplayString() + "' is a ref struct, which cannot be stored across an await; take ReadOnlyMemory<byte> instead of a span";
        }
        else if (type.SpecialType == SpecialType.System_String || type.TypeKind == TypeKind.Array || KnownTypes.Is(type, known.GripMessage) || known.IsReadOnlyMemoryOfByte(type))
        {
            problem = isConstructor
                ? "'" + type.ToDisplayString() + "' is not a service; messages are parameters of [OnMessage] methods"
                : "'" + type.ToDisplayString() + "' is a message type, but only an [OnMessage] method receives a message (and only one)";
        }
        else if (json.Lists(type))
        {
            string fix = isConstructor
                ? "a constructor gets services only; receive the message as the parameter of an [OnMessage] method"
                : "only an [OnMessage] method receives a message; receive it there";
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.JsonTypeAsService,
                SymbolLocations.Of(parameter),
                parameter.Name,
                owner,
                type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(),
                json.ContextShortName,
                fix));
            return null;
        }
        else if (!type.IsReferenceType || type.TypeKind is TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Pointer or TypeKind.Error)
        {
            problem = "'" + type.ToDisplayString() + "' is neither a framework parameter (GripConnection, CancellationToken, CloseStatus, HttpContext, ClaimsPrincipal), a message, nor a service (services are classes or interfaces resolved from dependency injection)";
        }

        string? key = null;
        if (problem is null && FindServiceKey(parameter, out var keyConstant))
        {
            key = KeyLiteral(keyConstant);
            if (key is null)
            {
                problem = "the [FromKeyedServices] key must be a string, int or enum constant";
            }
        }

        if (problem is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, SymbolLocations.Of(parameter), parameter.Name, owner, problem));
            return null;
        }

        // Only a nullable-annotated service is optional: passing null to a non-nullable parameter
        // would be a warning in generated code.
        bool optional = type.NullableAnnotation == NullableAnnotation.Annotated;
        string name = KnownTypes.Is(type, known.Logger)
            ? "global::Microsoft.Extensions.Logging.ILogger<" + known.FullyQualifiedName(handler) + ">"
            : known.FullyQualifiedName(type);
        return new ParameterModel(optional ? ParameterKind.OptionalService : ParameterKind.Service, parameter.Name, name, -1, true, optional, key);
    }

    /// <summary>A service key as a C# expression (invariant culture), or null for a kind of constant that cannot be one.</summary>
    private static string? KeyLiteral(TypedConstant key) => key switch
    {
        { Kind: TypedConstantKind.Primitive, Value: string s } => SymbolDisplay.FormatLiteral(s, quote: true),
        { Kind: TypedConstantKind.Primitive, Value: int i } => i.ToString(CultureInfo.InvariantCulture),
        { Kind: TypedConstantKind.Enum, Type: { } enumType, Value: { } v } =>
            "(" + enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ")" + System.Convert.ToString(v, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Finds [Microsoft.Extensions.DependencyInjection.FromKeyedServices(key)] on a parameter.</summary>
    private static bool FindServiceKey(IParameterSymbol parameter, out TypedConstant key)
    {
        foreach (var attribute in parameter.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "FromKeyedServicesAttribute" } attributeClass
                && attributeClass.ContainingNamespace.ToDisplayString() == FromKeyedServicesNamespace
                && attribute.ConstructorArguments.Length == 1)
            {
                key = attribute.ConstructorArguments[0];
                return true;
            }
        }

        key = default;
        return false;
    }
}
