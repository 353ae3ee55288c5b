using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>
/// Turns a handler class symbol into a <see cref="HandlerModel"/> and the diagnostics that explain
/// what is wrong with it. The generator keeps only the model; the analyzer reports the diagnostics.
/// One parser for both means the build error and the generated fallback always agree.
/// </summary>
internal static class HandlerParser
{
    private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>
    /// Parses <paramref name="type"/>. Returns null when no code may be emitted for it at all
    /// (for example it is not partial: a generated partial declaration would only add errors).
    /// A model with <see cref="HandlerModel.InvalidReason"/> set gets a throwing fallback.
    /// </summary>
    public static HandlerModel? Parse(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        bool shapeOk = CheckTypeShape(type, diagnostics);
        if (!shapeOk)
        {
            return null;
        }

        var jsonTypes = new List<string>();
        var context = ParseJsonContext(type, known, diagnostics, out string? contextName, out string discriminator);

        var ctorParameters = ParseConstructor(type, known, diagnostics);

        MethodModel? open = null;
        MethodModel? close = null;
        IMethodSymbol? openSymbol = null;
        IMethodSymbol? closeSymbol = null;
        var messages = new List<(MethodModel Model, IMethodSymbol Symbol)>();

        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            foreach (var attribute in method.GetAttributes())
            {
                var role = RoleOf(attribute, known);
                if (role is null)
                {
                    continue;
                }

                string? messageType = null;
                if (role == HandlerRole.Message && attribute.ConstructorArguments.Length == 1)
                {
                    messageType = attribute.ConstructorArguments[0].Value as string;
                    if (string.IsNullOrEmpty(messageType))
                    {
                        diagnostics.Add(Diagnostic.Create(
                            DiagnosticDescriptors.InvalidMessageType,
                            AttributeLocation(attribute, method),
                            method.Name,
                            messageType is null ? "it is null; use [OnMessage] for an untyped handler" : "it is empty"));
                        messageType = null;
                    }
                }

                var model = ParseMethod(method, role.Value, messageType, known, context, contextName, jsonTypes, diagnostics);
                if (model is null)
                {
                    continue;
                }

                switch (role.Value)
                {
                    case HandlerRole.Open when openSymbol is not null:
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateLifecycleMethod, MethodLocation(method), type.Name, "[OnOpen]", openSymbol.Name, method.Name));
                        break;
                    case HandlerRole.Open:
                        open = model;
                        openSymbol = method;
                        break;
                    case HandlerRole.Close when closeSymbol is not null:
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateLifecycleMethod, MethodLocation(method), type.Name, "[OnClose]", closeSymbol.Name, method.Name));
                        break;
                    case HandlerRole.Close:
                        close = model;
                        closeSymbol = method;
                        break;
                    default:
                        CheckOverlap(model, method, messages, diagnostics);
                        messages.Add((model, method));
                        break;
                }
            }
        }

        string? invalidReason = null;
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                invalidReason = diagnostic.Id + ": " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
                break;
            }
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? known.NamespaceDisplay(containing) : string.Empty;
        var chain = DeclarationChain(type);
        string hintName = "Grip." + (ns.Length == 0 ? string.Empty : ns + ".") + string.Join(".", chain.Select(static d => d.Name)) + ".g.cs";

        return new HandlerModel(
            ns,
            type.Name,
            known.FullyQualifiedName(type),
            hintName,
            chain.ToEquatableArray(),
            invalidReason,
            ctorParameters.ToEquatableArray(),
            open,
            close,
            messages.Select(static m => m.Model).ToEquatableArray(),
            contextName,
            discriminator,
            jsonTypes.ToEquatableArray());
    }

    /// <summary>Whether any method of <paramref name="type"/> carries one of the handler attributes.</summary>
    public static bool IsHandlerType(INamedTypeSymbol type, KnownTypes known)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method && IsHandlerMethod(method, known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a method carries one of the handler attributes.</summary>
    public static bool IsHandlerMethod(IMethodSymbol method, KnownTypes known) =>
        method.GetAttributes().Any(a => RoleOf(a, known) is not null);

    private static HandlerRole? RoleOf(AttributeData attribute, KnownTypes known)
    {
        var attributeClass = attribute.AttributeClass;
        if (KnownTypes.Is(attributeClass, known.OnOpen))
        {
            return HandlerRole.Open;
        }

        if (KnownTypes.Is(attributeClass, known.OnMessage))
        {
            return HandlerRole.Message;
        }

        return KnownTypes.Is(attributeClass, known.OnClose) ? HandlerRole.Close : null;
    }

    private static bool CheckTypeShape(INamedTypeSymbol type, List<Diagnostic> diagnostics)
    {
        string? problem = null;
        if (type.TypeKind != TypeKind.Class)
        {
            problem = "it is " + (type.IsRecord ? "a record struct" : "a " + type.TypeKind.ToString().ToLowerInvariant()) + "; a handler must be a class (one instance is created per request)";
        }
        else if (type.IsStatic)
        {
            problem = "it is static; a handler is a class with instance or static handler methods, make it non-static";
        }
        else if (type.IsAbstract)
        {
            problem = "it is abstract; one handler instance is created per request, so it must be a concrete class";
        }
        else if (type.IsFileLocal)
        {
            problem = "it is file-local; generated code lives in another file and cannot extend it";
        }
        else if (IsGenericAnywhere(type))
        {
            problem = "it is generic (or nested in a generic type); the generator needs a closed class to dispatch to";
        }
        else if (!IsPartial(type))
        {
            problem = "it is not partial; add the 'partial' modifier so the generator can add the dispatch code";
        }
        else
        {
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (!IsPartial(outer))
                {
                    problem = "its containing type '" + outer.Name + "' is not partial; make every containing type partial";
                    break;
                }
            }
        }

        if (problem is null)
        {
            return true;
        }

        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnreachableHandlerType, type.Locations.FirstOrDefault(), type.Name, problem));
        return false;
    }

    private static bool IsGenericAnywhere(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.Arity > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPartial(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    private static List<TypeDeclarationModel> DeclarationChain(INamedTypeSymbol type)
    {
        var chain = new List<TypeDeclarationModel>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            string keyword = t.TypeKind switch
            {
                TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => t.IsRecord ? "record" : "class",
            };
            chain.Insert(0, new TypeDeclarationModel(keyword, t.Name));
        }

        return chain;
    }

    private static INamedTypeSymbol? ParseJsonContext(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics, out string? contextName, out string discriminator)
    {
        contextName = null;
        discriminator = "type";
        var attribute = type.GetAttributes().FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, known.JsonContextAttribute));
        if (attribute is null)
        {
            return null;
        }

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
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidJsonContext, AttributeLocation(attribute, type), type.Name, "DiscriminatorProperty must be a non-empty JSON property name"));
                }
            }
        }

        var contextType = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        if (contextType is null || known.JsonSerializerContext is null || !DerivesFrom(contextType, known.JsonSerializerContext))
        {
            string what = contextType is null ? "no type is given" : "'" + contextType.Name + "' does not derive from System.Text.Json.Serialization.JsonSerializerContext";
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidJsonContext, AttributeLocation(attribute, type), type.Name, what));
            return null;
        }

        if (contextType.IsAbstract || contextType.IsUnboundGenericType || contextType.Arity > 0)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidJsonContext, AttributeLocation(attribute, type), type.Name, "'" + contextType.Name + "' must be a concrete, non-generic context class"));
            return null;
        }

        contextName = known.FullyQualifiedName(contextType);
        return contextType;
    }

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

    private static List<ParameterModel> ParseConstructor(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics)
    {
        var parameters = new List<ParameterModel>();

        // A record's copy constructor is compiler-made and never the one to call.
        var constructors = type.InstanceConstructors
            .Where(static c => !c.IsImplicitlyDeclared || c.Parameters.Length == 0)
            .ToList();
        if (constructors.Count != 1)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.AmbiguousConstructor, type.Locations.FirstOrDefault(), type.Name, constructors.Count));
            return parameters;
        }

        foreach (var parameter in constructors[0].Parameters)
        {
            var model = ParseService(parameter, constructors[0].Name == ".ctor" ? type.Name + " constructor" : constructors[0].Name, known, diagnostics, isConstructor: true);
            if (model is not null)
            {
                parameters.Add(model);
            }
        }

        return parameters;
    }

    private static MethodModel? ParseMethod(
        IMethodSymbol method,
        HandlerRole role,
        string? messageType,
        KnownTypes known,
        INamedTypeSymbol? context,
        string? contextName,
        List<string> jsonTypes,
        List<Diagnostic> diagnostics)
    {
        // A type the compiler cannot resolve is already a compile error (CS0246): skip the method
        // quietly rather than pile a second, misleading diagnostic on top.
        if (method.ReturnType.TypeKind == TypeKind.Error || method.Parameters.Any(static p => p.Type.TypeKind == TypeKind.Error))
        {
            return null;
        }

        int errorsBefore = CountErrors(diagnostics);
        string? unreachable = method switch
        {
            { MethodKind: not MethodKind.Ordinary } => "it is not an ordinary method (" + method.MethodKind + ")",
            { IsGenericMethod: true } => "it is generic; the generator cannot choose its type arguments",
            { IsAbstract: true } => "it is abstract",
            { IsExtern: true } => "it is extern",
            { ReturnsByRef: true } or { ReturnsByRefReadonly: true } => "it returns by reference",
            { PartialDefinitionPart: null, PartialImplementationPart: null, IsPartialDefinition: true } => "it is a partial method without an implementation",
            _ => null,
        };
        if (unreachable is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnreachableHandlerMethod, MethodLocation(method), method.Name, unreachable));
            return null;
        }

        // Return type.
        var (returnKind, replyType) = ClassifyReturn(method, known);
        ReplyKind replyKind = ReplyKind.None;
        int replyJsonIndex = -1;
        bool replyIsReference = false;
        if (method.IsAsync && method.ReturnsVoid)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.AsyncVoid, MethodLocation(method), method.Name));
        }
        else if (replyType is not null)
        {
            if (role == HandlerRole.Close)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedReturnType, ReturnTypeLocation(method), method.Name, method.ReturnType.ToDisplayString(), "an [OnClose] method cannot reply because the connection is ending; return void, Task or ValueTask"));
            }
            else if (replyType.SpecialType == SpecialType.System_String)
            {
                replyKind = ReplyKind.Text;
            }
            else if (KnownTypes.IsByteArray(replyType))
            {
                replyKind = ReplyKind.ByteArray;
            }
            else if (known.IsReadOnlyMemoryOfByte(replyType))
            {
                replyKind = ReplyKind.Memory;
            }
            else if (UnsupportedJsonType(replyType, known) is { } why)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedReturnType, ReturnTypeLocation(method), method.Name, method.ReturnType.ToDisplayString(), why));
            }
            else
            {
                replyKind = ReplyKind.Json;
                replyIsReference = replyType.IsReferenceType;
                replyJsonIndex = JsonTypeIndex(replyType, method, known, context, contextName, jsonTypes, diagnostics, ReturnTypeLocation(method));
            }
        }

        // Parameters.
        var parameters = new List<ParameterModel>();
        IParameterSymbol? messageParameter = role == HandlerRole.Message ? FindMessageParameter(method, known) : null;
        MessageKind messageKind = MessageKind.None;
        foreach (var parameter in method.Parameters)
        {
            var type = parameter.Type;
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name, method.Name, "ref, out and in parameters cannot be bound"));
                continue;
            }

            if (KnownTypes.Is(type, known.Connection))
            {
                parameters.Add(new ParameterModel(ParameterKind.Connection, string.Empty, -1, false, false));
            }
            else if (KnownTypes.Is(type, known.CancellationToken))
            {
                parameters.Add(new ParameterModel(ParameterKind.CancellationToken, string.Empty, -1, false, false));
            }
            else if (KnownTypes.Is(type, known.CloseStatus))
            {
                if (role != HandlerRole.Close)
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name, method.Name, "CloseStatus is only available in an [OnClose] method"));
                    continue;
                }

                parameters.Add(new ParameterModel(ParameterKind.CloseStatus, string.Empty, -1, false, false));
            }
            else if (SymbolEqualityComparer.Default.Equals(parameter, messageParameter))
            {
                messageKind = ClassifyMessage(type, known);
                int index = -1;
                if (messageKind == MessageKind.Json)
                {
                    if (UnsupportedJsonType(type, known) is { } why)
                    {
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name, method.Name, why));
                        continue;
                    }

                    index = JsonTypeIndex(type, method, known, context, contextName, jsonTypes, diagnostics, parameter.Locations.FirstOrDefault());
                }

                bool allowsNull = type.NullableAnnotation == NullableAnnotation.Annotated;
                parameters.Add(new ParameterModel(ParameterKind.Message, known.FullyQualifiedName(type), index, type.IsReferenceType, allowsNull));
            }
            else
            {
                var service = ParseService(parameter, method.Name, known, diagnostics, isConstructor: false);
                if (service is not null)
                {
                    parameters.Add(service);
                }
            }
        }

        if (role == HandlerRole.Message && messageParameter is null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NoMessageParameter, MethodLocation(method), method.Name));
        }

        if (CountErrors(diagnostics) != errorsBefore)
        {
            return null;
        }

        return new MethodModel(
            method.Name,
            method.IsStatic,
            returnKind,
            replyKind,
            replyType is null ? null : known.FullyQualifiedName(replyType),
            replyJsonIndex,
            replyIsReference,
            messageType,
            messageKind,
            parameters.ToEquatableArray());
    }

    private static int CountErrors(List<Diagnostic> diagnostics) => diagnostics.Count(static d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>
    /// The message parameter is the first one whose type is a message type (string,
    /// ReadOnlyMemory&lt;byte&gt;, byte[], GripMessage); failing that, the first parameter that is
    /// not a framework type and not an interface or abstract class (those are services).
    /// </summary>
    private static IParameterSymbol? FindMessageParameter(IMethodSymbol method, KnownTypes known)
    {
        foreach (var parameter in method.Parameters)
        {
            if (ClassifyMessage(parameter.Type, known) != MessageKind.Json && parameter.RefKind == RefKind.None)
            {
                return parameter;
            }
        }

        foreach (var parameter in method.Parameters)
        {
            var type = parameter.Type;
            if (parameter.RefKind != RefKind.None
                || KnownTypes.Is(type, known.Connection)
                || KnownTypes.Is(type, known.CancellationToken)
                || KnownTypes.Is(type, known.CloseStatus)
                || type.TypeKind is TypeKind.Interface or TypeKind.Delegate or TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer
                || type.IsAbstract
                || type.IsRefLikeType)
            {
                continue;
            }

            return parameter;
        }

        return null;
    }

    private static MessageKind ClassifyMessage(ITypeSymbol type, KnownTypes known)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return MessageKind.String;
        }

        if (KnownTypes.IsByteArray(type))
        {
            return MessageKind.ByteArray;
        }

        if (known.IsReadOnlyMemoryOfByte(type))
        {
            return MessageKind.Memory;
        }

        return KnownTypes.Is(type, known.GripMessage) ? MessageKind.GripMessage : MessageKind.Json;
    }

    private static (ReturnKind Kind, ITypeSymbol? Reply) ClassifyReturn(IMethodSymbol method, KnownTypes known)
    {
        var type = method.ReturnType;
        if (method.ReturnsVoid)
        {
            return (ReturnKind.Void, null);
        }

        if (KnownTypes.Is(type, known.Task) && type is INamedTypeSymbol { IsGenericType: false })
        {
            return (ReturnKind.Task, null);
        }

        if (KnownTypes.Is(type, known.ValueTask) && type is INamedTypeSymbol { IsGenericType: false })
        {
            return (ReturnKind.ValueTask, null);
        }

        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            if (KnownTypes.Is(generic, known.TaskOfT))
            {
                return (ReturnKind.TaskOfT, generic.TypeArguments[0]);
            }

            if (KnownTypes.Is(generic, known.ValueTaskOfT))
            {
                return (ReturnKind.ValueTaskOfT, generic.TypeArguments[0]);
            }
        }

        return (ReturnKind.Value, type);
    }

    /// <summary>Why a type cannot be a JSON message or reply, or null when it can.</summary>
    private static string? UnsupportedJsonType(ITypeSymbol type, KnownTypes known)
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

    private static int JsonTypeIndex(ITypeSymbol type, IMethodSymbol method, KnownTypes known, INamedTypeSymbol? context, string? contextName, List<string> jsonTypes, List<Diagnostic> diagnostics, Location? location)
    {
        if (context is null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TypeNotInJsonContext, location, type.ToDisplayString(),
                "the handler class has no valid [GripJsonContext(typeof(MyJsonContext))] naming the JsonSerializerContext that holds its metadata (method '" + method.Name + "')"));
            return -1;
        }

        if (!known.ContextHasType(context, type))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TypeNotInJsonContext, location, type.ToDisplayString(),
                "'" + context.Name + "' has no [JsonSerializable(typeof(" + type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() + "))]; add it to the context"));
            return -1;
        }

        string name = known.FullyQualifiedName(type);
        int index = jsonTypes.IndexOf(name);
        if (index < 0)
        {
            jsonTypes.Add(name);
            index = jsonTypes.Count - 1;
        }

        _ = contextName;
        return index;
    }

    private static ParameterModel? ParseService(IParameterSymbol parameter, string owner, KnownTypes known, List<Diagnostic> diagnostics, bool isConstructor)
    {
        var type = parameter.Type;
        string? problem = null;
        if (parameter.RefKind != RefKind.None)
        {
            problem = "ref, out and in parameters cannot be bound";
        }
        else if (isConstructor && (KnownTypes.Is(type, known.Connection) || KnownTypes.Is(type, known.CancellationToken) || KnownTypes.Is(type, known.CloseStatus)))
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
        else if (!type.IsReferenceType || type.TypeKind is TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Pointer or TypeKind.Error)
        {
            problem = "'" + type.ToDisplayString() + "' is neither a framework parameter (GripConnection, CancellationToken, CloseStatus), a message, nor a service (services are classes or interfaces resolved from dependency injection)";
        }

        string? key = null;
        if (problem is null && FindServiceKey(parameter, out var keyConstant))
        {
            key = keyConstant switch
            {
                { Kind: TypedConstantKind.Primitive, Value: string s } => SymbolDisplay.FormatLiteral(s, quote: true),
                { Kind: TypedConstantKind.Primitive, Value: int i } => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                { Kind: TypedConstantKind.Enum, Type: { } enumType, Value: { } v } =>
                    "(" + enumType.ToDisplayString(FullyQualified) + ")" + System.Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            if (key is null)
            {
                problem = "the [FromKeyedServices] key must be a string, int or enum constant";
            }
        }

        if (problem is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name, owner, problem));
            return null;
        }

        // Only a nullable-annotated service is optional: passing null to a non-nullable parameter
        // would be a warning in generated code.
        bool optional = type.NullableAnnotation == NullableAnnotation.Annotated;
        string name = known.FullyQualifiedName(type);
        return new ParameterModel(optional ? ParameterKind.OptionalService : ParameterKind.Service, name, -1, true, optional, key);
    }

    /// <summary>Finds [Microsoft.Extensions.DependencyInjection.FromKeyedServices(key)] on a parameter.</summary>
    private static bool FindServiceKey(IParameterSymbol parameter, out TypedConstant key)
    {
        foreach (var attribute in parameter.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "FromKeyedServicesAttribute" } attributeClass
                && attributeClass.ContainingNamespace.ToDisplayString() == "Microsoft.Extensions.DependencyInjection"
                && attribute.ConstructorArguments.Length == 1)
            {
                key = attribute.ConstructorArguments[0];
                return true;
            }
        }

        key = default;
        return false;
    }

    private static void CheckOverlap(MethodModel model, IMethodSymbol method, List<(MethodModel Model, IMethodSymbol Symbol)> earlier, List<Diagnostic> diagnostics)
    {
        foreach (var (other, otherSymbol) in earlier)
        {
            string? what = null;
            if (model.MessageType is not null && model.MessageType == other.MessageType)
            {
                what = "messages of type " + SymbolDisplay.FormatLiteral(model.MessageType, quote: true);
            }
            else if (model.TakesText && other.TakesText)
            {
                what = "text messages";
            }
            else if (model.TakesBinary && other.TakesBinary)
            {
                what = "binary messages";
            }

            if (what is not null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.AmbiguousMessageHandlers, MethodLocation(method), otherSymbol.Name, method.Name, what));
                return;
            }
        }
    }

    private static Location? MethodLocation(IMethodSymbol method) => method.Locations.FirstOrDefault();

    private static Location? ReturnTypeLocation(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is MethodDeclarationSyntax syntax)
            {
                return syntax.ReturnType.GetLocation();
            }
        }

        return MethodLocation(method);
    }

    private static Location? AttributeLocation(AttributeData attribute, ISymbol fallback) =>
        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? fallback.Locations.FirstOrDefault();

    private enum HandlerRole
    {
        Open,
        Message,
        Close,
    }
}
