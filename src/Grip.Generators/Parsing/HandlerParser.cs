using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Parsing;

/// <summary>
/// Turns a handler class symbol into a <see cref="HandlerModel"/> and the diagnostics that explain
/// what is wrong with it. The generator keeps only the model; the analyzer reports the diagnostics.
/// One parser for both means the build error and the generated fallback always agree.
/// </summary>
/// <remarks>
/// The stages, in the order their diagnostics are reported (the first error becomes the fallback's
/// message, so the order is part of the output):
/// <list type="number">
/// <item><see cref="HandlerTypeParser"/>: can code be added to the class at all.</item>
/// <item><see cref="JsonContextResolver"/>: the class's <c>[GripJsonContext]</c>.</item>
/// <item><see cref="ServiceBinder"/>: the constructor's services.</item>
/// <item>Per attributed method, in member order: <see cref="HandlerMethodParser"/> (with
/// <see cref="ReturnKindClassifier"/> and <see cref="ParameterBinder"/>), then
/// <see cref="RouteOverlapChecker"/>.</item>
/// </list>
/// </remarks>
internal static class HandlerParser
{
    /// <summary>
    /// Parses <paramref name="type"/>. Returns null when no code may be emitted for it at all
    /// (for example it is not partial: a generated partial declaration would only add errors).
    /// A model with <see cref="HandlerModel.InvalidReason"/> set gets a throwing fallback.
    /// </summary>
    public static HandlerModel? Parse(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        if (!HandlerTypeParser.CanExtend(type, diagnostics))
        {
            return null;
        }

        var json = JsonContextResolver.Resolve(type, known, diagnostics);
        var constructorParameters = ServiceBinder.BindConstructor(type, known, json, diagnostics);
        var routes = new RouteOverlapChecker(type.Name, diagnostics);
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            foreach (var attribute in method.GetAttributes())
            {
                if (HandlerRoles.RoleOf(attribute, known) is not { } role)
                {
                    continue;
                }

                string? messageType = role == HandlerRole.Message ? MessageType(attribute, method, diagnostics) : null;
                var model = HandlerMethodParser.Parse(method, role, messageType, known, json, diagnostics);
                if (model is not null)
                {
                    routes.Add(role, model, method);
                }
            }
        }

        string ns = HandlerTypeParser.Namespace(type, known);
        var chain = HandlerTypeParser.DeclarationChain(type);
        return new HandlerModel(
            ns,
            type.Name,
            known.FullyQualifiedName(type),
            HandlerTypeParser.HintName(ns, chain),
            chain.ToEquatableArray(),
            InvalidReason(diagnostics),
            constructorParameters.ToEquatableArray(),
            routes.Open,
            routes.Close,
            routes.Messages,
            json.ContextName,
            json.Discriminator,
            json.Types);
    }

    /// <summary>
    /// The message type of <c>[OnMessage("type")]</c>, or null for <c>[OnMessage]</c>; a null or
    /// empty type is GRIP0014 (and the method is then parsed as untyped).
    /// </summary>
    private static string? MessageType(AttributeData attribute, IMethodSymbol method, List<Diagnostic> diagnostics)
    {
        if (attribute.ConstructorArguments.Length != 1)
        {
            return null;
        }

        string? messageType = attribute.ConstructorArguments[0].Value as string;
        if (string.IsNullOrEmpty(messageType))
        {
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidMessageType,
                SymbolLocations.Attribute(attribute, method),
                method.Name,
                messageType is null ? "it is null; use [OnMessage] for an untyped handler" : "it is empty"));
            return null;
        }

        return messageType;
    }

    // The first error, as "GRIPnnnn: message": the fallback's exception names it.
    private static string? InvalidReason(List<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                return diagnostic.Id + ": " + diagnostic.GetMessage(CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
