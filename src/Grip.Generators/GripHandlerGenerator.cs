using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
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
        // Why not ForAttributeWithMetadataName: its transform runs once per attributed *method* on
        // every compilation change (any keystroke anywhere), and Roslyn's own share of that (symbol
        // lookup and attribute matching per method) is several times what one lookup per *class*
        // costs (docs/performance.md measures both). So the pipeline finds classes, by syntax only:

        // 1. Every class declaration with an attributed method. Syntax only: the transform returns
        //    the node itself, which is the same object while its file is unchanged.
        var candidates = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => IsCandidate(node), static (syntax, _) => (TypeDeclarationSyntax)syntax.Node)
            .WithTrackingName(TrackingNames.CandidateClasses);

        // 2. What the models depend on outside their classes (SemanticInputs): every file's
        //    declaration signature and handler-attribute aliases (`using Open = Grip.OnOpenAttribute;`),
        //    computed once per file version, plus the references and options. Value-equal after a
        //    keystroke in a method body, so the pipeline keeps the previous instance. (One node from the
        //    compilation, not a per-file node and a Collect: with step tracking on, as in the IDE,
        //    every output below would record the whole collection, which is quadratic.)
        var semanticInputs = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => SemanticInputs.Create(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.SemanticInputs);

        // 3. One model per class. Roslyn re-runs this for every candidate on every compilation
        //    change, so each step is cheap and the chain is short: the model cache first (a class
        //    whose syntax node and SemanticInputs are the ones it was parsed with gets its model back
        //    without binding a symbol), then a syntax check (only classes whose method attributes are
        //    spelled like a handler attribute, so a controller's [HttpGet] or a test's [Fact] never
        //    costs a symbol lookup), then one symbol lookup and one parse. A class declared in several
        //    partial parts is handled by its first part with handler methods; the others give null.
        var environment = semanticInputs
            .Combine(context.CompilationProvider)
            .Select(static (input, _) => new ModelEnvironment(input.Left, input.Right));
        var models = candidates
            .Combine(environment)
            .Select(static (input, cancellationToken) => TransformCached(input.Left, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.HandlerModels);

        // Write one file per handler; an internal failure becomes a located diagnostic.
        context.RegisterSourceOutput(models, static (spc, result) =>
        {
            if (result is not null)
            {
                Execute(spc, result);
            }
        });
    }

    // A weak per-compilation cache: framework types are resolved once per compilation, not once per class.
    private static readonly ConditionalWeakTable<Compilation, KnownTypesBox> KnownTypesCache = new();

    // What each JSON context lists, shared by every compilation with the same SemanticInputs (the
    // pipeline hands on one instance while they are equal): a context's list is declaration syntax.
    private static readonly ConditionalWeakTable<SemanticInputs, ConcurrentDictionary<string, HashSet<string>>> ContextTypes = new();

    private static readonly string[] HandlerAttributeNames = ["OnOpen", "OnMessage", "OnClose"];

    private static bool IsCandidate(SyntaxNode node)
    {
        // A handler is a class (a record class too); other kinds get no code, the analyzer says why.
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
    /// For a using alias to a name, the alias and the target's rightmost identifier, both without an
    /// "Attribute" suffix (<c>using Open = Grip.OnOpenAttribute;</c> gives (Open, OnOpen)); else null.
    /// </summary>
    internal static (string Alias, string Target)? UsingAlias(UsingDirectiveSyntax directive)
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
    /// alias of its file or a global one: <c>using Begin = Open;</c>). A superset: the semantic check decides.
    /// </summary>
    internal static List<string> HandlerAttributeAliases(List<(string Alias, string Target)> usingAliases)
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

    private static bool MentionsHandlerAttribute(TypeDeclarationSyntax declaration, EquatableArray<string> aliases)
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
        name.Length > "Attribute".Length && name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;

    /// <summary>
    /// The model of each class declaration, with the SemanticInputs it was computed under. Weak on
    /// the syntax node: an entry lives exactly as long as the file version it describes.
    /// </summary>
    private static readonly ConditionalWeakTable<TypeDeclarationSyntax, StrongBox<CachedModel?>> ModelCache = new();

    /// <summary>
    /// How many classes this thread parsed (model cache misses). Tests read it to prove an edit was
    /// answered from the cache; the driver runs a generator's steps on the calling thread.
    /// </summary>
    [ThreadStatic]
    internal static int ParsesOnThisThread;

    private static HandlerResult? TransformCached(TypeDeclarationSyntax declaration, ModelEnvironment environment, CancellationToken cancellationToken)
    {
        var box = ModelCache.GetValue(declaration, static _ => new StrongBox<CachedModel?>());
        if (Volatile.Read(ref box.Value) is { } cached && cached.Inputs.Equals(environment.Inputs))
        {
            return cached.Result;
        }

        ParsesOnThisThread++;
        var result = MentionsHandlerAttribute(declaration, environment.Aliases)
            ? Transform(declaration, environment.Aliases, environment.Inputs, environment.Compilation, cancellationToken)
            : null;
        Volatile.Write(ref box.Value, new CachedModel(environment.Inputs, result));
        return result;
    }

    private static HandlerResult? Transform(TypeDeclarationSyntax declaration, EquatableArray<string> aliases, SemanticInputs inputs, Compilation compilation, CancellationToken cancellationToken)
    {
        var known = KnownTypesCache.GetValue(compilation, c => new KnownTypesBox(KnownTypes.Create(c, ContextTypes.GetValue(inputs, static _ => new(StringComparer.Ordinal))))).Value;
        if (known is null
            || compilation.GetSemanticModel(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
            || !IsFirstHandlerPart(type, declaration, aliases, cancellationToken))
        {
            return null;
        }

        try
        {
            if (!HandlerParser.IsHandlerType(type, known))
            {
                // Spelled like a handler attribute but is something else (another OnOpen attribute).
                return null;
            }

            // The analyzer reports these diagnostics; the generator only needs the model.
            var model = HandlerParser.Parse(type, known, new List<Diagnostic>(), cancellationToken);
            return model is null ? null : new HandlerResult(model, null);
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

    /// <summary>Whether <paramref name="declaration"/> is the first part of <paramref name="type"/> with handler-like methods.</summary>
    private static bool IsFirstHandlerPart(INamedTypeSymbol type, TypeDeclarationSyntax declaration, EquatableArray<string> aliases, CancellationToken cancellationToken)
    {
        var parts = type.DeclaringSyntaxReferences;
        if (parts.Length == 1)
        {
            return true;
        }

        foreach (var part in parts)
        {
            if (part.GetSyntax(cancellationToken) is TypeDeclarationSyntax candidate && MentionsHandlerAttribute(candidate, aliases))
            {
                return candidate == declaration;
            }
        }

        return false;
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

/// <summary>
/// What every class's step needs besides its syntax. Never equal to another instance: it carries the
/// compilation, so the step re-runs per compilation and the model cache decides what that costs.
/// </summary>
internal sealed class ModelEnvironment(SemanticInputs inputs, Compilation compilation)
{
    public EquatableArray<string> Aliases => Inputs.Aliases;

    public SemanticInputs Inputs { get; } = inputs;

    public Compilation Compilation { get; } = compilation;
}

/// <summary>A model and the inputs it was computed under (see <see cref="SemanticInputs"/>).</summary>
internal sealed class CachedModel(SemanticInputs inputs, HandlerResult? result)
{
    public SemanticInputs Inputs { get; } = inputs;

    public HandlerResult? Result { get; } = result;
}

/// <summary>What the transform produced for one class: a model, or (rarely) an internal failure.</summary>
internal sealed record HandlerResult(HandlerModel? Model, FailureInfo? Failure);

/// <summary>
/// Where the generator failed, as plain values. Only this never-expected path carries a position;
/// normal diagnostics come from the analyzer, where they can be suppressed.
/// </summary>
internal sealed record FailureInfo(string TypeName, string Message, string FilePath, TextSpan Span, LinePositionSpan LineSpan);
