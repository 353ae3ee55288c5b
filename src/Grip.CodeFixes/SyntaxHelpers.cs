using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Grip.CodeFixes;

/// <summary>Small syntax helpers shared by the code fixes; each keeps the user's trivia intact.</summary>
internal static class SyntaxHelpers
{
    /// <summary>The innermost node of type <typeparamref name="T"/> that contains <paramref name="span"/>.</summary>
    public static T? FindAncestor<T>(SyntaxNode root, TextSpan span)
        where T : SyntaxNode =>
        root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<T>().FirstOrDefault();

    /// <summary>The line break the document already uses (generated text must not mix styles).</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root) =>
        root.ToFullString().Contains("\r\n") ? SyntaxFactory.CarriageReturnLineFeed : SyntaxFactory.LineFeed;

    /// <summary>The indentation (the whitespace after the last line break) of a leading trivia list.</summary>
    public static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        if (leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            return SyntaxFactory.TriviaList(leading[leading.Count - 1]);
        }

        return SyntaxFactory.TriviaList();
    }

    /// <summary>
    /// Adds a modifier just before the declaration keyword (where 'partial' must go), moving the
    /// declaration's leading trivia onto it when there were no modifiers.
    /// </summary>
    public static TypeDeclarationSyntax AddModifierBeforeKeyword(TypeDeclarationSyntax declaration, SyntaxKind kind)
    {
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            var modifier = SyntaxFactory.Token(keyword.LeadingTrivia, kind, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(modifier));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(SyntaxFactory.Token(SyntaxFactory.TriviaList(), kind, SyntaxFactory.TriviaList(SyntaxFactory.Space))));
    }

    /// <summary>Whether any declaration of <paramref name="type"/> carries the 'partial' modifier.</summary>
    public static bool IsPartial(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }
}
