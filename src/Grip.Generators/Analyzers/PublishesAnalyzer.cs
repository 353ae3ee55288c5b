using System.Collections.Generic;
using System.Collections.Immutable;
using Grip.Generators.Diagnostics;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.Generators.Analyzers;

/// <summary>
/// GRIP0018: checks every <c>[GripPublishes]</c> declaration (a JSON type must be in the class's
/// JSON context, the channel must be a valid pattern). Runs the same parser as the contract output.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PublishesAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidPublishes);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownTypes.Create(start.Compilation);
            if (known?.Publishes is null)
            {
                return;
            }

            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var diagnostics = new List<Diagnostic>();
                    PublishesParser.Parse((INamedTypeSymbol)symbolContext.Symbol, known, diagnostics);
                    foreach (var diagnostic in diagnostics)
                    {
                        symbolContext.ReportDiagnostic(diagnostic);
                    }
                },
                SymbolKind.NamedType);
        });
    }
}
