using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Grip.Generators.Model;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Caching;

/// <summary>
/// Everything outside a handler class that its model can depend on: the declaration signature of
/// every file (in compilation order), the references, the compilation options and the assembly
/// name. Two compilations with equal inputs give every unchanged handler class the same model.
/// </summary>
/// <remarks>
/// The pipeline keeps the previous instance while the inputs are equal, so a reference comparison
/// answers the common case (a body edit) at once.
/// </remarks>
internal sealed class SemanticInputs : IEquatable<SemanticInputs>
{
    // A syntax tree never changes, so what it contributes is computed once per tree (per file version).
    private static readonly ConditionalWeakTable<SyntaxTree, TreeFacts> Trees = new();

    private SemanticInputs(EquatableArray<string> declarations, EquatableArray<string> aliases, CompilationShape compilation)
    {
        Declarations = declarations;
        Aliases = aliases;
        Compilation = compilation;
    }

    /// <summary>Each file's <see cref="DeclarationSignature"/>, in compilation order.</summary>
    public EquatableArray<string> Declarations { get; }

    /// <summary>Using-alias names that may name a handler attribute, sorted (derived from the declarations).</summary>
    public EquatableArray<string> Aliases { get; }

    public CompilationShape Compilation { get; }

    public static SemanticInputs Create(Compilation compilation, CancellationToken cancellationToken)
    {
        var declarations = new List<string>();
        List<(string Alias, string Target)>? usingAliases = null;
        foreach (var tree in compilation.SyntaxTrees)
        {
            var facts = Trees.GetValue(tree, t => TreeFacts.Compute(t, cancellationToken));
            declarations.Add(facts.Signature);
            foreach (var alias in facts.UsingAliases)
            {
                (usingAliases ??= []).Add(alias);
            }
        }

        // Across files: an alias in one file can name a global alias declared in another.
        var sortedAliases = usingAliases is null
            ? EquatableArray<string>.Empty
            : HandlerSyntax.HandlerAttributeAliases(usingAliases).OrderBy(static a => a, StringComparer.Ordinal).ToEquatableArray();
        return new SemanticInputs(declarations.ToEquatableArray(), sortedAliases, new CompilationShape(compilation));
    }

    public bool Equals(SemanticInputs? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Compilation.Equals(other.Compilation) && Declarations.Equals(other.Declarations));

    public override bool Equals(object? obj) => Equals(obj as SemanticInputs);

    public override int GetHashCode() => Compilation.GetHashCode();
}

/// <summary>What one syntax tree contributes to <see cref="SemanticInputs"/>.</summary>
internal sealed class TreeFacts(string signature, (string Alias, string Target)[] usingAliases)
{
    public string Signature { get; } = signature;

    /// <summary>Every using alias to a name in the file (see <see cref="HandlerSyntax.UsingAlias"/>).</summary>
    public (string Alias, string Target)[] UsingAliases { get; } = usingAliases;

    public static TreeFacts Compute(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        List<(string Alias, string Target)>? aliases = null;
        // Using directives sit at the top of the file or of a namespace declaration.
        foreach (var directive in root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>())
        {
            if (HandlerSyntax.UsingAlias(directive) is { } alias)
            {
                (aliases ??= []).Add(alias);
            }
        }

        return new TreeFacts(DeclarationSignature.Compute(root, cancellationToken), aliases?.ToArray() ?? []);
    }
}
