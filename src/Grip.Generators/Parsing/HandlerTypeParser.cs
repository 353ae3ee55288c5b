using System.Collections.Generic;
using System.Linq;
using Grip.Generators.Diagnostics;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>
/// The handler class itself: whether generated code can be added to it at all (GRIP0006), and where
/// that code goes (namespace, the chain of containing type declarations, the hint name).
/// </summary>
internal static class HandlerTypeParser
{
    /// <summary>Whether a partial declaration can extend the class; if not, GRIP0006 says why and nothing is emitted.</summary>
    public static bool CanExtend(INamedTypeSymbol type, List<Diagnostic> diagnostics)
    {
        string? problem = null;
        if (type.TypeKind != TypeKind.Class)
        {
            problem = "it is " + (type.IsRecord ? "a record struct" : "a " + type.TypeKind.ToString().ToLowerInvariant()) + "; a handler must be a class (one instance is created per request)";
        }
        else if (type.IsStatic)
        {
            problem = "it is static; a handler is a class with instance or static handler methods, make it non-static";
        }
        else if (type.IsAbstract)
        {
            problem = "it is abstract; one handler instance is created per request, so it must be a concrete class";
        }
        else if (type.IsFileLocal)
        {
            problem = "it is file-local; generated code lives in another file and cannot extend it";
        }
        else if (IsGenericAnywhere(type))
        {
            problem = "it is generic (or nested in a generic type); the generator needs a closed class to dispatch to";
        }
        else if (!IsPartial(type))
        {
            problem = "it is not partial; add the 'partial' modifier so the generator can add the dispatch code";
        }
        else
        {
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (!IsPartial(outer))
                {
                    problem = "its containing type '" + outer.Name + "' is not partial; make every containing type partial";
                    break;
                }
            }
        }

        if (problem is null)
        {
            return true;
        }

        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnreachableHandlerType, SymbolLocations.Of(type), type.Name, problem));
        return false;
    }

    public static string Namespace(INamedTypeSymbol type, KnownTypes known) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } containing ? known.NamespaceDisplay(containing) : string.Empty;

    public static List<TypeDeclarationModel> DeclarationChain(INamedTypeSymbol type)
    {
        var chain = new List<TypeDeclarationModel>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            string keyword = t.TypeKind switch
            {
                TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => t.IsRecord ? "record" : "class",
            };
            chain.Insert(0, new TypeDeclarationModel(keyword, t.Name));
        }

        return chain;
    }

    // Grip.{Namespace}.{Outer}.{Type}.g.cs
    public static string HintName(string ns, List<TypeDeclarationModel> chain) =>
        "Grip." + (ns.Length == 0 ? string.Empty : ns + ".") + string.Join(".", chain.Select(static d => d.Name)) + ".g.cs";

    private static bool IsGenericAnywhere(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.Arity > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPartial(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }
}
