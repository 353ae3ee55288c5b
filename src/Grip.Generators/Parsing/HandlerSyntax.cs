using System;
using System.Collections.Generic;
using Grip.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Parsing;

/// <summary>
/// What can be told from syntax alone, before any symbol is bound: which class declarations may be
/// handlers, and which using aliases may name a handler attribute. Every answer is a superset (a
/// name spelled like <c>OnOpen</c> may be another attribute); the semantic parse decides.
/// </summary>
internal static class HandlerSyntax
{
    private const string AttributeSuffix = "Attribute";

    private static readonly string[] HandlerAttributeNames = ["OnOpen", "OnMessage", "OnClose"];

    /// <summary>A class (or record class) with an attributed method; other kinds get no code, the analyzer says why.</summary>
    public static bool IsCandidate(SyntaxNode node)
    {
        if (node is not (ClassDeclarationSyntax or RecordDeclarationSyntax))
        {
            return false;
        }

        foreach (var member in ((TypeDeclarationSyntax)node).Members)
        {
            if (member is MethodDeclarationSyntax { AttributeLists.Count: > 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a method of <paramref name="declaration"/> has an attribute spelled like a handler
    /// attribute or like one of <paramref name="aliases"/>: a controller's <c>[HttpGet]</c> or a
    /// test's <c>[Fact]</c> never costs a symbol lookup.
    /// </summary>
    public static bool MentionsHandlerAttribute(TypeDeclarationSyntax declaration, EquatableArray<string> aliases)
    {
        foreach (var member in declaration.Members)
        {
            if (member is not MethodDeclarationSyntax method)
            {
                continue;
            }

            foreach (var list in method.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    string? name = AttributeSimpleName(attribute.Name);
                    if (name is not null && (Array.IndexOf(HandlerAttributeNames, name) >= 0 || Contains(aliases, name)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// For a using alias to a name, the alias and the target's rightmost identifier, both without an
    /// "Attribute" suffix (<c>using Open = Grip.OnOpenAttribute;</c> gives (Open, OnOpen)); else null.
    /// </summary>
    public static (string Alias, string Target)? UsingAlias(UsingDirectiveSyntax directive)
    {
        if (directive.Alias is not { } alias || directive.NamespaceOrType is not NameSyntax target || AttributeSimpleName(target) is not { } targetName)
        {
            return null;
        }

        return (TrimAttributeSuffix(alias.Name.Identifier.ValueText), targetName);
    }

    /// <summary>
    /// The aliases that may name a handler attribute: those whose target is spelled like one, and,
    /// to a fixed point, those whose target is such an alias (a using inside a namespace may name an
    /// alias of its file or a global one: <c>using Begin = Open;</c>).
    /// </summary>
    public static List<string> HandlerAttributeAliases(List<(string Alias, string Target)> usingAliases)
    {
        var found = new List<string>();
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (alias, target) in usingAliases)
            {
                if ((Array.IndexOf(HandlerAttributeNames, target) >= 0 || found.Contains(target)) && !found.Contains(alias))
                {
                    found.Add(alias);
                    grew = true;
                }
            }
        }

        return found;
    }

    private static bool Contains(EquatableArray<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rightmost identifier of an attribute name without an "Attribute" suffix: Grip.OnOpenAttribute -> OnOpen.</summary>
    private static string? AttributeSimpleName(NameSyntax name)
    {
        var simple = name switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax aliasQualified => aliasQualified.Name,
            SimpleNameSyntax plain => plain,
            _ => null,
        };

        return simple is null ? null : TrimAttributeSuffix(simple.Identifier.ValueText);
    }

    private static string TrimAttributeSuffix(string name) =>
        name.Length > AttributeSuffix.Length && name.EndsWith(AttributeSuffix, StringComparison.Ordinal)
            ? name.Substring(0, name.Length - AttributeSuffix.Length)
            : name;
}
