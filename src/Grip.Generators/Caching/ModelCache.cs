using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Grip.Generators.Model;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators.Caching;

/// <summary>
/// The model of each class declaration, with the <see cref="SemanticInputs"/> it was computed under.
/// A class whose syntax node and inputs are the ones it was parsed with gets its model back without
/// binding a symbol: what makes a keystroke in a method body cost next to nothing.
/// </summary>
/// <remarks>
/// Sound because a model depends only on its syntax and the <see cref="SemanticInputs"/>
/// (ModelCacheSoundnessTests). Weak on the node: an entry lives as long as its file version.
/// </remarks>
internal static class ModelCache
{
    private static readonly ConditionalWeakTable<TypeDeclarationSyntax, StrongBox<CachedModel?>> Entries = new();

    /// <summary>
    /// How many classes this thread parsed (model cache misses). Tests read it to prove an edit was
    /// answered from the cache; the driver runs a generator's steps on the calling thread.
    /// </summary>
    [ThreadStatic]
    internal static int ParsesOnThisThread;

    public static HandlerResult? GetOrParse(TypeDeclarationSyntax declaration, ModelEnvironment environment, CancellationToken cancellationToken)
    {
        var box = Entries.GetValue(declaration, static _ => new StrongBox<CachedModel?>());
        if (Volatile.Read(ref box.Value) is { } cached && cached.Inputs.Equals(environment.Inputs))
        {
            return cached.Result;
        }

        ParsesOnThisThread++;
        var result = HandlerTransform.Transform(declaration, environment, cancellationToken);
        Volatile.Write(ref box.Value, new CachedModel(environment.Inputs, result));
        return result;
    }

    private sealed class CachedModel(SemanticInputs inputs, HandlerResult? result)
    {
        public SemanticInputs Inputs { get; } = inputs;

        public HandlerResult? Result { get; } = result;
    }
}
