using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Grip.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Grip.CodeFixes;

/// <summary>
/// GRIP0008 when the handler names a JSON context (in source) that lacks the type: adds
/// <c>[JsonSerializable(typeof(T))]</c> to that context, which may live in another file or project.
/// With no <c>[GripJsonContext]</c> at all there is no fix: creating a context is a design choice.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFixProvider))]
[Shared]
public sealed class AddJsonSerializableCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = DiagnosticIds.GRIP0008_TypeNotInJsonContext;
    private const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    private const string GripJsonContextAttribute = "Grip.GripJsonContextAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.GRIP0008_TypeNotInJsonContext);

    /// <inheritdoc />
    // Batching text changes would conflict (every fix inserts at the same place in the context) and
    // would add a type twice when two handlers miss the same one; this provider groups the missing
    // types per context, across documents and projects, and adds each once.
    public override FixAllProvider GetFixAllProvider() => new FixAll();

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var missing = await ResolveAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (missing is null)
            {
                continue;
            }

            var solution = context.Document.Project.Solution;
            string typeName = missing.Value.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add [JsonSerializable(typeof(" + typeName + "))] to '" + missing.Value.Context.Name + "'",
                    ct => ApplyAsync(solution, new[] { missing.Value }, ct),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The JSON context and the type it lacks, from the diagnostic's position.</summary>
    private static async Task<Missing?> ResolveAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !diagnostic.Location.IsInSource)
        {
            return null;
        }

        var span = diagnostic.Location.SourceSpan;
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        var method = node.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        if (method is null || model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol methodSymbol)
        {
            return null;
        }

        // The analyzer reports a message type on the parameter and a reply type on the return type.
        ITypeSymbol? type = null;
        if (node.AncestorsAndSelf().OfType<ParameterSyntax>().FirstOrDefault() is { } parameter)
        {
            type = model.GetDeclaredSymbol(parameter, cancellationToken)?.Type;
        }
        else if (method.ReturnType.Span.Contains(span))
        {
            type = UnwrapTask(methodSymbol.ReturnType, model.Compilation);
        }

        if (type is null || type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        var jsonContext = FindJsonContext(methodSymbol.ContainingType, model.Compilation);
        if (jsonContext is null)
        {
            return null;
        }

        // Only a context we can edit: declared in source, in this solution.
        var reference = PickDeclaration(jsonContext, model.Compilation, cancellationToken);
        if (reference is null || document.Project.Solution.GetDocument(reference.SyntaxTree) is null)
        {
            return null;
        }

        return new Missing(jsonContext, type, reference);
    }

    private static ITypeSymbol UnwrapTask(ITypeSymbol type, Compilation compilation)
    {
        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
        {
            var definition = named.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1"))
                || SymbolEqualityComparer.Default.Equals(definition, compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1")))
            {
                return named.TypeArguments[0];
            }
        }

        return type;
    }

    private static INamedTypeSymbol? FindJsonContext(INamedTypeSymbol handler, Compilation compilation)
    {
        var attributeType = compilation.GetTypeByMetadataName(GripJsonContextAttribute);
        foreach (var attribute in handler.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is INamedTypeSymbol context)
            {
                return context;
            }
        }

        return null;
    }

    // The declaration that already lists types (so the new line joins them), else the first one.
    private static SyntaxReference? PickDeclaration(INamedTypeSymbol context, Compilation compilation, CancellationToken cancellationToken)
    {
        var serializable = compilation.GetTypeByMetadataName(JsonSerializableAttribute);
        var withAttributes = context.GetAttributes()
            .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, serializable) && a.ApplicationSyntaxReference is not null)
            .Select(a => a.ApplicationSyntaxReference!.GetSyntax(cancellationToken).AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault())
            .FirstOrDefault(d => d is not null);
        if (withAttributes is not null)
        {
            return withAttributes.GetReference();
        }

        return context.DeclaringSyntaxReferences.FirstOrDefault(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax);
    }

    private static async Task<Solution> ApplyAsync(Solution solution, IEnumerable<Missing> all, CancellationToken cancellationToken)
    {
        // Group by document, then by declaration; each type once per context, in a stable order.
        foreach (var byTree in all.GroupBy(m => m.Declaration.SyntaxTree))
        {
            var document = solution.GetDocument(byTree.Key);
            if (document is null)
            {
                continue;
            }

            var root = await byTree.Key.GetRootAsync(cancellationToken).ConfigureAwait(false);
            var perDeclaration = new Dictionary<SyntaxNode, List<string>>();
            foreach (var missing in byTree)
            {
                var declaration = await missing.Declaration.GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
                if (!perDeclaration.TryGetValue(declaration, out var types))
                {
                    perDeclaration[declaration] = types = new List<string>();
                }

                string name = missing.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                if (!types.Contains(name))
                {
                    types.Add(name);
                }
            }

            var newRoot = root.ReplaceNodes(perDeclaration.Keys, (original, rewritten) =>
                AddAttributes((TypeDeclarationSyntax)rewritten, perDeclaration[original], SyntaxHelpers.EndOfLine(root)));
            solution = solution.WithDocumentSyntaxRoot(document.Id, newRoot);
        }

        return solution;
    }

    private static TypeDeclarationSyntax AddAttributes(TypeDeclarationSyntax declaration, List<string> typeNames, SyntaxTrivia endOfLine)
    {
        var lists = declaration.AttributeLists;
        int anchor = -1;
        for (int i = 0; i < lists.Count; i++)
        {
            if (lists[i].Attributes.Any(a => a.Name.ToString() is "JsonSerializable" or "JsonSerializableAttribute" || a.Name.ToString().EndsWith(".JsonSerializable", System.StringComparison.Ordinal) || a.Name.ToString().EndsWith(".JsonSerializableAttribute", System.StringComparison.Ordinal)))
            {
                anchor = i;
            }
        }

        var indentation = SyntaxHelpers.Indentation(lists.Count > 0 ? lists[0].GetLeadingTrivia() : declaration.GetLeadingTrivia());
        var newLists = typeNames.Select(name =>
            SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Attribute(
                        (NameSyntax)SyntaxFactory.ParseTypeName("global::System.Text.Json.Serialization.JsonSerializable").WithAdditionalAnnotations(Simplifier.Annotation),
                        SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
                            SyntaxFactory.AttributeArgument(SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(name).WithAdditionalAnnotations(Simplifier.Annotation))))))))
                .WithLeadingTrivia(indentation)
                .WithTrailingTrivia(endOfLine)
                .WithAdditionalAnnotations(Formatter.Annotation))
            .ToList();

        if (lists.Count == 0)
        {
            // The declaration's leading trivia (comments, indentation) moves in front of the first new
            // attribute; the declaration itself keeps just its indentation.
            var leading = declaration.GetLeadingTrivia();
            newLists[0] = newLists[0].WithLeadingTrivia(leading);
            declaration = declaration.WithoutLeadingTrivia().WithLeadingTrivia(indentation);
            return declaration.WithAttributeLists(SyntaxFactory.List(newLists));
        }

        int insertAt = anchor >= 0 ? anchor + 1 : lists.Count;
        return declaration.WithAttributeLists(lists.InsertRange(insertAt, newLists));
    }

    private readonly record struct Missing(INamedTypeSymbol Context, ITypeSymbol Type, SyntaxReference Declaration);

    /// <summary>Fix All for GRIP0008 in a document, project or solution: one edit per context.</summary>
    private sealed class FixAll : FixAllProvider
    {
        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            string title = fixAllContext.Scope switch
            {
                FixAllScope.Document => "Add the missing [JsonSerializable] types in the document",
                FixAllScope.Project => "Add the missing [JsonSerializable] types in the project",
                _ => "Add the missing [JsonSerializable] types in the solution",
            };
            return Task.FromResult<CodeAction?>(CodeAction.Create(title, ct => FixAsync(fixAllContext, ct), EquivalenceKey));
        }

        private static async Task<Solution> FixAsync(FixAllContext context, CancellationToken cancellationToken)
        {
            var documents = context.Scope switch
            {
                FixAllScope.Document when context.Document is not null => new[] { context.Document },
                FixAllScope.Project => context.Project.Documents.ToArray(),
                FixAllScope.Solution => context.Solution.Projects.SelectMany(p => p.Documents).ToArray(),
                _ => System.Array.Empty<Document>(),
            };

            var missing = new List<Missing>();
            foreach (var document in documents)
            {
                var diagnostics = await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);
                foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
                {
                    if (await ResolveAsync(document, diagnostic, cancellationToken).ConfigureAwait(false) is { } item)
                    {
                        missing.Add(item);
                    }
                }
            }

            return await ApplyAsync(context.Solution, missing, cancellationToken).ConfigureAwait(false);
        }
    }
}
