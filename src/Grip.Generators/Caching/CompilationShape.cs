using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Caching;

/// <summary>The compilation-wide inputs a declaration can depend on, besides the files.</summary>
internal sealed class CompilationShape : IEquatable<CompilationShape>
{
    private readonly MetadataReference[] _references;

    public CompilationShape(Compilation compilation)
    {
        AssemblyName = compilation.AssemblyName;
        Options = compilation.Options;
        // ExternalReferences, not References: the latter binds the compilation's reference manager,
        // which costs a millisecond on every new compilation. The only other references are #r
        // directives (scripts), and directives are part of every file's declaration signature.
        _references = [.. compilation.ExternalReferences];
    }

    public string? AssemblyName { get; }

    public CompilationOptions Options { get; }

    public bool Equals(CompilationShape? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null
            || !string.Equals(AssemblyName, other.AssemblyName, StringComparison.Ordinal)
            || !Options.Equals(other.Options)
            || _references.Length != other._references.Length)
        {
            return false;
        }

        // References are compared by identity: the IDE and the build keep one object per reference
        // while it is unchanged, and a new object (even for the same file) only costs a re-parse.
        for (int i = 0; i < _references.Length; i++)
        {
            if (!ReferenceEquals(_references[i], other._references[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as CompilationShape);

    public override int GetHashCode() => EqualityComparer<string?>.Default.GetHashCode(AssemblyName) ^ _references.Length;
}
