using System.Collections.Generic;
using System.Collections.Immutable;
using Grip.Generators.Diagnostics;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.Generators.Analyzers;

/// <summary>
/// Explains why a handler class gets no (or only fallback) generated code. It runs the same
/// parser as the generator, so the error and the generated output always agree.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnsupportedParameter,
        DiagnosticDescriptors.UnsupportedReturnType,
        DiagnosticDescriptors.AsyncVoid,
        DiagnosticDescriptors.DuplicateLifecycleMethod,
        DiagnosticDescriptors.AmbiguousMessageHandlers,
        DiagnosticDescriptors.UnreachableHandlerType,
        DiagnosticDescriptors.UnreachableHandlerMethod,
        DiagnosticDescriptors.TypeNotInJsonContext,
        DiagnosticDescriptors.InvalidJsonContext,
        DiagnosticDescriptors.NoMessageParameter,
        DiagnosticDescriptors.AmbiguousConstructor,
        DiagnosticDescriptors.InvalidMessageType,
        DiagnosticDescriptors.SecondMessageParameter,
        DiagnosticDescriptors.JsonTypeAsService);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownTypes.Create(start.Compilation);
            if (known is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownTypes known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!HandlerRoles.IsHandlerType(type, known))
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        HandlerParser.Parse(type, known, diagnostics, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
