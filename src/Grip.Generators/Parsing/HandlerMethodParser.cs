using System.Collections.Generic;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// One attributed method: whether generated code can call it at all (GRIP0007), then its return
/// (<see cref="ReturnKindClassifier"/>) and its parameters (<see cref="ParameterBinder"/>).
/// </summary>
internal static class HandlerMethodParser
{
    /// <summary>The method's model, or null when it cannot be called (its diagnostics say why).</summary>
    public static MethodModel? Parse(
        IMethodSymbol method,
        HandlerRole role,
        string? messageType,
        KnownTypes known,
        JsonContextResolver json,
        List<Diagnostic> diagnostics)
    {
        // A type the compiler cannot resolve is already a compile error (CS0246): skip the method
        // quietly rather than pile a second, misleading diagnostic on top.
        if (method.ReturnType.TypeKind == TypeKind.Error || HasErrorParameter(method))
        {
            return null;
        }

        int errorsBefore = CountErrors(diagnostics);
        if (UnreachableReason(method) is { } unreachable)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnreachableHandlerMethod, SymbolLocations.Of(method), method.Name, unreachable));
            return null;
        }

        var returns = ReturnKindClassifier.Classify(method, role, known, json, diagnostics);
        var (parameters, messageKind) = ParameterBinder.Bind(method, role, known, json, diagnostics);
        if (CountErrors(diagnostics) != errorsBefore)
        {
            return null;
        }

        return new MethodModel(
            method.Name,
            method.IsStatic,
            returns.Kind,
            returns.Reply,
            returns.ReplyType is null ? null : known.FullyQualifiedName(returns.ReplyType),
            returns.ReplyJsonTypeIndex,
            returns.ReplyIsReferenceType,
            messageType,
            messageKind,
            parameters.ToEquatableArray());
    }

    private static string? UnreachableReason(IMethodSymbol method) => method switch
    {
        { MethodKind: not MethodKind.Ordinary } => "it is not an ordinary method (" + method.MethodKind + ")",
        { IsGenericMethod: true } => "it is generic; the generator cannot choose its type arguments",
        { IsAbstract: true } => "it is abstract",
        { IsExtern: true } => "it is extern",
        { ReturnsByRef: true } or { ReturnsByRefReadonly: true } => "it returns by reference",
        { PartialDefinitionPart: null, PartialImplementationPart: null, IsPartialDefinition: true } => "it is a partial method without an implementation",
        _ => null,
    };

    private static bool HasErrorParameter(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Type.TypeKind == TypeKind.Error)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountErrors(List<Diagnostic> diagnostics)
    {
        int count = 0;
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                count++;
            }
        }

        return count;
    }
}
