using System.Collections.Generic;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// A handler method's parameters, in declaration order: the framework's own (GripConnection,
/// CancellationToken, CloseStatus in <c>[OnClose]</c>, the request's HttpContext and the
/// connection's ClaimsPrincipal), the message of an <c>[OnMessage]</c> method (text, bytes,
/// <c>GripMessage</c> or a JSON type), and services (<see cref="ServiceBinder"/>). Reports parameters
/// that cannot be bound (GRIP0001), a message method without a message (GRIP0012) and a second
/// message parameter (GRIP0015).
/// </summary>
internal static class ParameterBinder
{
    public static (List<ParameterModel> Parameters, MessageKind MessageKind) Bind(
        IMethodSymbol method,
        HandlerRole role,
        KnownTypes known,
        JsonContextResolver json,
        List<Diagnostic> diagnostics)
    {
        var parameters = new List<ParameterModel>();
        IParameterSymbol? messageParameter = role == HandlerRole.Message ? FindMessageParameter(method, known, json) : null;
        MessageKind messageKind = MessageKind.None;
        foreach (var parameter in method.Parameters)
        {
            var type = parameter.Type;
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(Unsupported(parameter, method, "ref, out and in parameters cannot be bound"));
                continue;
            }

            if (KnownTypes.Is(type, known.Connection))
            {
                parameters.Add(new ParameterModel(ParameterKind.Connection, string.Empty, string.Empty, -1, false, false));
            }
            else if (KnownTypes.Is(type, known.CancellationToken))
            {
                parameters.Add(new ParameterModel(ParameterKind.CancellationToken, string.Empty, string.Empty, -1, false, false));
            }
            else if (KnownTypes.Is(type, known.CloseStatus))
            {
                if (role != HandlerRole.Close)
                {
                    diagnostics.Add(Unsupported(parameter, method, "CloseStatus is only available in an [OnClose] method"));
                    continue;
                }

                parameters.Add(new ParameterModel(ParameterKind.CloseStatus, string.Empty, string.Empty, -1, false, false));
            }
            else if (KnownTypes.Is(type, known.HttpContext))
            {
                if (known.HttpContextAccess is null)
                {
                    diagnostics.Add(Unsupported(parameter, method, "HttpContext is bound by Grip.Hosting, which this project does not reference"));
                    continue;
                }

                parameters.Add(new ParameterModel(ParameterKind.HttpContext, string.Empty, string.Empty, -1, false, false));
            }
            else if (KnownTypes.Is(type, known.ClaimsPrincipal))
            {
                parameters.Add(new ParameterModel(ParameterKind.User, string.Empty, string.Empty, -1, false, false));
            }
            else if (SymbolEqualityComparer.Default.Equals(parameter, messageParameter))
            {
                messageKind = ClassifyMessage(type, known);
                int index = -1;
                if (messageKind == MessageKind.Json)
                {
                    if (JsonContextResolver.UnsupportedReason(type, known) is { } why)
                    {
                        diagnostics.Add(Unsupported(parameter, method, why));
                        continue;
                    }

                    index = json.TypeIndex(type, method, SymbolLocations.Of(parameter), diagnostics);
                }

                bool allowsNull = type.NullableAnnotation == NullableAnnotation.Annotated;
                parameters.Add(new ParameterModel(ParameterKind.Message, parameter.Name, known.FullyQualifiedName(type), index, type.IsReferenceType, allowsNull));
            }
            else if (messageParameter is not null && IsMessageLike(type, known, json))
            {
                // Bound as a service it would fail at the first message, or steal the message.
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.SecondMessageParameter, SymbolLocations.Of(parameter), parameter.Name, method.Name, messageParameter.Name));
            }
            else
            {
                var service = ServiceBinder.Bind(parameter, method.Name, method.ContainingType, known, json, diagnostics, isConstructor: false);
                if (service is not null)
                {
                    parameters.Add(service);
                }
            }
        }

        if (role == HandlerRole.Message && messageParameter is null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NoMessageParameter, SymbolLocations.Of(method), method.Name));
        }

        return (parameters, messageKind);
    }

    /// <summary>
    /// The message parameter is the first one, in declaration order, that is message-like: a message
    /// type (string, ReadOnlyMemory&lt;byte&gt;, byte[], GripMessage) or a type of the handler's JSON
    /// context (any further one is GRIP0015). Failing that, the first parameter that is not a
    /// framework type and not an interface or abstract class (those are services); a JSON type
    /// missing from the context then gets GRIP0008.
    /// </summary>
    private static IParameterSymbol? FindMessageParameter(IMethodSymbol method, KnownTypes known, JsonContextResolver json)
    {
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind == RefKind.None && IsMessageLike(parameter.Type, known, json))
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
                || KnownTypes.Is(type, known.HttpContext)
                || KnownTypes.Is(type, known.ClaimsPrincipal)
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

    private static bool IsMessageLike(ITypeSymbol type, KnownTypes known, JsonContextResolver json) =>
        ClassifyMessage(type, known) != MessageKind.Json || json.Lists(type);

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

    private static Diagnostic Unsupported(IParameterSymbol parameter, IMethodSymbol method, string why) =>
        Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, SymbolLocations.Of(parameter), parameter.Name, method.Name, why);
}
