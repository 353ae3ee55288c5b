using System.Collections.Generic;
using System.Collections.Immutable;
using Grip.Generators.Diagnostics;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.Generators.Analyzers;

/// <summary>
/// GRIP0019: checks every <c>[GripCloseCode]</c> declaration (code in 4000-4999, code and name
/// unique on the class, name a camelCase identifier). Runs the same parser as the contract output.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CloseCodeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidCloseCodeDeclaration);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownTypes.Create(start.Compilation);
            if (known?.CloseCode is null)
            {
                return;
            }

            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var diagnostics = new List<Diagnostic>();
                    CloseCodeParser.Parse((INamedTypeSymbol)symbolContext.Symbol, known, diagnostics);
                    foreach (var diagnostic in diagnostics)
                    {
                        symbolContext.ReportDiagnostic(diagnostic);
                    }
                },
                SymbolKind.NamedType);
        });
    }
}
