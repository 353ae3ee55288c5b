using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
/// GRIP0010 on a constant close code that cannot be sent: offers 1000 (normal closure) and the
/// nearest application code in 4000-4999 as two separate actions. A close reason that is too long
/// (the same id) has no mechanical fix: shortening a message needs a person.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CloseCodeCodeFixProvider))]
[Shared]
public sealed class CloseCodeCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of "use 1000": Fix All applies the same choice everywhere.</summary>
    internal const string NormalKey = DiagnosticIds.GRIP0010_InvalidCloseCode + ".Normal";

    /// <summary>Equivalence key of "use an application code".</summary>
    internal const string ApplicationKey = DiagnosticIds.GRIP0010_InvalidCloseCode + ".Application";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.GRIP0010_InvalidCloseCode);

    /// <inheritdoc />
    // Each fix replaces one argument expression: plain batching never conflicts.
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <summary>
    /// The application code (4000-4999) closest in meaning to an invalid code: an HTTP-like status
    /// (0-999) keeps its digits (404 becomes 4404); a reserved protocol code (1004-2999) keeps its last
    /// three digits (1005 becomes 4005); anything above 4999 becomes 4999; a negative code 4000.
    /// </summary>
    internal static int ApplicationCode(int code) => code switch
    {
        < 0 => 4000,
        > 4999 => 4999,
        _ => 4000 + (code % 1000),
    };

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax expression)
            {
                continue;
            }

            if (expression.Parent is ArgumentSyntax { Expression: { } argumentValue } && argumentValue.Span == expression.Span)
            {
                expression = argumentValue;
            }

            // Only the close-code form of GRIP0010 (an int constant); a too-long reason has no fix.
            if (model.GetConstantValue(expression, context.CancellationToken) is not { HasValue: true, Value: int code })
            {
                continue;
            }

            var target = expression;
            context.RegisterCodeFix(
                CodeAction.Create("Use close code 1000 (normal closure)", ct => ReplaceAsync(context.Document, target, 1000, ct), NormalKey),
                diagnostic);
            int application = ApplicationCode(code);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use application close code " + application.ToString(CultureInfo.InvariantCulture),
                    ct => ReplaceAsync(context.Document, target, application, ct),
                    ApplicationKey),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax expression, int code, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(code))
            .WithTriviaFrom(expression);
        return document.WithSyntaxRoot(root.ReplaceNode(expression, literal));
    }
}
