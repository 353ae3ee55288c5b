using BenchmarkDotNet.Attributes;
using Grip.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Grip.Benchmarks;

/// <summary>
/// The GripHandlers generator on the 200-handler project of <see cref="GeneratorWorkload"/>, from a
/// cold start: a new driver over freshly parsed files and an unbound compilation (opening the project,
/// or a command-line build). Nothing is cached anywhere, the compiler's binding of every handler
/// included. The comparison is Roslyn's own ForAttributeWithMetadataName with empty transforms.
/// </summary>
[MemoryDiagnoser]
public class GeneratorFirstRunBenchmarks
{
    private CSharpCompilation _template = null!;
    private CSharpCompilation _next = null!;

    [GlobalSetup]
    public void Setup() => _template = GeneratorWorkload.Create(200, GeneratorWorkload.References(typeof(GripConnection), typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)));

    // New syntax trees for every run: the generator's model cache is keyed by syntax node, so a
    // reused tree would make the "first" run a cached one.
    [IterationSetup]
    public void NewProject() => _next = GeneratorWorkload.Reparsed(_template);

    [Benchmark(Baseline = true)]
    public GeneratorDriver GripHandlers() => GeneratorWorkload.CreateDriver(new GripHandlerGenerator()).RunGenerators(_next);

    [Benchmark]
    public GeneratorDriver ForAttributeWithMetadataName_EmptyTransforms() => GeneratorWorkload.CreateDriver(new EmptyForAttributeGenerator()).RunGenerators(_next);
}

/// <summary>
/// One keystroke from the steady state (the driver has seen the 200-handler project): what the IDE
/// pays on every edit. Each invocation gets a new compilation with a freshly parsed edited file, as
/// the IDE does (unbound symbols, a syntax tree never seen before).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>UnrelatedBodyEdit</c>: a method body changes in a file with no handler (the common case).</item>
/// <item><c>UnrelatedDeclarationEdit</c>: a member is added to that file: the declarations changed,
/// so every handler's model is recomputed (the worst case of an edit outside the handlers).</item>
/// <item><c>HandlerBodyEdit</c>: a method body changes in one handler: that handler is parsed again.</item>
/// <item><c>ForAttributeWithMetadataName_EmptyTransforms_UnrelatedBodyEdit</c>: Roslyn's own cost of
/// finding the 800 handler methods with ForAttributeWithMetadataName, transforms doing nothing: the
/// floor of the usual generator design.</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(Batch)]
public class GeneratorEditBenchmarks
{
    private const int Batch = 32;
    private const int Handlers = 200;

    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _grip = null!;
    private GeneratorDriver _floor = null!;
    private readonly CSharpCompilation[] _bodyEdits = new CSharpCompilation[Batch];
    private readonly CSharpCompilation[] _declarationEdits = new CSharpCompilation[Batch];
    private readonly CSharpCompilation[] _handlerEdits = new CSharpCompilation[Batch];
    private int _next;
    private int _version;

    [Params(true, false)]
    public bool TrackSteps { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _compilation = GeneratorWorkload.Create(Handlers, GeneratorWorkload.References(typeof(GripConnection), typeof(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory)));
        _grip = GeneratorWorkload.CreateDriver(new GripHandlerGenerator(), TrackSteps).RunGenerators(_compilation);
        var result = _grip.GetRunResult();
        if (result.Results[0].GeneratedSources.Length != Handlers || result.Diagnostics.Length != 0)
        {
            throw new InvalidOperationException($"workload broken: {result.Results[0].GeneratedSources.Length} files, {result.Diagnostics.Length} diagnostics");
        }

        _floor = GeneratorWorkload.CreateDriver(new EmptyForAttributeGenerator(), TrackSteps).RunGenerators(_compilation);
    }

    // Parsing the edited file is the compiler's cost, not the generator's: done here, one new tree
    // per invocation. Versions keep counting, so every declaration edit differs from the one before.
    [IterationSetup]
    public void NewEdits()
    {
        _next = 0;
        for (int i = 0; i < Batch; i++)
        {
            int version = ++_version;
            _bodyEdits[i] = GeneratorWorkload.Replace(_compilation, GeneratorWorkload.Parse(GeneratorWorkload.Unrelated(version), GeneratorWorkload.UnrelatedPath));
            _declarationEdits[i] = GeneratorWorkload.Replace(_compilation, GeneratorWorkload.Parse(GeneratorWorkload.UnrelatedDeclaration(version), GeneratorWorkload.UnrelatedPath));
            int handler = version % Handlers;
            _handlerEdits[i] = GeneratorWorkload.Replace(_compilation, GeneratorWorkload.Parse(GeneratorWorkload.HandlerWithBodyEdit(handler, version), GeneratorWorkload.HandlerPath(handler)));
        }
    }

    [Benchmark(Baseline = true)]
    public GeneratorDriver UnrelatedBodyEdit() => _grip.RunGenerators(_bodyEdits[_next++]);

    [Benchmark]
    public GeneratorDriver UnrelatedDeclarationEdit() => _grip.RunGenerators(_declarationEdits[_next++]);

    [Benchmark]
    public GeneratorDriver HandlerBodyEdit() => _grip.RunGenerators(_handlerEdits[_next++]);

    [Benchmark]
    public GeneratorDriver ForAttributeWithMetadataName_EmptyTransforms_UnrelatedBodyEdit() => _floor.RunGenerators(_bodyEdits[_next++]);
}

/// <summary>
/// The usual design's floor: ForAttributeWithMetadataName for the three handler attributes with
/// transforms that do nothing, so what it costs is Roslyn's own (a symbol lookup and attribute match
/// per attributed method, on every compilation change).
/// </summary>
public sealed class EmptyForAttributeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var open = context.SyntaxProvider.ForAttributeWithMetadataName("Grip.OnOpenAttribute", static (node, _) => node is MethodDeclarationSyntax, static (_, _) => 0);
        var message = context.SyntaxProvider.ForAttributeWithMetadataName("Grip.OnMessageAttribute", static (node, _) => node is MethodDeclarationSyntax, static (_, _) => 0);
        var close = context.SyntaxProvider.ForAttributeWithMetadataName("Grip.OnCloseAttribute", static (node, _) => node is MethodDeclarationSyntax, static (_, _) => 0);
        context.RegisterSourceOutput(open.Collect().Combine(message.Collect()).Combine(close.Collect()), static (_, _) => { });
    }
}
