using System;
using System.Collections.Generic;
using System.Threading;
using Grip.Generators.Caching;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>
/// The model step for one class declaration that missed the <see cref="ModelCache"/>: a syntax check,
/// one symbol lookup, then <see cref="HandlerParser"/>. Never throws: an internal failure becomes a
/// <see cref="FailureInfo"/> that the source output reports as a located diagnostic.
/// </summary>
internal static class HandlerTransform
{
    /// <summary>The class's model, or null when it is not a handler (or not the part that builds it).</summary>
    public static HandlerResult? Transform(TypeDeclarationSyntax declaration, ModelEnvironment environment, CancellationToken cancellationToken)
    {
        // Only classes whose method attributes are spelled like a handler attribute cost a symbol lookup.
        if (!HandlerSyntax.MentionsHandlerAttribute(declaration, environment.Aliases))
        {
            return null;
        }

        var compilation = environment.Compilation;
        var known = KnownTypesCache.Get(compilation, environment.Inputs);
        if (known is null
            || compilation.GetSemanticModel(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
            || !IsFirstHandlerPart(type, declaration, environment.Aliases, cancellationToken))
        {
            return null;
        }

        try
        {
            if (!HandlerRoles.IsHandlerType(type, known))
            {
                // Spelled like a handler attribute but is something else (another OnOpen attribute).
                return null;
            }

            // The analyzer reports these diagnostics; the generator only needs the model.
            var model = HandlerParser.Parse(type, known, new List<Diagnostic>(), cancellationToken);
            return model is null ? null : new HandlerResult(model, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The generator must never throw: report where it failed instead.
            var location = type.Locations.Length > 0 ? type.Locations[0] : Location.None;
            var failure = new FailureInfo(
                type.ToDisplayString(),
                ex.GetType().Name + ": " + ex.Message,
                location.SourceTree?.FilePath ?? string.Empty,
                location.SourceSpan,
                location.GetLineSpan().Span);
            return new HandlerResult(null, failure);
        }
    }

    /// <summary>
    /// Whether <paramref name="declaration"/> is the first part of <paramref name="type"/> with
    /// handler-like methods: a class declared in several partial parts gets one model, from that part.
    /// </summary>
    internal static bool IsFirstHandlerPart(INamedTypeSymbol type, TypeDeclarationSyntax declaration, EquatableArray<string> aliases, CancellationToken cancellationToken)
    {
        var parts = type.DeclaringSyntaxReferences;
        if (parts.Length == 1)
        {
            return true;
        }

        foreach (var part in parts)
        {
            if (part.GetSyntax(cancellationToken) is TypeDeclarationSyntax candidate && HandlerSyntax.MentionsHandlerAttribute(candidate, aliases))
            {
                return candidate == declaration;
            }
        }

        return false;
    }
}
