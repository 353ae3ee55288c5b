using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>Where a diagnostic about a handler points: the narrowest syntax that says what to fix.</summary>
internal static class SymbolLocations
{
    public static Location? Of(ISymbol symbol) => symbol.Locations.FirstOrDefault();

    /// <summary>The method's return type as written, else the method name.</summary>
    public static Location? ReturnType(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is MethodDeclarationSyntax syntax)
            {
                return syntax.ReturnType.GetLocation();
            }
        }

        return Of(method);
    }

    /// <summary>The attribute as written, else <paramref name="fallback"/>'s name.</summary>
    public static Location? Attribute(AttributeData attribute, ISymbol fallback) =>
        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? Of(fallback);
}
