using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Grip.Generators.Parsing;

/// <summary>
/// The text of a symbol's XML documentation as docs/asyncapi.md ("Text from XML docs") writes it:
/// <c>&lt;c&gt;x&lt;/c&gt;</c> becomes <c>`x`</c>, a <c>see cref</c> its simple name, <c>see langword</c>
/// and <c>paramref</c> <c>`x`</c>; entities decoded, whitespace runs one space, trimmed.
/// </summary>
internal static class XmlDocText
{
    /// <summary>The <c>&lt;summary&gt;</c> of <paramref name="symbol"/>, or null when it has none.</summary>
    public static string? Summary(ISymbol symbol) => Element(symbol, "summary", null);

    /// <summary>The <c>&lt;param name="..."&gt;</c> text of <paramref name="symbol"/>, or null.</summary>
    public static string? Param(ISymbol symbol, string name) => Element(symbol, "param", name);

    private static string? Element(ISymbol symbol, string element, string? name)
    {
        var root = Parse(symbol);
        if (root is null)
        {
            return null;
        }

        foreach (var candidate in root.Descendants(element))
        {
            if (name is null || (string?)candidate.Attribute("name") == name)
            {
                string text = Normalize(Text(candidate));
                return text.Length == 0 ? null : text;
            }
        }

        return null;
    }

    private static XElement? Parse(ISymbol symbol)
    {
        // With documentation off (no GenerateDocumentationFile) the compiler keeps /// lines as
        // comments and gives no XML: read them from the declaration's trivia instead.
        string? xml = symbol.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml))
        {
            xml = FromTrivia(symbol);
        }

        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            return XElement.Parse("<doc>" + xml + "</doc>", LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string? FromTrivia(ISymbol symbol)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var text = new StringBuilder();
            foreach (var trivia in reference.GetSyntax().GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia))
                {
                    foreach (string line in trivia.ToFullString().Split('\n'))
                    {
                        string trimmed = line.TrimStart();
                        if (trimmed.StartsWith("///", System.StringComparison.Ordinal))
                        {
                            text.Append(trimmed.Substring(3)).Append('\n');
                        }
                    }
                }
                else if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) && trivia.ToString().StartsWith("///", System.StringComparison.Ordinal))
                {
                    text.Append(trivia.ToString().Substring(3)).Append('\n');
                }
            }

            if (text.Length > 0)
            {
                return text.ToString();
            }
        }

        return null;
    }

    private static string Text(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "c" or "code" } c:
                    text.Append('`').Append(c.Value).Append('`');
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    if ((string?)see.Attribute("langword") is { } langword)
                    {
                        text.Append('`').Append(langword).Append('`');
                    }
                    else if ((string?)see.Attribute("cref") is { } cref)
                    {
                        text.Append(see.Value.Length > 0 ? see.Value : SimpleName(cref));
                    }
                    else
                    {
                        text.Append(see.Value.Length > 0 ? see.Value : (string?)see.Attribute("href") ?? string.Empty);
                    }

                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    text.Append('`').Append((string?)reference.Attribute("name") ?? string.Empty).Append('`');
                    break;
                case XElement other:
                    text.Append(' ').Append(Text(other)).Append(' ');
                    break;
            }
        }

        return text.ToString();
    }

    private static string SimpleName(string cref)
    {
        string name = cref.Length > 2 && cref[1] == ':' ? cref.Substring(2) : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0)
        {
            name = name.Substring(0, paren);
        }

        int brace = name.IndexOfAny(['{', '<', '`']);
        if (brace >= 0)
        {
            name = name.Substring(0, brace);
        }

        int dot = name.LastIndexOf('.');
        return dot >= 0 ? name.Substring(dot + 1) : name;
    }

    private static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = result.Length > 0;
                continue;
            }

            if (space)
            {
                result.Append(' ');
                space = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
