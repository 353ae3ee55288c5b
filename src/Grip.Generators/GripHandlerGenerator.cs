using Grip.Generators.Caching;
using Grip.Generators.Emitting;
using Grip.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Generators;

/// <summary>
/// Emits, for every class with [OnOpen]/[OnMessage]/[OnClose] methods, an <c>IGripHandler</c>
/// implementation and a struct that binds the methods' parameters: dispatch without reflection.
/// </summary>
/// <remarks>
/// This file is only the pipeline. Discovery by syntax is <see cref="HandlerSyntax"/>, what a model
/// depends on is <see cref="SemanticInputs"/>, the per-class step is <see cref="ModelCache"/> then
/// <see cref="HandlerTransform"/> and <see cref="HandlerParser"/>, and the output is
/// <see cref="HandlerSourceOutput"/>. docs/performance.md ("Generator") measures the design.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class GripHandlerGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Why not ForAttributeWithMetadataName: its transform runs once per attributed *method* on
        // every compilation change (any keystroke anywhere), and Roslyn's own share of that (symbol
        // lookup and attribute matching per method) is several times what one lookup per *class*
        // costs (docs/performance.md measures both). So the pipeline finds classes, by syntax only.

        // 1. Every class declaration with an attributed method. The transform returns the node
        //    itself, which is the same object while its file is unchanged.
        var candidates = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => HandlerSyntax.IsCandidate(node), static (syntax, _) => (TypeDeclarationSyntax)syntax.Node)
            .WithTrackingName(TrackingNames.CandidateClasses);

        // 2. What the models depend on outside their classes: every file's declaration signature and
        //    handler-attribute aliases, computed once per file version, plus the references and
        //    options. Value-equal after a keystroke in a method body, so the pipeline keeps the
        //    previous instance. (One node from the compilation, not a per-file node and a Collect:
        //    with step tracking on, as in the IDE, every output below would record the whole
        //    collection, which is quadratic.)
        var semanticInputs = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => SemanticInputs.Create(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.SemanticInputs);

        // The inputs with the compilation to bind against. Not a tracked step: it carries the
        // compilation, so it is new on every compilation and holds a compiler object by design.
        var environment = semanticInputs
            .Combine(context.CompilationProvider)
            .Select(static (input, _) => new ModelEnvironment(input.Left, input.Right));

        // 3. One model per class. Roslyn re-runs this for every candidate on every compilation
        //    change, so the chain is short: the model cache first (no symbol is bound while the
        //    class's node and the SemanticInputs are unchanged), then a syntax check, then one
        //    symbol lookup and one parse. A class declared in several partial parts is handled by
        //    its first part with handler methods; the others give null.
        var models = candidates
            .Combine(environment)
            .Select(static (input, cancellationToken) => ModelCache.GetOrParse(input.Left, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.HandlerModels);

        // 4. One file per handler; an internal failure becomes a located diagnostic.
        context.RegisterSourceOutput(models, static (spc, result) => HandlerSourceOutput.Write(spc, result));

        // 5. The contract for the AsyncAPI document (docs/asyncapi.md): it reads the XML docs and the
        //    SendJson calls of the class and the types its messages reach, so it is its own step.
        var contracts = candidates
            .Combine(environment)
            .Select(static (input, cancellationToken) => ContractSourceOutput.Transform(input.Left, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.HandlerContracts);
        context.RegisterSourceOutput(contracts, static (spc, model) => ContractSourceOutput.Write(spc, model));
    }
}
