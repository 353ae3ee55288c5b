using System;
using System.Text;
using System.Threading;
using Grip.Generators.Caching;
using Grip.Generators.Model;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Grip.Generators.Emitting;

/// <summary>The contract step and output: one <c>*.Contract.g.cs</c> per valid handler class.</summary>
internal static class ContractSourceOutput
{
    /// <summary>The class's contract, or null when it is not a handler (or not the part that builds it).</summary>
    public static ContractModel? Transform(TypeDeclarationSyntax declaration, ModelEnvironment environment, CancellationToken cancellationToken)
    {
        if (!HandlerSyntax.MentionsHandlerAttribute(declaration, environment.Aliases))
        {
            return null;
        }

        var compilation = environment.Compilation;
        var known = KnownTypesCache.Get(compilation, environment.Inputs);
        if (known?.Publishes is null
            || compilation.GetSemanticModel(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
            || !HandlerTransform.IsFirstHandlerPart(type, declaration, environment.Aliases, cancellationToken)
            || !HandlerRoles.IsHandlerType(type, known))
        {
            return null;
        }

        try
        {
            return ContractParser.Parse(type, compilation, known, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The dispatch step reports failures (GRIP0099); a contract that cannot be built is left out.
            return null;
        }
    }

    public static void Write(SourceProductionContext context, ContractModel? model)
    {
        if (model is not null)
        {
            context.AddSource(model.HintName, SourceText.From(ContractEmitter.Emit(model), Encoding.UTF8));
        }
    }
}
