using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>
/// The part of a file that can change what any declaration in the compilation means: every token
/// outside member bodies, and every preprocessor directive (with its place among those tokens).
/// </summary>
/// <remarks>
/// <para>
/// A handler's model is a function of its class's syntax and of the compilation's declarations,
/// references and options (which type a name binds to, what a JSON context lists, whether a type is a
/// class, a constant's value, the nullable context). Statements never change a declaration. So when
/// only a method body changed somewhere (the common keystroke), every file's signature is equal to
/// the one before, and the generator can reuse each handler's model without binding anything.
/// </para>
/// <para>
/// Left out: the tokens of blocks (<c>{ ... }</c> bodies of methods, accessors, constructors,
/// operators, local functions and lambdas), of expression bodies (<c>=&gt; ...</c>) and of top-level
/// statements (only their presence counts: it declares <c>Program</c>). Trivia (whitespace,
/// comments) is left out too, except directives: <c>#nullable</c> or <c>#if</c> inside a body still
/// changes the declarations after it, so every directive is kept in document order.
/// </para>
/// <para>
/// Tokens are written with their lengths, so two different declaration sequences never give the
/// same text; the text is then reduced to its SHA-256 (a file's signature is compared only with its
/// previous version's, so a collision is out of reach), which keeps a big project's signatures at
/// 44 bytes per file instead of a copy of its declarations.
/// </para>
/// </remarks>
internal static class DeclarationSignature
{
    public static string Compute(CompilationUnitSyntax root, CancellationToken cancellationToken)
    {
        var builder = new StringBuilder(root.FullSpan.Length / 4);
        var directive = root.GetFirstDirective();
        int count = 0;

        foreach (var token in root.DescendantTokens(static node => !IsBody(node)))
        {
            // The directives before this token, wherever they are (inside a skipped body too).
            while (directive is not null && directive.SpanStart < token.SpanStart)
            {
                Append(builder, "#", directive.ToString());
                directive = directive.GetNextDirective();
            }

            Append(builder, string.Empty, token.Text);
            if ((++count & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        for (; directive is not null; directive = directive.GetNextDirective())
        {
            Append(builder, "#", directive.ToString());
        }

        foreach (var member in root.Members)
        {
            if (member is GlobalStatementSyntax)
            {
                builder.Append("<top-level statements>");
                break;
            }
        }

        return Hash(builder.ToString());
    }

    private static string Hash(string text)
    {
        // The UTF-16 code units as they are (an encoder would replace a lone surrogate).
        var bytes = new byte[text.Length * 2];
        for (int i = 0; i < text.Length; i++)
        {
            bytes[2 * i] = (byte)text[i];
            bytes[(2 * i) + 1] = (byte)(text[i] >> 8);
        }

        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(bytes));
    }

    /// <summary>Statements and expression bodies: they never change what a declaration means.</summary>
    private static bool IsBody(SyntaxNode node) =>
        node is BlockSyntax or ArrowExpressionClauseSyntax or GlobalStatementSyntax;

    private static void Append(StringBuilder builder, string kind, string text) =>
        builder.Append(kind).Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(text);
}
