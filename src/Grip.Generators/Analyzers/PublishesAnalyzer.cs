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
public sealed class PublishesAnalyzer : ClassDeclarationAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidPublishes);

    private protected override bool ReferencesAttribute(KnownTypes known) => known.Publishes is not null;

    private protected override void Parse(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics) =>
        PublishesParser.Parse(type, known, diagnostics);
}
