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
public sealed class CloseCodeAnalyzer : ClassDeclarationAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidCloseCodeDeclaration);

    private protected override bool ReferencesAttribute(KnownTypes known) => known.CloseCode is not null;

    private protected override void Parse(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics) =>
        CloseCodeParser.Parse(type, known, diagnostics);
}
