using System.Collections.Generic;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.Generators.Analyzers;

/// <summary>
/// An analyzer that runs one of the generator's class-level parsers (the same one the contract output
/// uses) on every named type and reports what it finds, in a compilation that references the attribute
/// the parser reads.
/// </summary>
public abstract class ClassDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownTypes.Create(start.Compilation);
            if (known is null || !ReferencesAttribute(known))
            {
                return;
            }

            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var diagnostics = new List<Diagnostic>();
                    Parse((INamedTypeSymbol)symbolContext.Symbol, known, diagnostics);
                    foreach (var diagnostic in diagnostics)
                    {
                        symbolContext.ReportDiagnostic(diagnostic);
                    }
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>Whether the compilation knows the attribute the parser reads (without it there is nothing to check).</summary>
    private protected abstract bool ReferencesAttribute(KnownTypes known);

    /// <summary>Runs the parser on one type, adding what it reports to <paramref name="diagnostics"/>.</summary>
    private protected abstract void Parse(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics);
}
