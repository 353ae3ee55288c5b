using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Grip.Generators.Diagnostics;
using Grip.Generators.Emitting;
using Grip.Generators.Model;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Grip.Generators;

/// <summary>
/// Emits, for every class with [OnOpen]/[OnMessage]/[OnClose] methods, an <c>IGripHandler</c>
/// implementation and a struct that binds the methods' parameters: dispatch without reflection.
/// This file is only the pipeline; parsing, models and emission live in their folders.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GripHandlerGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Each handler attribute finds its methods; each transform parses the whole containing
        // class into a value model (the same model whichever method found it).
        var open = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownTypes.OnOpenAttribute, IsMethod, Transform)
            .WithTrackingName(TrackingNames.OpenHandlers);
        var message = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownTypes.OnMessageAttribute, IsMethod, Transform)
            .WithTrackingName(TrackingNames.MessageHandlers);
        var close = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownTypes.OnCloseAttribute, IsMethod, Transform)
            .WithTrackingName(TrackingNames.CloseHandlers);

        // One model per class: a class with three handler methods was found three times.
        var distinct = open.Collect()
            .Combine(message.Collect())
            .Combine(close.Collect())
            .Select(static (all, _) => Distinct(all.Left.Left, all.Left.Right, all.Right))
            .WithTrackingName(TrackingNames.DistinctHandlers);

        // Back to one item per class, so each file is regenerated only when its class changes.
        var handlers = distinct
            .SelectMany(static (models, _) => models)
            .WithTrackingName(TrackingNames.Handlers);

        // Write one file per handler; an internal failure becomes a located diagnostic.
        context.RegisterSourceOutput(handlers, static (spc, result) => Execute(spc, result));
    }

    // Weak per-compilation caches: they die with the compilation and hold nothing into the pipeline's models.
    private static readonly ConditionalWeakTable<Compilation, KnownTypesBox> KnownTypesCache = new();
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<INamedTypeSymbol, HandlerResult?>> ParsedClasses = new();

    private static bool IsMethod(SyntaxNode node, CancellationToken cancellationToken) => node is MethodDeclarationSyntax;

    private static HandlerResult? Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not IMethodSymbol { ContainingType: { } type })
        {
            return null;
        }

        try
        {
            // Every edit re-runs this transform for every handler method (its semantic model may have
            // changed), so the work is shared: framework types are resolved once per compilation, and
            // a class with several handler methods is parsed once per compilation, not once per method.
            var compilation = context.SemanticModel.Compilation;
            var known = KnownTypesCache.GetValue(compilation, static c => new KnownTypesBox(KnownTypes.Create(c))).Value;
            if (known is null)
            {
                return null;
            }

            var perCompilation = ParsedClasses.GetValue(compilation, static _ => new ConcurrentDictionary<INamedTypeSymbol, HandlerResult?>(SymbolEqualityComparer.Default));
            return perCompilation.GetOrAdd(type, t =>
            {
                // The analyzer reports these diagnostics; the generator only needs the model.
                var model = HandlerParser.Parse(t, known, new List<Diagnostic>(), cancellationToken);
                return model is null ? null : new HandlerResult(model, null);
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The generator must never throw: report where it failed instead.
            var location = type.Locations.Length > 0 ? type.Locations[0] : Location.None;
            var failure = new FailureInfo(
                type.ToDisplayString(),
                ex.GetType().Name + ": " + ex.Message,
                location.SourceTree?.FilePath ?? string.Empty,
                location.SourceSpan,
                location.GetLineSpan().Span);
            return new HandlerResult(null, failure);
        }
    }

    private static EquatableArray<HandlerResult> Distinct(ImmutableArray<HandlerResult?> a, ImmutableArray<HandlerResult?> b, ImmutableArray<HandlerResult?> c)
    {
        var seen = new HashSet<HandlerResult>();
        var list = new List<HandlerResult>();
        foreach (var batch in new[] { a, b, c })
        {
            foreach (var item in batch)
            {
                if (item is not null && seen.Add(item))
                {
                    list.Add(item);
                }
            }
        }

        return list.ToEquatableArray();
    }

    private static void Execute(SourceProductionContext context, HandlerResult result)
    {
        if (result.Failure is { } failure)
        {
            var location = failure.FilePath.Length == 0 ? Location.None : Location.Create(failure.FilePath, failure.Span, failure.LineSpan);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, location, failure.TypeName, failure.Message));
            return;
        }

        var model = result.Model!;
        string source;
        try
        {
            source = HandlerEmitter.Emit(model, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.TypeName, ex.GetType().Name + ": " + ex.Message));
            return;
        }

        context.AddSource(model.HintName, SourceText.From(source, System.Text.Encoding.UTF8));
    }
}

/// <summary>Holds a possibly-null <see cref="KnownTypes"/> in a <see cref="ConditionalWeakTable{TKey, TValue}"/>.</summary>
internal sealed class KnownTypesBox(KnownTypes? value)
{
    public KnownTypes? Value { get; } = value;
}

/// <summary>What the transform produced for one class: a model, or (rarely) an internal failure.</summary>
internal sealed record HandlerResult(HandlerModel? Model, FailureInfo? Failure);

/// <summary>
/// Where the generator failed, as plain values. Only this never-expected path carries a position;
/// normal diagnostics come from the analyzer, where they can be suppressed.
/// </summary>
internal sealed record FailureInfo(string TypeName, string Message, string FilePath, TextSpan Span, LinePositionSpan LineSpan);
