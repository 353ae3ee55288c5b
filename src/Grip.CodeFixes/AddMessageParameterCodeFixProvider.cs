using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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

/// <summary>GRIP0012: an <c>[OnMessage]</c> method without a message parameter gets <c>string message</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddMessageParameterCodeFixProvider))]
[Shared]
public sealed class AddMessageParameterCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = DiagnosticIds.GRIP0012_NoMessageParameter;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.GRIP0012_NoMessageParameter);

    /// <inheritdoc />
    // Each fix edits only its own parameter list: plain batching never conflicts.
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
            var method = SyntaxHelpers.FindAncestor<MethodDeclarationSyntax>(root, diagnostic.Location.SourceSpan);
            if (method is null)
            {
                continue;
            }

            string name = FreeName(method);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add a 'string " + name + "' parameter",
                    ct => FixAsync(context.Document, method, name, ct),
                    EquivalenceKey),
                diagnostic);
        }
    }

    // 'message', or 'message2', 'message3', ... when a parameter or local already uses the name.
    private static string FreeName(MethodDeclarationSyntax method)
    {
        var taken = method.ParameterList.Parameters.Select(p => p.Identifier.ValueText)
            .Concat(method.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.ValueText))
            .Concat(method.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Select(v => v.Identifier.ValueText))
            .ToImmutableHashSet();
        string name = "message";
        for (int i = 2; taken.Contains(name); i++)
        {
            name = "message" + i.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }

    private static async Task<Document> FixAsync(Document document, MethodDeclarationSyntax method, string name, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // First position: the generator binds parameters by type, so order does not matter to it,
        // and the message first reads like every other handler.
        var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name))
            .WithType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.StringKeyword)).WithTrailingTrivia(SyntaxFactory.Space));
        var parameters = method.ParameterList.Parameters;
        var list = parameters.Count == 0
            ? SyntaxFactory.SingletonSeparatedList(parameter)
            : SyntaxFactory.SeparatedList(
                new[] { parameter }.Concat(parameters),
                new[] { SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space) }.Concat(parameters.GetSeparators()));
        var newMethod = method.WithParameterList(method.ParameterList.WithParameters(list));
        return document.WithSyntaxRoot(root.ReplaceNode(method, newMethod));
    }
}
