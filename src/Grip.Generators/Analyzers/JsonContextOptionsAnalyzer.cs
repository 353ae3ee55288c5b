using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Grip.Generators.Diagnostics;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Grip.Generators.Analyzers;

/// <summary>
/// GRIP0017: a JSON context named by <c>[GripJsonContext]</c> that has no
/// <c>[JsonSourceGenerationOptions]</c>, so it reads and writes JSON with .NET's defaults: PascalCase
/// names matched case-sensitively, so <c>{"id":"1","text":"hi"}</c> from a JavaScript client arrives
/// as nulls with no error. Reported once per context declared in source, on its declaration (the code
/// fix adds web defaults there). A context with any options attribute is a deliberate choice and is
/// left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JsonContextOptionsAnalyzer : DiagnosticAnalyzer
{
    private const string OptionsAttribute = "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.JsonContextDefaultOptions);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var gripJsonContext = start.Compilation.GetTypeByMetadataName(KnownTypes.GripJsonContextAttribute);
            var options = start.Compilation.GetTypeByMetadataName(OptionsAttribute);
            if (gripJsonContext is null || options is null)
            {
                return;
            }

            // A diagnostic must be reported from the symbol it is on (the code fix edits the context), so
            // the contexts that handlers name are found once per compilation, by walking the source types.
            var named = new System.Lazy<Dictionary<INamedTypeSymbol, string>>(
                () => FindNamedContexts(start.Compilation.Assembly.GlobalNamespace, gripJsonContext, start.CancellationToken),
                System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (type.TypeKind == TypeKind.Class
                        && !type.IsAbstract
                        && !HasOptions(type, options)
                        && named.Value.TryGetValue(type, out string? handler))
                    {
                        symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.JsonContextDefaultOptions, type.Locations[0], type.Name, handler));
                    }
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>Every context named by a [GripJsonContext] in source, with the first handler (by name) naming it.</summary>
    private static Dictionary<INamedTypeSymbol, string> FindNamedContexts(INamespaceSymbol root, INamedTypeSymbol gripJsonContext, CancellationToken cancellationToken)
    {
        var contexts = new Dictionary<INamedTypeSymbol, string>(SymbolEqualityComparer.Default);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = pending.Pop();
            if (current is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)current;
            foreach (var nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }

            foreach (var attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, gripJsonContext)
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is INamedTypeSymbol jsonContext
                    && (!contexts.TryGetValue(jsonContext, out string? first) || string.CompareOrdinal(type.Name, first) < 0))
                {
                    contexts[jsonContext] = type.Name;
                }
            }
        }

        return contexts;
    }

    private static bool HasOptions(INamedTypeSymbol jsonContext, INamedTypeSymbol options)
    {
        foreach (var attribute in jsonContext.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, options))
            {
                return true;
            }
        }

        return false;
    }
}
