using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Grip.Generators.Caching;

/// <summary>
/// The <see cref="KnownTypes"/> of a compilation, resolved once per compilation rather than once per
/// handler class, and the JSON-context lists they share across compilations.
/// </summary>
internal static class KnownTypesCache
{
    // Weak on the compilation: framework types are resolved once per compilation, not once per class.
    private static readonly ConditionalWeakTable<Compilation, Box> ByCompilation = new();

    // What each JSON context lists, shared by every compilation with the same SemanticInputs (the
    // pipeline hands on one instance while they are equal): a context's list is declaration syntax.
    private static readonly ConditionalWeakTable<SemanticInputs, ConcurrentDictionary<string, HashSet<string>>> ContextTypes = new();

    // Null when Grip.Abstractions is not referenced.
    public static KnownTypes? Get(Compilation compilation, SemanticInputs inputs) =>
        ByCompilation.GetValue(compilation, c => new Box(KnownTypes.Create(c, ContextTypes.GetValue(inputs, static _ => new(StringComparer.Ordinal))))).Value;

    private sealed class Box(KnownTypes? value)
    {
        public KnownTypes? Value { get; } = value;
    }
}
