using System.Collections.Generic;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// How a handler method's result is awaited and what of it is sent back to the client (the fields of
/// <see cref="MethodModel"/> of the same names; <paramref name="ReplyType"/> is still a symbol here).
/// </summary>
internal readonly record struct ReturnBinding(ReturnKind Kind, ReplyKind Reply, ITypeSymbol? ReplyType, int ReplyJsonTypeIndex, bool ReplyIsReferenceType);

/// <summary>
/// A handler method's return type: void, Task or ValueTask send nothing; a value (or <c>Task&lt;T&gt;</c>,
/// <c>ValueTask&lt;T&gt;</c>) is a reply: a string is sent as text, <c>byte[]</c> or
/// <c>ReadOnlyMemory&lt;byte&gt;</c> as binary, anything else as JSON from the handler's context.
/// Reports async void (GRIP0003) and replies that cannot be sent (GRIP0002).
/// </summary>
internal static class ReturnKindClassifier
{
    public static ReturnBinding Classify(IMethodSymbol method, HandlerRole role, KnownTypes known, JsonContextResolver json, List<Diagnostic> diagnostics)
    {
        var (kind, replyType) = Awaiting(method, known);
        ReplyKind reply = ReplyKind.None;
        int replyJsonIndex = -1;
        bool replyIsReference = false;
        if (method.IsAsync && method.ReturnsVoid)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.AsyncVoid, SymbolLocations.Of(method), method.Name));
        }
        else if (replyType is not null)
        {
            if (role == HandlerRole.Close)
            {
                diagnostics.Add(Unsupported(method, "an [OnClose] method cannot reply because the connection is ending; return void, Task or ValueTask"));
            }
            else if (replyType.SpecialType == SpecialType.System_String)
            {
                reply = ReplyKind.Text;
            }
            else if (KnownTypes.IsByteArray(replyType))
            {
                reply = ReplyKind.ByteArray;
            }
            else if (known.IsReadOnlyMemoryOfByte(replyType))
            {
                reply = ReplyKind.Memory;
            }
            else if (JsonContextResolver.UnsupportedReason(replyType, known) is { } why)
            {
                diagnostics.Add(Unsupported(method, why));
            }
            else
            {
                reply = ReplyKind.Json;
                replyIsReference = replyType.IsReferenceType;
                replyJsonIndex = json.TypeIndex(replyType, method, SymbolLocations.ReturnType(method), diagnostics);
            }
        }

        return new ReturnBinding(kind, reply, replyType, replyJsonIndex, replyIsReference);
    }

    // How the result is awaited, and the type of the value it produces (null for none).
    private static (ReturnKind Kind, ITypeSymbol? Reply) Awaiting(IMethodSymbol method, KnownTypes known)
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

    private static Diagnostic Unsupported(IMethodSymbol method, string why) =>
        Diagnostic.Create(DiagnosticDescriptors.UnsupportedReturnType, SymbolLocations.ReturnType(method), method.Name, method.ReturnType.ToDisplayString(), why);
}
