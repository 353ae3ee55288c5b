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

namespace Grip.CodeFixes;

/// <summary>
/// GRIP0006 when the generated code cannot extend the handler class: adds 'partial' to the class and
/// to every containing type that lacks it, and turns a file-local class into an internal one.
/// Static, abstract, generic and struct handlers get no fix: changing those changes what the code
/// means, which is the user's decision.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeHandlerReachableCodeFixProvider))]
[Shared]
public sealed class MakeHandlerReachableCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = DiagnosticIds.GRIP0006_UnreachableHandlerType;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.GRIP0006_UnreachableHandlerType);

    /// <inheritdoc />
    // Two handlers nested in one non-partial type would both add 'partial' to it, which batching
    // text changes reports as a conflict; this provider collects the declarations of a document
    // first and edits each once.
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null || root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var edits = Plan(root, model, diagnostic, context.CancellationToken);
            if (edits.Count == 0)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title(edits), ct => ApplyAsync(context.Document, edits, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static string Title(Dictionary<TypeDeclarationSyntax, Edit> edits)
    {
        if (edits.Count == 1 && edits.Single() is { Value: { MakeInternal: true, MakePartial: true } } only)
        {
            return "Make '" + only.Key.Identifier.ValueText + "' internal and partial";
        }

        var internalNames = edits.Where(e => e.Value.MakeInternal).Select(e => "'" + e.Key.Identifier.ValueText + "'").ToList();
        var partialNames = edits.Where(e => e.Value.MakePartial).OrderBy(e => e.Key.SpanStart).Select(e => "'" + e.Key.Identifier.ValueText + "'").ToList();
        var parts = new List<string>();
        if (internalNames.Count > 0)
        {
            parts.Add("Make " + string.Join(" and ", internalNames) + " internal");
        }

        if (partialNames.Count > 0)
        {
            parts.Add((parts.Count == 0 ? "Make " : "make ") + string.Join(" and ", partialNames) + " partial");
        }

        return string.Join(" and ", parts);
    }

    /// <summary>Which declarations of the diagnostic's document change, and how.</summary>
    private static Dictionary<TypeDeclarationSyntax, Edit> Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var edits = new Dictionary<TypeDeclarationSyntax, Edit>();
        var declaration = SyntaxHelpers.FindAncestor<TypeDeclarationSyntax>(root, diagnostic.Location.SourceSpan);
        if (declaration is null || model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
        {
            return edits;
        }

        // Only the shapes a modifier fixes; the rest (see the class summary) is left alone.
        if (type.TypeKind != TypeKind.Class || type.IsStatic || type.IsAbstract)
        {
            return edits;
        }

        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.Arity > 0)
            {
                return edits;
            }
        }

        if (type.IsFileLocal)
        {
            edits[declaration] = new Edit(MakeInternal: true, MakePartial: false);
        }

        // A non-partial type has exactly one declaration, and it encloses the handler: same document.
        SyntaxNode? node = declaration;
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            node = node!.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault(d => d.Identifier.ValueText == t.Name);
            if (node is not TypeDeclarationSyntax typeDeclaration)
            {
                break;
            }

            if (!SyntaxHelpers.IsPartial(t, cancellationToken))
            {
                edits[typeDeclaration] = edits.TryGetValue(typeDeclaration, out var edit) ? edit with { MakePartial = true } : new Edit(false, true);
            }

            node = typeDeclaration.Parent;
        }

        return edits;
    }

    private static async Task<Document> ApplyAsync(Document document, Dictionary<TypeDeclarationSyntax, Edit> edits, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(Apply(root, edits));
    }

    private static SyntaxNode Apply(SyntaxNode root, Dictionary<TypeDeclarationSyntax, Edit> edits) =>
        root.ReplaceNodes(edits.Keys, (original, rewritten) =>
        {
            var edit = edits[original];
            var result = (TypeDeclarationSyntax)rewritten;
            if (edit.MakeInternal)
            {
                var file = result.Modifiers.First(m => m.IsKind(SyntaxKind.FileKeyword));
                result = result.WithModifiers(result.Modifiers.Replace(file, SyntaxFactory.Token(file.LeadingTrivia, SyntaxKind.InternalKeyword, file.TrailingTrivia)));
            }

            if (edit.MakePartial && !result.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                result = SyntaxHelpers.AddModifierBeforeKeyword(result, SyntaxKind.PartialKeyword);
            }

            return result;
        });

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null || root is null)
        {
            return null;
        }

        var all = new Dictionary<TypeDeclarationSyntax, Edit>();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var pair in Plan(root, model, diagnostic, context.CancellationToken))
            {
                all[pair.Key] = all.TryGetValue(pair.Key, out var existing)
                    ? new Edit(existing.MakeInternal || pair.Value.MakeInternal, existing.MakePartial || pair.Value.MakePartial)
                    : pair.Value;
            }
        }

        return all.Count == 0 ? null : document.WithSyntaxRoot(Apply(root, all));
    }

    private readonly record struct Edit(bool MakeInternal, bool MakePartial);
}
