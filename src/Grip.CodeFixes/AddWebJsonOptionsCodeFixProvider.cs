using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Grip.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Grip.CodeFixes;

/// <summary>
/// GRIP0017: adds <c>[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
/// RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]</c> to a handler's
/// JSON context, after the attributes it already has, with <c>using System.Text.Json;</c> when the
/// file lacks it. Each fix edits only its own context, so Fix All is Roslyn's batch fixer.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWebJsonOptionsCodeFixProvider))]
[Shared]
public sealed class AddWebJsonOptionsCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use web JSON conventions (camelCase, required and nullable respected)";

    private const string Attribute =
        "[global::System.Text.Json.Serialization.JsonSourceGenerationOptions(global::System.Text.Json.JsonSerializerDefaults.Web, "
        + "RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.GRIP0017_JsonContextDefaultOptions);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = SyntaxHelpers.FindAncestor<TypeDeclarationSyntax>(root, diagnostic.Location.SourceSpan);
            if (declaration is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ApplyAsync(context.Document, declaration, ct), DiagnosticIds.GRIP0017_JsonContextDefaultOptions),
                diagnostic);
        }
    }

    private static async Task<Document> ApplyAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var lists = declaration.AttributeLists;
        var indentation = SyntaxHelpers.Indentation(lists.Count > 0 ? lists[0].GetLeadingTrivia() : declaration.GetLeadingTrivia());
        var parsed = (TypeDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(Attribute + " class C { }")!;
        var options = parsed.AttributeLists[0]
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(SyntaxHelpers.EndOfLine(root))
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);

        TypeDeclarationSyntax updated;
        if (lists.Count == 0)
        {
            // The declaration's leading trivia (doc comment, indentation) moves in front of the attribute.
            updated = declaration.WithoutLeadingTrivia().WithLeadingTrivia(indentation)
                .WithAttributeLists(SyntaxFactory.SingletonList(options.WithLeadingTrivia(declaration.GetLeadingTrivia())));
        }
        else
        {
            updated = declaration.WithAttributeLists(lists.Add(options));
        }

        var edited = document.WithSyntaxRoot(root.ReplaceNode(declaration, updated));
        edited = await ImportAdder.AddImportsAsync(edited, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Simplifier.ReduceAsync(edited, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
